//! Speed on chart-sized inputs: a ~200 KB values file and ~650 toYaml calls per render.
//! Bounds are generous (debug builds, shared CI machines); timings are printed.

use std::time::Instant;

use goyaml::{Yaml, parse_values, to_yaml};

fn big_values() -> String {
    let mut s = String::new();
    for i in 0..400 {
        s.push_str(&format!(
            "# -- Section {i}: a comment line describing the option in some detail.\n\
             section{i}:\n  enabled: {}\n  replicas: {i}\n  image:\n    repository: \"quay.io/cilium/cilium\"\n    \
             tag: \"v1.18.{i}\"\n    digest: \"sha256:{:064x}\"\n    pullPolicy: IfNotPresent\n  \
             resources: {{}}\n  tolerations:\n  - operator: Exists\n  - key: node-role.kubernetes.io/control-plane\n    \
             effect: NoSchedule\n  extraArgs: []\n  annotations:\n    a.b/c: \"yes\"\n  ratio: 0.{i}5\n\
             description: >-\n    folded text for option {i} that goes on for a while\n    and continues here\n",
            i % 2 == 0,
            i * 7919
        ));
    }
    s
}

#[test]
fn parse_and_emit_chart_sized_inputs() {
    let text = big_values();
    assert!(text.len() > 150_000, "{}", text.len());
    let t = Instant::now();
    let values = parse_values(&text).unwrap();
    let parse = t.elapsed();
    let subtrees: Vec<&Yaml> = values.values().collect();
    let t = Instant::now();
    let mut bytes = 0;
    for i in 0..650 {
        bytes += to_yaml(subtrees[i % subtrees.len()]).unwrap().len();
    }
    let emit = t.elapsed();
    let t = Instant::now();
    let whole = to_yaml(&Yaml::Map(values)).unwrap();
    let emit_all = t.elapsed();
    println!(
        "parse {} KB: {parse:?}; 650 toYaml of sections ({bytes} bytes): {emit:?}; toYaml of all ({} KB): {emit_all:?}",
        text.len() / 1024,
        whole.len() / 1024
    );
    assert!(parse.as_secs_f64() < 5.0);
    assert!(emit.as_secs_f64() < 5.0);
}
