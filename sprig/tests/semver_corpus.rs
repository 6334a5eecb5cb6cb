//! Checks `semver.corpus` (expectations from Helm v4.2.3) directly against `sprig::semver`.

use sprig::semver::{Version, semver_compare};

struct Case {
    name: String,
    tpl: String,
    kind: String,
    out: String,
}

fn load(path: &str) -> Vec<Case> {
    let text = std::fs::read_to_string(path).unwrap();
    let mut cases: Vec<Case> = Vec::new();
    let mut mode = 0;
    let mut tpl: Vec<&str> = Vec::new();
    let mut out: Vec<&str> = Vec::new();
    let mut name = String::new();
    let mut kind = String::new();
    let mut flush =
        |name: &mut String, kind: &mut String, tpl: &mut Vec<&str>, out: &mut Vec<&str>| {
            if !name.is_empty() {
                cases.push(Case {
                    name: std::mem::take(name),
                    tpl: tpl.join("\n"),
                    kind: std::mem::take(kind),
                    out: out.join("\n"),
                });
            }
            tpl.clear();
            out.clear();
        };
    let body = text.strip_suffix('\n').unwrap_or(&text);
    for line in body.split('\n') {
        if let Some(n) = line.strip_prefix("=== ") {
            flush(&mut name, &mut kind, &mut tpl, &mut out);
            name = n.to_string();
            mode = 1;
        } else if mode == 1 && (line == "--- out" || line == "--- err") {
            kind = line[4..].to_string();
            mode = 2;
        } else if mode == 1 {
            tpl.push(line);
        } else {
            out.push(line);
        }
    }
    flush(&mut name, &mut kind, &mut tpl, &mut out);
    cases
}

fn quoted(s: &str) -> Vec<String> {
    s.split('"')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect()
}

#[test]
fn semver_corpus_matches_helm() {
    let cases = load(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/corpus/semver.corpus"
    ));
    assert!(cases.len() > 70);
    let mut failures = Vec::new();
    for c in &cases {
        let q = quoted(&c.tpl);
        let got: Result<String, String> = if c.tpl.contains("semverCompare") {
            semver_compare(&q[0], &q[1])
                .map(|b| b.to_string())
                .map_err(|e| e.to_string())
        } else {
            Version::parse(&q[0])
                .map(|v| {
                    format!(
                        "{}|{}|{}|{}|{}|{}|{}",
                        v.major, v.minor, v.patch, v.prerelease, v.metadata, v.original, v
                    )
                })
                .map_err(|e| e.to_string())
        };
        let ok = match (&got, c.kind.as_str()) {
            (Ok(s), "out") => *s == c.out,
            (Err(e), "err") => *e == c.out,
            _ => false,
        };
        if !ok {
            failures.push(format!(
                "{}: want {} {:?}, got {:?}",
                c.name, c.kind, c.out, got
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
