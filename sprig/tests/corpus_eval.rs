//! Runs the corpus (expectations rendered by Helm v4.2.3) through the template engine with
//! sprig registered: each case is parsed and executed by `gotmpl` as the template file
//! `t/templates/cNNNN.txt` (NNNN = the case's index in its file, as `regen.py` names it),
//! and `<no value>` is removed from the output as Helm does.
//!
//! Cases calling Helm's own functions (`toJson`, `toYaml`, `include`, `required`, ...) are
//! skipped and counted: they belong to the `helm` crate. Cases that fail for a known reason
//! are listed in [`KNOWN_FAILURES`]; the test fails when any other case fails, and also
//! when a listed case starts passing (so the list stays exact).

use std::sync::Arc;

use gotmpl::{Environment, TemplateSet, Value};
use sprig::{DefaultGenerator, Timestamp};

/// Helm's functions (engine.go `funcMap`), not sprig's.
const HELM_FUNCTIONS: &[&str] = &[
    "toJson",
    "fromJson",
    "fromJsonArray",
    "toYaml",
    "toYamlPretty",
    "fromYaml",
    "fromYamlArray",
    "toToml",
    "fromToml",
    "include",
    "tpl",
    "required",
    "fail",
    "lookup",
];

/// Cases failing for a known reason (case name, reason).
const KNOWN_FAILURES: &[(&str, &str)] = &[(
    "url-033",
    "derivePassword checks its uint32 parameter itself: same message, Go reports it at the argument",
)];

struct Case {
    name: String,
    index: usize,
    tpl: String,
    kind: String,
    out: String,
}

fn load(path: &std::path::Path) -> Vec<Case> {
    let text = std::fs::read_to_string(path).unwrap();
    let body = text.strip_suffix('\n').unwrap_or(&text);
    let mut cases = Vec::new();
    let mut cur: Option<(String, Vec<&str>, String, Vec<&str>)> = None;
    let mut in_out = false;
    let push = |cur: Option<(String, Vec<&str>, String, Vec<&str>)>, cases: &mut Vec<Case>| {
        if let Some((name, t, k, o)) = cur {
            let index = cases.len();
            cases.push(Case {
                name,
                index,
                tpl: t.join("\n"),
                kind: k,
                out: o.join("\n"),
            });
        }
    };
    for line in body.split('\n') {
        if let Some(n) = line.strip_prefix("=== ") {
            push(cur.take(), &mut cases);
            cur = Some((n.to_string(), vec![], String::new(), vec![]));
            in_out = false;
        } else if let Some(c) = cur.as_mut() {
            if !in_out && (line == "--- out" || line == "--- err") {
                c.2 = line[4..].to_string();
                in_out = true;
            } else if in_out {
                c.3.push(line);
            } else {
                c.1.push(line);
            }
        }
    }
    push(cur.take(), &mut cases);
    cases
}

/// Whether the template calls one of `names` (as a word).
fn uses_any(tpl: &str, names: &[&str]) -> bool {
    tpl.split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .any(|w| names.contains(&w))
}

/// Helm's presentation of a Go template error: `template: N:L:C: executing "N" at <X>: M`
/// becomes `N:L:C\n  executing "N" at <X>:\n    M`, and a parse error `template: N:L: M`
/// becomes `parse error at (N:L): M`.
fn helm_style(go: &str) -> String {
    let Some(rest) = go.strip_prefix("template: ") else {
        return go.to_string();
    };
    if let Some((pos, tail)) = rest.split_once(": executing ")
        && let Some((at, msg)) = tail.split_once(">: ")
    {
        return format!("{pos}\n  executing {at}>:\n    {msg}");
    }
    match rest.split_once(": ") {
        Some((pos, msg)) => format!("parse error at ({pos}): {msg}"),
        None => go.to_string(),
    }
}

fn render(env: &Environment, name: &str, tpl: &str) -> Result<String, String> {
    let mut set = TemplateSet::default();
    set.add(env, name, tpl).map_err(|e| e.to_string())?;
    let out = set
        .execute(env, name, &Value::empty_map())
        .map_err(|e| e.to_string())?;
    // Helm removes "<no value>" from rendered files
    Ok(out.replace("<no value>", ""))
}

#[test]
fn corpus_through_the_template_engine() {
    let mut env = Environment::new();
    sprig::register(
        &mut env,
        Arc::new(DefaultGenerator::seeded(
            [1; 32],
            Timestamp {
                secs: 1_764_316_800,
                nanos: 0,
            },
        )),
    )
    .unwrap();
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "corpus"))
        .collect();
    files.sort();
    let (mut pass, mut skipped, mut known, mut fail) = (0, Vec::new(), Vec::new(), Vec::new());
    let mut fixed = Vec::new();
    for f in files {
        for c in load(&f) {
            if uses_any(&c.tpl, HELM_FUNCTIONS) {
                skipped.push(c.name.clone());
                continue;
            }
            let name = format!("t/templates/c{:04}.txt", c.index);
            let got = render(&env, &name, &c.tpl);
            let ok = match (&got, c.kind.as_str()) {
                (Ok(s), "out") => *s == c.out,
                (Err(e), "err") => e.contains(&c.out) || helm_style(e).contains(&c.out),
                _ => false,
            };
            let known_reason = KNOWN_FAILURES.iter().find(|(n, _)| *n == c.name);
            match (ok, known_reason) {
                (true, None) => pass += 1,
                (true, Some(_)) => fixed.push(c.name.clone()),
                (false, Some((_, why))) => known.push(format!("{} ({why})", c.name)),
                (false, None) => fail.push(format!(
                    "{}: {}\n   want {} {:?}\n   got  {:?}",
                    c.name, c.tpl, c.kind, c.out, got
                )),
            }
        }
    }
    eprintln!(
        "corpus: {pass} passed, {} failed ({} known), {} skipped (Helm functions)",
        fail.len() + known.len(),
        known.len(),
        skipped.len()
    );
    eprintln!("skipped: {}", skipped.join(" "));
    eprintln!("known failures: {}", known.join(", "));
    assert!(
        fail.is_empty(),
        "{} failures:\n{}",
        fail.len(),
        fail.join("\n")
    );
    assert!(
        fixed.is_empty(),
        "listed as known failures but pass now: {fixed:?}"
    );
    assert!(pass > 450, "too few corpus cases ran: {pass}");
}
