//! Differential tests against outputs of Helm v4.2.3 (`tests/regen_golden.sh`). The test
//! charts here hold no template actions, so the rendered text of each file is its source
//! and the output assembly (splitting, hook classification, ordering, flags) is what is
//! compared.

use std::collections::BTreeMap;
use std::path::PathBuf;

use helm::Chart;
use helm::output::{AssembleOptions, assemble};

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests")
}

fn golden(name: &str) -> (String, String) {
    let out = std::fs::read_to_string(dir().join(format!("golden/{name}.out"))).unwrap();
    let err = std::fs::read_to_string(dir().join(format!("golden/{name}.err"))).unwrap();
    (out, err)
}

fn render_static(chart: &str, opts: &AssembleOptions) -> Result<String, String> {
    let c = Chart::load(dir().join("charts").join(chart)).map_err(|e| e.to_string())?;
    let mut files = BTreeMap::new();
    for t in &c.templates {
        if t.name.ends_with("NOTES.txt") {
            continue;
        }
        files.insert(
            format!("{}/{}", c.name(), t.name),
            String::from_utf8(t.data.to_vec()).unwrap(),
        );
    }
    assemble(&[], &files, opts).map(|(s, _)| s)
}

fn check(name: &str, opts: AssembleOptions) {
    let (out, err) = golden(name);
    match render_static("sorting", &opts) {
        Ok(s) => {
            assert!(
                err.is_empty(),
                "{name}: Helm failed with {err}, we rendered"
            );
            assert_eq!(s, out, "{name}");
        }
        Err(e) => assert_eq!(format!("Error: {e}\n"), err, "{name}"),
    }
}

#[test]
fn sorting_default() {
    check("sorting", AssembleOptions::default());
}

#[test]
fn sorting_no_hooks() {
    check(
        "sorting-no-hooks",
        AssembleOptions {
            no_hooks: true,
            ..Default::default()
        },
    );
}

#[test]
fn sorting_skip_tests() {
    check(
        "sorting-skip-tests",
        AssembleOptions {
            skip_tests: true,
            ..Default::default()
        },
    );
}

#[test]
fn sorting_show_only() {
    check(
        "sorting-show-only",
        AssembleOptions {
            show_only: vec!["templates/c.yaml".into(), "templates/[ab].yaml".into()],
            ..Default::default()
        },
    );
    check(
        "sorting-show-only-missing",
        AssembleOptions {
            show_only: vec!["templates/nope.yaml".into()],
            ..Default::default()
        },
    );
}
