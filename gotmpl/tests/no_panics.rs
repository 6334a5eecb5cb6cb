//! Stable-toolchain smoke test for the fuzz entry points (`fuzz/` holds the cargo-fuzz
//! targets): a few thousand deterministic mutations of the corpus templates go through
//! `fuzz_parse` and `fuzz_exec` under `catch_unwind`.

use mutate::no_panics;

const TOKENS: &[&[u8]] = &[
    b"{{",
    b"}}",
    b"{{-",
    b"-}}",
    b"{{ end }}",
    b"{{ else }}",
    b"{{ if . }}",
    b"{{ range . }}",
    b"{{ with .a }}",
    b"{{ define \"x\" }}",
    b"{{ template \"x\" . }}",
    b"{{ block \"b\" . }}",
    b"$x := ",
    b"$",
    b"|",
    b"(",
    b")",
    b".a",
    b"index . 0",
    b"printf \"%v\" ",
    b"/*",
    b"*/",
    b"`",
    b"\"",
    b"'\\''",
    b"0x1p3",
    b"1e9",
    b"nil",
    b"len",
    b"slice . 1 2",
    b"and",
    b"or",
    b"break",
    b"continue",
    b"{{ range $i, $e := .a }}",
    b"eq",
    b"call",
    b"html",
    b"js",
];

fn seeds() -> Vec<Vec<u8>> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus");
    let mut out = Vec::new();
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        for case in text.split("\n=== ") {
            if let Some((_, rest)) = case.split_once("--- template\n") {
                let tpl = rest.split("\n--- ").next().unwrap_or("");
                out.push(tpl.as_bytes().to_vec());
            }
        }
    }
    out
}

#[test]
fn parser_never_panics() {
    let s = seeds();
    assert!(s.len() > 50, "too few seeds: {}", s.len());
    no_panics("fuzz_parse", &s, TOKENS, 20_000, gotmpl::fuzz_parse);
}

#[test]
fn executor_never_panics() {
    no_panics("fuzz_exec", &seeds(), TOKENS, 8000, gotmpl::fuzz_exec);
}

/// Found by the mutation test: an escaped quote followed by a multi-byte character used to
/// slice inside that character.
#[test]
fn character_constants() {
    let run = |src: &str| {
        let env = gotmpl::Environment::new();
        let mut set = gotmpl::TemplateSet::default();
        set.add(&env, "t", src).map_err(|e| e.to_string())?;
        set.execute(&env, "t", &gotmpl::Value::Nil)
            .map_err(|e| e.to_string())
    };
    assert_eq!(run(r"{{ '\'' }}").unwrap(), "39");
    assert_eq!(
        run(r#"{{ '\"' }}|{{ 'é' }}|{{ '\n' }}"#).unwrap(),
        "34|233|10"
    );
    let e = run("{{ '\\'\u{e9} }}").unwrap_err();
    assert!(e.contains("unterminated character constant"), "{e}");
    let e = run("{{ '\\'\u{e9}' }}").unwrap_err();
    assert!(e.contains("malformed character constant"), "{e}");
}
