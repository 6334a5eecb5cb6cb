//! Runs every case of `tests/corpus/*.txt`.
//!
//! A file holds cases separated by `=== NAME` lines; each case has sections
//! `--- template` (the template, named `t`; more templates as `--- template NAME`),
//! `--- data` (JSON: numbers become float64 like Helm values; `{"$int": 5}` is a Go int),
//! and exactly one of `--- output` or `--- error`. A section's text ends before the next
//! `---`/`===` line; its last newline is not part of it.

use std::collections::BTreeMap;

use gotmpl::{Environment, TemplateSet, Value};

fn from_json(v: &serde_json::Value) -> Value {
    match v {
        serde_json::Value::Null => Value::Nil,
        serde_json::Value::Bool(b) => Value::Bool(*b),
        serde_json::Value::Number(n) => Value::Float64(n.as_f64().unwrap_or(0.0)),
        serde_json::Value::String(s) => Value::from(s.as_str()),
        serde_json::Value::Array(a) => Value::list(a.iter().map(from_json).collect()),
        serde_json::Value::Object(o) => {
            if let (1, Some(i)) = (o.len(), o.get("$int")) {
                return Value::Int(i.as_i64().unwrap());
            }
            Value::map(
                o.iter()
                    .map(|(k, v)| (k.clone(), from_json(v)))
                    .collect::<BTreeMap<_, _>>(),
            )
        }
    }
}

struct Case {
    file: String,
    name: String,
    templates: Vec<(String, String)>,
    data: Option<String>,
    output: Option<String>,
    error: Option<String>,
}

fn parse_cases(file: &str, text: &str) -> Vec<Case> {
    let mut cases = Vec::new();
    let mut cur: Option<Case> = None;
    let mut section: Option<(String, String)> = None;
    let flush = |cur: &mut Option<Case>, section: &mut Option<(String, String)>| {
        if let (Some(c), Some((head, body))) = (cur.as_mut(), section.take()) {
            let body = body.strip_suffix('\n').unwrap_or(&body).to_string();
            let mut parts = head.splitn(2, ' ');
            match (parts.next().unwrap_or(""), parts.next()) {
                ("template", name) => c.templates.push((name.unwrap_or("t").to_string(), body)),
                ("data", _) => c.data = Some(body),
                ("output", _) => c.output = Some(body),
                ("error", _) => c.error = Some(body),
                (other, _) => panic!("{file}: unknown section {other}"),
            }
        }
    };
    for line in text.split_inclusive('\n') {
        if let Some(name) = line.strip_prefix("=== ") {
            flush(&mut cur, &mut section);
            if let Some(c) = cur.take() {
                cases.push(c);
            }
            cur = Some(Case {
                file: file.to_string(),
                name: name.trim().to_string(),
                templates: Vec::new(),
                data: None,
                output: None,
                error: None,
            });
        } else if let Some(head) = line.strip_prefix("--- ") {
            flush(&mut cur, &mut section);
            section = Some((head.trim().to_string(), String::new()));
        } else if let Some((_, body)) = section.as_mut() {
            body.push_str(line);
        }
    }
    flush(&mut cur, &mut section);
    if let Some(c) = cur.take() {
        cases.push(c);
    }
    cases
}

fn run(case: &Case) -> Result<String, String> {
    let env = Environment::new();
    let mut set = TemplateSet::default();
    for (name, src) in &case.templates {
        set.add(&env, name, src).map_err(|e| e.to_string())?;
    }
    let data = match &case.data {
        Some(d) => from_json(&serde_json::from_str(d).expect("data is JSON")),
        None => Value::Nil,
    };
    set.execute(&env, "t", &data).map_err(|e| e.to_string())
}

#[test]
fn corpus() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/corpus");
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    files.sort();
    let mut failures = Vec::new();
    let mut count = 0;
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        let fname = f.file_name().unwrap().to_string_lossy().to_string();
        for case in parse_cases(&fname, &text) {
            count += 1;
            let got = run(&case);
            let ok = match (&case.output, &case.error, &got) {
                (Some(want), None, Ok(out)) => want == out,
                (None, Some(want), Err(e)) => want == e,
                _ => false,
            };
            if !ok {
                failures.push(format!(
                    "{}: {}\n  want output {:?} error {:?}\n  got {:?}",
                    case.file, case.name, case.output, case.error, got
                ));
            }
        }
    }
    assert!(count > 0);
    assert!(
        failures.is_empty(),
        "{} of {count} cases failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
