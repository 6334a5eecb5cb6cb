//! Live comparison with the reference Helm library (needs `HELM_ORACLE_PYTHON`, a Python
//! with `helm_python` installed, and `CILIUM_CHARTS_DIR`); prints `skipped` otherwise.

use std::path::PathBuf;
use std::process::Command;

use goyaml::Yaml;
use helm::{Chart, ValuesBuilder};

fn env() -> Option<(String, PathBuf)> {
    let (Ok(py), Ok(dir)) = (
        std::env::var("HELM_ORACLE_PYTHON"),
        std::env::var("CILIUM_CHARTS_DIR"),
    ) else {
        eprintln!("skipped: HELM_ORACLE_PYTHON and CILIUM_CHARTS_DIR not both set");
        return None;
    };
    Some((py, PathBuf::from(dir)))
}

/// Coalesced values (chart defaults + Talos values file) equal Helm's `CoalesceValues`.
#[test]
fn coalesced_cilium_values_match_helm() {
    let Some((py, dir)) = env() else { return };
    let talos = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/values/talos.yaml");
    for v in ["1.16.19", "1.18.12", "1.20.0"] {
        let chart = dir.join(format!("cilium-{v}.tgz"));
        if !chart.exists() {
            eprintln!("skipped: {} missing", chart.display());
            continue;
        }
        let script = r#"
import sys, json, helm_python as h
c = h.Chart.load(sys.argv[1])
u = h.values_from_yaml(open(sys.argv[2]).read())
print(json.dumps(c.merge_values(u), sort_keys=True, separators=(",", ":")))
"#;
        let out = Command::new(&py)
            .args(["-c", script])
            .arg(&chart)
            .arg(&talos)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let want = goyaml::from_json(&String::from_utf8(out.stdout).unwrap()).unwrap();

        let c = Chart::load(&chart).unwrap();
        let user = ValuesBuilder::new()
            .file("talos.yaml", std::fs::read_to_string(&talos).unwrap())
            .build(&mut |_| Err("no files".into()))
            .unwrap();
        let got = Yaml::Map(helm::values::coalesce(&c.values, user));
        assert_eq!(
            goyaml::to_json(&got).unwrap(),
            goyaml::to_json(&want).unwrap(),
            "cilium {v}"
        );
        let schema = c.schema.as_ref().unwrap();
        helm::schema::validate_chart_values("cilium", schema, &got).unwrap();
        eprintln!("cilium {v}: coalesced values identical to Helm");
    }
}
