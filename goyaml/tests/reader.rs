//! go-yaml v2 typing (before the JSON normalisation), errors with positions, and limits.

use goyaml::{
    ErrorKind, Limits, Map, Yaml, from_yaml, json_normalize, parse_documents, parse_first,
    parse_values, to_json,
};

fn typed(input: &str) -> Yaml {
    parse_first(input.as_bytes(), &Limits::default())
        .unwrap()
        .unwrap()
}

fn v(input: &str) -> Yaml {
    typed(input).get("v").cloned().unwrap()
}

#[test]
fn yaml_v2_number_typing() {
    assert_eq!(v("v: 010"), Yaml::Int(8));
    assert_eq!(v("v: 0o17"), Yaml::Int(15));
    assert_eq!(v("v: 08"), Yaml::Float(8.0));
    assert_eq!(v("v: 0x1F"), Yaml::Int(31));
    assert_eq!(v("v: 1_000"), Yaml::Int(1000));
    assert_eq!(v("v: +1"), Yaml::Int(1));
    assert_eq!(v("v: .5"), Yaml::Float(0.5));
    assert_eq!(v("v: 1e3"), Yaml::Float(1000.0));
    assert_eq!(v("v: 1.0"), Yaml::Float(1.0));
    assert_eq!(v("v: 9223372036854775808"), Yaml::Uint(9223372036854775808));
    assert_eq!(v("v: 1e400"), Yaml::String("1e400".into()));
    assert_eq!(v("v: 2001-12-14"), Yaml::String("2001-12-14".into()));
    assert_eq!(v("v: !!float 3"), Yaml::Float(3.0));
    assert_eq!(v("v: !!str 3"), Yaml::String("3".into()));
    assert_eq!(v("v: !!int '7'"), Yaml::Int(7));
    assert_eq!(v("v: !!binary aGk="), Yaml::String("hi".into()));
    assert!(matches!(v("v: .inf"), Yaml::Float(f) if f.is_infinite()));
    assert_eq!(v("v: ~"), Yaml::Null);
    assert_eq!(v("v:"), Yaml::Null);
    assert_eq!(v("v: off"), Yaml::Bool(false));
    assert_eq!(v("v: Y"), Yaml::Bool(true));
    assert_eq!(v("v: 'yes'"), Yaml::String("yes".into()));
}

#[test]
fn keys_become_strings() {
    let t = typed("on: a\n1: b\n1.5: c\nfalse: d\n0x10: e\n");
    let keys: Vec<&String> = t.as_map().unwrap().keys().collect();
    assert_eq!(keys, ["1", "1.5", "16", "false", "true"]);
}

#[test]
fn merge_precedence_is_go_yaml_v2() {
    // go-yaml v2 applies keys in document order, so a later merge overrides an earlier key.
    // (A key `n:` would be the boolean false, hence m1/m2.)
    let t = typed("b: &b {x: 1, y: 1}\nm1:\n  x: 0\n  <<: *b\nm2:\n  <<: *b\n  x: 0\n");
    assert_eq!(t.get("m1").unwrap().get("x"), Some(&Yaml::Int(1)));
    assert_eq!(t.get("m2").unwrap().get("x"), Some(&Yaml::Int(0)));
    // In a list, earlier maps win.
    let t = typed("p: &p {a: 1}\nq: &q {a: 2, b: 2}\nm:\n  <<: [*p, *q]\n");
    assert_eq!(t.get("m").unwrap().get("a"), Some(&Yaml::Int(1)));
    assert_eq!(t.get("m").unwrap().get("b"), Some(&Yaml::Int(2)));
}

#[test]
fn normalisation_makes_every_number_float() {
    let t = json_normalize(typed("a: 1\nb: [2, 9223372036854775808]\n")).unwrap();
    assert_eq!(
        to_json(&t).unwrap(),
        r#"{"a":1,"b":[2,9223372036854776000]}"#
    );
    assert_eq!(t.get("a"), Some(&Yaml::Float(1.0)));
    assert_eq!(from_yaml("").unwrap(), Yaml::Null);
    assert_eq!(from_yaml("- 1").unwrap(), Yaml::Seq(vec![Yaml::Float(1.0)]));
    assert_eq!(parse_values("# c\n").unwrap(), Map::new());
}

#[test]
fn multi_document_streams() {
    let docs = parse_documents(b"a: 1\n---\nb: 2\n---\n", &Limits::default()).unwrap();
    assert_eq!(docs.len(), 3);
    assert_eq!(docs[2], Yaml::Null);
    // yaml.Unmarshal only reads the first document: a broken second one is never seen.
    assert!(parse_first(b"a: 1\n---\nb: [\n", &Limits::default()).is_ok());
    assert!(parse_documents(b"a: 1\n---\nb: [\n", &Limits::default()).is_err());
    assert_eq!(parse_first(b"", &Limits::default()).unwrap(), None);
}

#[test]
fn errors_name_line_and_column() {
    let e = from_yaml("a: 1\nb: 2\nc: d: e\n").unwrap_err();
    assert_eq!(
        e.go_message(),
        "yaml: line 3: mapping values are not allowed in this context"
    );
    assert_eq!((e.line, e.column), (Some(3), Some(5)));
    assert_eq!(
        e.to_string(),
        "yaml: line 3: mapping values are not allowed in this context (at line 3, column 5)"
    );
    let e = from_yaml("a:\n  b: 1\n  c: [1, *zz]\n").unwrap_err();
    assert_eq!(e.go_message(), "yaml: unknown anchor 'zz' referenced");
    assert_eq!((e.line, e.column), (Some(3), Some(10)));
    let e = from_yaml("x: 1\ny: .inf\n").unwrap_err();
    assert_eq!(
        e.helm_message(),
        "error converting YAML to JSON: json: unsupported value: +Inf"
    );
    let e = from_yaml("a: !!int abc\n").unwrap_err();
    assert_eq!((e.kind, e.line), (ErrorKind::Decode, Some(1)));
}

#[test]
fn limit_input_size() {
    let limits = Limits {
        max_input_bytes: 10,
        ..Limits::default()
    };
    let e = parse_first(b"a: 12345678901\n", &limits).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Limit);
    assert!(e.go_message().contains("exceeds the limit of 10 bytes"));
}

#[test]
fn limit_depth() {
    let deep = format!("{}{}", "[".repeat(2000), "]".repeat(2000));
    let e = parse_first(deep.as_bytes(), &Limits::default()).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Limit);
    assert_eq!(e.line, Some(1));
    assert_eq!(e.column, Some(257));
    assert!(e.go_message().contains("exceeded max depth of 256"));
    let block: String = (0..300).map(|i| format!("{}k:\n", " ".repeat(i))).collect();
    let e = parse_first(block.as_bytes(), &Limits::default()).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Limit);
    let ok = format!("{}{}", "[".repeat(250), "]".repeat(250));
    assert!(parse_first(ok.as_bytes(), &Limits::default()).is_ok());
}

#[test]
fn limit_alias_expansion_billion_laughs() {
    let mut doc = String::from(
        "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    let names = ["b", "c", "d", "e", "f", "g", "h", "i"];
    let mut prev = "a";
    for n in names {
        doc.push_str(&format!(
            "{n}: &{n} [{}]\n",
            vec![format!("*{prev}"); 9].join(",")
        ));
        prev = n;
    }
    let e = parse_first(doc.as_bytes(), &Limits::default()).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Limit);
    assert_eq!(e.go_message(), "yaml: document contains excessive aliasing");
    assert!(e.line.is_some() && e.column.is_some());
    // An explicit node budget also applies.
    let limits = Limits {
        max_nodes: 50,
        ..Limits::default()
    };
    let e = parse_first(
        b"a: &a [1,2,3,4,5,6,7,8,9,10]\nb: [*a, *a, *a, *a, *a]\n",
        &limits,
    )
    .unwrap_err();
    assert!(e.go_message().contains("more than 50 nodes"));
    // Moderate alias use is fine.
    assert!(parse_first(b"a: &a [1,2]\nb: [*a, *a]\n", &Limits::default()).is_ok());
}

#[test]
fn self_referencing_alias_is_an_error() {
    let e = from_yaml("a: &x {b: *x}\n").unwrap_err();
    assert_eq!(e.go_message(), "yaml: anchor 'x' value contains itself");
}

#[test]
fn garbage_never_panics() {
    for input in [
        &b"[!!str, a]"[..],
        b"\xff\xfe\x00",
        b"a: \"\\",
        b"&a *a",
        b"? ? ? ?",
        b"%TAG ! tag:x\n--- !a b",
        b"{a: [}",
        b"- !<tag:yaml.org,2002:str> x\n- !%C3%A9 y",
        b"\t\t- a",
        b"--- |\n\xc3",
    ] {
        let _ = parse_documents(input, &Limits::default());
        goyaml::fuzz_parse_yaml(input);
        goyaml::fuzz_parse_json(input);
    }
}

#[test]
fn limit_depth_after_alias_expansion() {
    // Each level nests the previous anchor one level deeper: 30 lines of depth ~30 each
    // expand far beyond the 1000-level limit without any single collection being deep.
    let mut doc = String::from(
        "l0: &l0 [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]\n",
    );
    for i in 1..40 {
        doc.push_str(&format!(
            "l{i}: &l{i} [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[*l{}]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]\n",
            i - 1
        ));
    }
    let e = parse_first(doc.as_bytes(), &Limits::default()).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Limit);
    assert!(e.go_message().contains("exceeded max depth of 256"), "{e}");
}

#[test]
fn writers_refuse_absurd_nesting() {
    let mut v = Yaml::Null;
    for _ in 0..1500 {
        v = Yaml::Seq(vec![v]);
    }
    assert_eq!(goyaml::to_yaml(&v).unwrap_err().kind, ErrorKind::Limit);
    assert_eq!(to_json(&v).unwrap_err().kind, ErrorKind::Limit);
    let mut ok = Yaml::Null;
    for _ in 0..250 {
        ok = Yaml::Seq(vec![ok]);
    }
    assert!(goyaml::to_yaml(&ok).is_ok());
    let deep_json = format!("{}{}", "[".repeat(1500), "]".repeat(1500));
    assert_eq!(
        goyaml::from_json(&deep_json).unwrap_err().kind,
        ErrorKind::Limit
    );
}

/// UTF-16 input (with a byte order mark) is read like UTF-8; broken UTF-16 is an error,
/// never a crash (found by fuzzing: `FF FE 30 DF FF 31 FF FF`).
#[test]
fn utf16_input() {
    let le: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain("a: 1\n".encode_utf16().flat_map(|u| u.to_le_bytes()))
        .collect();
    let be: Vec<u8> = [0xFE, 0xFF]
        .into_iter()
        .chain("a: 1\n".encode_utf16().flat_map(|u| u.to_be_bytes()))
        .collect();
    for input in [le, be] {
        let docs = goyaml::parse_documents(&input, &goyaml::Limits::default()).unwrap();
        assert_eq!(goyaml::to_json(&docs[0]).unwrap(), r#"{"a":1}"#);
    }
    let crash = [0xFF, 0xFE, 0x30, 0xDF, 0xFF, 0x31, 0xFF, 0xFF];
    let e = goyaml::parse_documents(&crash, &goyaml::Limits::default()).unwrap_err();
    assert!(e.to_string().contains("surrogate"), "{e}");
    let odd = [0xFF, 0xFE, 0x61];
    let e = goyaml::parse_documents(&odd, &goyaml::Limits::default()).unwrap_err();
    assert_eq!(e.to_string(), "yaml: incomplete UTF-16 character");
}

/// The underlying parser panics on a tag followed by `,` in a flow collection (found by
/// fuzzing: `[!',\n&$\t.!`); the reader turns that into an error instead of a crash.
#[test]
fn parser_panic_is_an_error() {
    let e = goyaml::parse_documents(b"[!',\n&$\t.!", &goyaml::Limits::default()).unwrap_err();
    assert!(e.to_string().starts_with("yaml: "), "{e}");
}
