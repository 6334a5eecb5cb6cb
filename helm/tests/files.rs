//! `.Files` accessors; expectations from Helm v4.2.3 rendering
//! `tests/charts/files/templates/cm.yaml` (see `tests/golden/files.out`).

use helm::Chart;
use helm::files::{Files, glob_match};

fn files() -> Files {
    let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/charts/files");
    Files::from_chart(&Chart::load(dir).unwrap())
}

fn indent2(s: &str) -> String {
    s.split('\n')
        .map(|l| format!("  {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn accessors_match_helm() {
    let f = files();
    let golden = std::fs::read_to_string(
        std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/golden/files.out"),
    )
    .unwrap();
    let cfg = indent2(&f.glob("files/*").as_config().unwrap());
    assert!(golden.contains(&format!("data:\n{cfg}\nsecrets:")), "{cfg}");
    let sec = indent2(&f.glob("files/**").as_secrets().unwrap());
    assert!(
        golden.contains(&format!("secrets:\n{sec}\nlines:")),
        "{sec}"
    );
    assert_eq!(f.lines("files/a.txt"), ["line1", "line2"]);
    assert_eq!(f.lines("other.cfg"), ["no-newline"]);
    assert!(f.lines("nope").is_empty());
    assert_eq!(f.get("other.cfg"), "no-newline");
    assert_eq!(f.get("values.yaml"), "");
    let keys: Vec<_> = f
        .glob("{files/a.txt,other.*}")
        .entries
        .into_keys()
        .collect();
    assert_eq!(keys, ["files/a.txt", "other.cfg"]);
    let keys: Vec<_> = f.glob("files/?.txt").entries.into_keys().collect();
    assert_eq!(keys, ["files/a.txt"]);
    assert_eq!(Files::default().as_config().unwrap(), "");
}

#[test]
fn glob_edge_cases() {
    assert!(glob_match("**", "a/b/c"));
    assert!(!glob_match("*", "a/b"));
    assert!(glob_match("a/**/c", "a/b/x/c"));
    assert!(glob_match("[!b]", "a"));
    assert!(!glob_match("{a,b", "a"));
    assert!(!glob_match("[a", "a"));
}
