//! Values coalescing. Expectations measured with Helm v4.2.3 (`CoalesceValues`).

use goyaml::Yaml;
use helm::values::{coalesce, merge_maps, read_values_stream};

const DEFAULTS: &str =
    "a: 1\nb:\n  c: 2\n  d: null\n  e: {f: 3}\nl: [1,2]\nn: null\ns: x\nm: {k: v}\n";

fn co(user: &str) -> String {
    let d = goyaml::parse_values(DEFAULTS).unwrap();
    let u = goyaml::parse_values(user).unwrap();
    goyaml::to_json(&Yaml::Map(coalesce(&d, u))).unwrap()
}

#[test]
fn coalesce_matches_helm() {
    let cases = [
        (
            "{}",
            r#"{"a":1,"b":{"c":2,"e":{"f":3}},"l":[1,2],"m":{"k":"v"},"s":"x"}"#,
        ),
        (
            "a: null",
            r#"{"b":{"c":2,"e":{"f":3}},"l":[1,2],"m":{"k":"v"},"s":"x"}"#,
        ),
        (
            "b: {c: null}",
            r#"{"a":1,"b":{"e":{"f":3}},"l":[1,2],"m":{"k":"v"},"s":"x"}"#,
        ),
        (
            "z: null",
            r#"{"a":1,"b":{"c":2,"e":{"f":3}},"l":[1,2],"m":{"k":"v"},"s":"x","z":null}"#,
        ),
        (
            "b: {z: null}",
            r#"{"a":1,"b":{"c":2,"e":{"f":3},"z":null},"l":[1,2],"m":{"k":"v"},"s":"x"}"#,
        ),
        (
            "s: {x: 1}",
            r#"{"a":1,"b":{"c":2,"e":{"f":3}},"l":[1,2],"m":{"k":"v"},"s":{"x":1}}"#,
        ),
        (
            "m: str",
            r#"{"a":1,"b":{"c":2,"e":{"f":3}},"l":[1,2],"m":"str","s":"x"}"#,
        ),
        (
            "l: [3]",
            r#"{"a":1,"b":{"c":2,"e":{"f":3}},"l":[3],"m":{"k":"v"},"s":"x"}"#,
        ),
        ("b: null", r#"{"a":1,"l":[1,2],"m":{"k":"v"},"s":"x"}"#),
    ];
    for (user, want) in cases {
        assert_eq!(co(user), want, "user values: {user}");
    }
}

#[test]
fn merge_maps_deep_and_replacing() {
    let a = goyaml::parse_values("x: {p: 1, z: [1]}\nk: v\n").unwrap();
    let b = goyaml::parse_values("x: {z: [2], w: null}\nk: {q: 1}\n").unwrap();
    assert_eq!(
        goyaml::to_json(&Yaml::Map(merge_maps(a, b))).unwrap(),
        r#"{"k":{"q":1},"x":{"p":1,"w":null,"z":[2]}}"#
    );
}

#[test]
fn multi_document_values() {
    let m = read_values_stream("a: 1\nb: 1\n---\nb: 2\n--- # c\nc: 3\n").unwrap();
    assert_eq!(
        goyaml::to_json(&Yaml::Map(m)).unwrap(),
        r#"{"a":1,"b":2,"c":3}"#
    );
    assert!(read_values_stream("- a\n").is_err());
}

#[test]
fn builder_order_and_in_place_edits() {
    use helm::values::ValuesBuilder;
    let b = ValuesBuilder::new()
        .file("a.yaml", "l: [x, y]\nk: 1\n---\nk: 2\n")
        .file("b.yaml", "m: {a: 1}\n")
        .set_literal("lit=a,b")
        .set_string("s=1")
        .set("l[1]=z,n=5")
        .set_json(r#"{"j": 1.5}"#)
        .set_json("m.b=[1]")
        .set_file("f=path");
    let mut read = |p: &str| Ok::<_, String>(format!("<{p}>"));
    let m = b.build(&mut read).unwrap();
    assert_eq!(
        goyaml::to_json(&Yaml::Map(m.clone())).unwrap(),
        r#"{"f":"\u003cpath\u003e","j":1.5,"k":2,"l":["x","z"],"lit":"a,b","m":{"a":1,"b":[1]},"n":5,"s":"1"}"#
    );
    assert_eq!(m["n"], Yaml::Int(5));
    // --set runs after --set-json, so it wins.
    let m = ValuesBuilder::new()
        .set("a=1")
        .set_json("a=2")
        .build(&mut read)
        .unwrap();
    assert_eq!(m["a"], Yaml::Int(1));
    assert!(
        ValuesBuilder::new()
            .file("bad.yaml", "- a\n")
            .build(&mut read)
            .unwrap_err()
            .starts_with("failed to parse bad.yaml")
    );
}
