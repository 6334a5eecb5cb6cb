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

/// `--set` family parsing of tricky expressions equals Helm's strvals (JSON shape and error
/// text; the int64/float64 typing is checked in `tests/strvals.rs`).
#[test]
fn strvals_cases_match_helm() {
    let Ok(py) = std::env::var("HELM_ORACLE_PYTHON") else {
        eprintln!("skipped: HELM_ORACLE_PYTHON not set");
        return;
    };
    use helm::strvals::{Mode, parse_into};
    use std::io::Write;
    let base = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/oracle");
    let cases_text = std::fs::read_to_string(base.join("strvals_cases.json")).unwrap();
    let mut child = Command::new(&py)
        .arg(base.join("strvals.py"))
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(cases_text.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let want = goyaml::from_json(&String::from_utf8(out.stdout).unwrap()).unwrap();
    let cases = goyaml::from_json(&cases_text).unwrap();
    let (Yaml::Seq(cases), Yaml::Seq(want)) = (cases, want) else {
        panic!("bad oracle output")
    };
    let mut bad = Vec::new();
    for (c, w) in cases.iter().zip(want.iter()) {
        let (Some(mode), Some(expr)) = (
            c.as_seq().and_then(|s| s[0].as_str()),
            c.as_seq().and_then(|s| s[1].as_str()),
        ) else {
            panic!("bad case")
        };
        let mode = match mode {
            "typed" => Mode::Typed,
            "string" => Mode::String,
            "json" => Mode::Json,
            _ => Mode::Literal,
        };
        let mut m = goyaml::Map::new();
        let got = match parse_into(expr, &mut m, mode) {
            // Through JSON like the oracle's values (numbers become float64).
            Ok(()) => {
                let j = goyaml::to_json(&Yaml::Map(m)).unwrap();
                format!(
                    "ok {}",
                    goyaml::to_json(&goyaml::from_json(&j).unwrap()).unwrap()
                )
            }
            Err(e) => format!("err {e}"),
        };
        let exp = match (w.get("ok"), w.get("err")) {
            (Some(Yaml::String(s)), _) => {
                let v = goyaml::from_json(s).unwrap();
                format!("ok {}", goyaml::to_json(&v).unwrap())
            }
            (_, Some(Yaml::String(e))) => format!("err {e}"),
            _ => panic!("bad oracle row"),
        };
        if got != exp {
            bad.push(format!("{expr:?}: got {got}, want {exp}"));
        }
    }
    assert!(
        bad.is_empty(),
        "{} mismatches:\n{}",
        bad.len(),
        bad.join("\n")
    );
}

/// Schema errors for wrong-typed Cilium values equal Helm's (compared as sets of lines:
/// Helm lists sibling errors in Go map order, which changes from run to run).
#[test]
fn cilium_schema_errors_match_helm() {
    let Some((py, dir)) = env() else { return };
    use std::io::Write;
    let chart_path = dir.join("cilium-1.18.12.tgz");
    if !chart_path.exists() {
        eprintln!("skipped: {} missing", chart_path.display());
        return;
    }
    let base = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/oracle");
    let cases_text = std::fs::read_to_string(base.join("schema_cases.json")).unwrap();
    let mut child = Command::new(&py)
        .arg(base.join("schema.py"))
        .arg(&chart_path)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(cases_text.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let Yaml::Seq(want) = goyaml::from_json(&String::from_utf8(out.stdout).unwrap()).unwrap()
    else {
        panic!("bad oracle output")
    };
    let Yaml::Seq(cases) = goyaml::from_json(&cases_text).unwrap() else {
        panic!("bad cases")
    };
    let c = Chart::load(&chart_path).unwrap();
    let schema = c.schema.clone().unwrap();
    let lines = |s: &str| {
        let mut v: Vec<String> = s.lines().map(str::to_string).collect();
        v.sort();
        v
    };
    for (case, w) in cases.iter().zip(want.iter()) {
        let Yaml::Map(user) = case.clone() else {
            panic!("case must be a map")
        };
        let merged = Yaml::Map(helm::values::coalesce(&c.values, user));
        let got = match helm::schema::validate_chart_values("cilium", &schema, &merged) {
            Ok(()) => String::new(),
            Err(e) => e
                .strip_prefix("values don't meet the specifications of the schema(s) in the following chart(s):\n")
                .unwrap()
                .to_string(),
        };
        let w = w.as_str().unwrap();
        assert_eq!(
            lines(&got),
            lines(w),
            "case {}",
            goyaml::to_json(case).unwrap()
        );
    }
}
