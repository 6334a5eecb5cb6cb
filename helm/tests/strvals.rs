//! `--set` parsing. Expected results were measured with Helm v4.2.3's strvals (through the
//! reference library); int-vs-float typing follows strvals' `typedVal` (int64).

use goyaml::{Map, Yaml};
use helm::strvals::{Mode, parse_file_into, parse_into};

fn parse(expr: &str, mode: Mode) -> Result<Map, String> {
    let mut m = Map::new();
    parse_into(expr, &mut m, mode).map(|_| m)
}

fn json(m: &Map) -> String {
    goyaml::to_json(&Yaml::Map(m.clone())).unwrap()
}

#[test]
fn typed_scalars() {
    let m = parse(
        "a=1,b=+1,c=-1,d=007,e=1.5,f=TRUE,g=Null,h=9223372036854775808,i=0,j=",
        Mode::Typed,
    )
    .unwrap();
    assert_eq!(m["a"], Yaml::Int(1));
    assert_eq!(m["b"], Yaml::Int(1));
    assert_eq!(m["c"], Yaml::Int(-1));
    assert_eq!(m["d"], Yaml::String("007".into()));
    assert_eq!(m["e"], Yaml::String("1.5".into()));
    assert_eq!(m["f"], Yaml::Bool(true));
    assert_eq!(m["g"], Yaml::Null);
    assert_eq!(m["h"], Yaml::String("9223372036854775808".into()));
    assert_eq!(m["i"], Yaml::Int(0));
    assert_eq!(m["j"], Yaml::String(String::new()));
}

#[test]
fn set_string_keeps_strings() {
    let m = parse("a=1,b=true,c=null", Mode::String).unwrap();
    assert_eq!(json(&m), r#"{"a":"1","b":"true","c":"null"}"#);
}

#[test]
fn structure_cases_match_helm() {
    let cases = [
        ("a.b\\.c=1", r#"{"a":{"b.c":1}}"#),
        ("l={a, b}", r#"{"l":["a"," b"]}"#),
        ("l={}", r#"{"l":[""]}"#),
        ("a[2]=x", r#"{"a":[null,null,"x"]}"#),
        ("a[1].b=x", r#"{"a":[null,{"b":"x"}]}"#),
        ("a\\,b=c", r#"{"a,b":"c"}"#),
        ("x=a\\,b", r#"{"x":"a,b"}"#),
        ("a[0][1]=x", r#"{"a":[[null,"x"]]}"#),
        ("a=b,", r#"{"a":"b"}"#),
        ("=1", r#"{}"#),
    ];
    for (expr, want) in cases {
        let m = parse(expr, Mode::Typed).unwrap_or_else(|e| panic!("{expr}: {e}"));
        assert_eq!(json(&m), want, "{expr}");
    }
}

#[test]
fn errors_match_helm() {
    let cases = [
        ("a", r#"key "a" has no value"#),
        ("a,b=c", r#"key "a" has no value (cannot end with ,)"#),
        ("a=b,c", r#"key "c" has no value"#),
        (
            "a[x]=1",
            r#"error parsing index: strconv.Atoi: parsing "x": invalid syntax"#,
        ),
        ("a[-1]=1", "negative -1 index not allowed"),
        ("a.=1", r#"key map "a" has no value"#),
        ("a={b,c", "list must terminate with '}'"),
    ];
    for (expr, want) in cases {
        assert_eq!(parse(expr, Mode::Typed).unwrap_err(), want, "{expr}");
    }
}

#[test]
fn limits() {
    assert!(
        parse("a[65537]=1", Mode::Typed)
            .unwrap_err()
            .contains("greater than maximum supported index")
    );
    assert!(parse("a[65536]=1", Mode::Typed).is_ok());
    let deep = format!("{}=1", vec!["k"; 40].join("."));
    assert!(
        parse(&deep, Mode::Typed)
            .unwrap_err()
            .contains("nested level")
    );
}

#[test]
fn literal_and_json() {
    assert_eq!(
        json(&parse("a.b=c,d=e=f", Mode::Literal).unwrap()),
        r#"{"a":{"b":"c,d=e=f"}}"#
    );
    let m = parse(r#"a={"x":1},b=[1,2]"#, Mode::Json).unwrap();
    assert_eq!(json(&m), r#"{"a":{"x":1},"b":[1,2]}"#);
    assert_eq!(m["b"], Yaml::Seq(vec![Yaml::Float(1.0), Yaml::Float(2.0)]));
    assert_eq!(
        json(&parse("a[1]=null", Mode::Json).unwrap()),
        r#"{"a":[null,null]}"#
    );
}

#[test]
fn parse_into_edits_existing_lists_in_place() {
    let mut base = goyaml::parse_values("a: [x, y, z]\nm: {k: v}\n").unwrap();
    parse_into("a[1]=new,m.j=2", &mut base, Mode::Typed).unwrap();
    assert_eq!(json(&base), r#"{"a":["x","new","z"],"m":{"j":2,"k":"v"}}"#);
}

#[test]
fn set_file_reads_through_callback() {
    let mut base = Map::new();
    let mut read = |p: &str| -> Result<String, String> {
        if p == "f.txt" {
            Ok("content\n".into())
        } else {
            Err(format!("open {p}: no such file"))
        }
    };
    parse_file_into("a.b=f.txt", &mut base, &mut read).unwrap();
    assert_eq!(json(&base), r#"{"a":{"b":"content\n"}}"#);
    assert!(parse_file_into("x=missing", &mut base, &mut read).is_err());
}
