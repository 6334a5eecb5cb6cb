//! Stable-toolchain smoke test for the fuzz entry points (`fuzz/` holds the cargo-fuzz
//! targets): a few thousand deterministic mutations of real YAML and JSON inputs (the
//! golden cases) go through `fuzz_parse_yaml` and `fuzz_parse_json` under `catch_unwind`.

use mutate::no_panics;

const TOKENS: &[&[u8]] = &[
    b"- ",
    b": ",
    b"? ",
    b"&a ",
    b"*a",
    b"!!str ",
    b"!!binary ",
    b"<<: ",
    b"---\n",
    b"...\n",
    b"|-\n  ",
    b">+\n",
    b"{",
    b"}",
    b"[",
    b"]",
    b",",
    b"'",
    b"\"",
    b"\\u00",
    b"#",
    b"%YAML 1.1\n",
    b"\t",
    b"  ",
    b"\r\n",
    b"1e400",
    b"0x",
    b"~",
    b"null",
    b"\xef\xbb\xbf",
    b"\xc3",
];

fn seeds() -> Vec<Vec<u8>> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden");
    let mut out = Vec::new();
    for f in ["from_yaml.json", "to_yaml.json", "from_funcs.json"] {
        let text = std::fs::read_to_string(dir.join(f)).unwrap();
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        for c in v["cases"].as_array().unwrap() {
            for key in ["input", "json", "yaml"] {
                if let Some(s) = c.get(key).and_then(|s| s.as_str()) {
                    out.push(s.as_bytes().to_vec());
                }
            }
        }
    }
    out.push(b"a: &x {b: [1, 2.5, \"s\"]}\nc: *x\n<<: *x\n".to_vec());
    out.push(b"{\"a\": [1, -0.0, 1e21, true, null, {\"b\": \"\\u00e9\"}]}".to_vec());
    out
}

#[test]
fn yaml_reader_never_panics() {
    let s = seeds();
    assert!(s.len() > 50, "too few seeds: {}", s.len());
    no_panics(
        "fuzz_parse_yaml",
        &s,
        TOKENS,
        10_000,
        goyaml::fuzz_parse_yaml,
    );
}

#[test]
fn json_reader_never_panics() {
    no_panics(
        "fuzz_parse_json",
        &seeds(),
        TOKENS,
        4000,
        goyaml::fuzz_parse_json,
    );
}
