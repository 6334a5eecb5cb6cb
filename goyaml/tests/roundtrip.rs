//! Property tests: what the writers produce, the readers give back unchanged.

use goyaml::{Map, Yaml, from_json, from_yaml, to_json, to_pretty_json, to_raw_json, to_yaml};
use proptest::prelude::*;

/// Characters that survive Helm's JSON -> YAML re-read unchanged (DEL, C1 controls and
/// U+FFFE/U+FFFF are rejected or folded by go-yaml's reader, which Helm then reports).
fn safe_string() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-zA-Z0-9 _.:#'\"!@&*?|>{}\\[\\],%`~=+-]{0,12}",
        "(yes|no|on|off|y|n|null|~|true|1|0x1F|010|1e3|12:30|2001-12-14|\\.inf|<<|---|\\.\\.\\.)",
        "[ \\t\\n\\r]{0,4}[a-z]{0,3}[ \\t\\n\\r]{0,4}",
        proptest::collection::vec(any::<char>(), 0..8).prop_map(|cs| cs
            .into_iter()
            .filter(|c| !matches!(*c, '\u{7F}'..='\u{9F}' | '\u{FFFE}' | '\u{FFFF}'))
            .collect()),
        "([a-z]{1,12} ){5,20}",
    ]
}

fn number() -> impl Strategy<Value = f64> {
    prop_oneof![
        any::<i32>().prop_map(f64::from),
        any::<f64>().prop_filter("finite", |f| f.is_finite()),
        (-30i32..30).prop_map(|e| 10f64.powi(e)),
    ]
}

fn tree() -> impl Strategy<Value = Yaml> {
    let leaf = prop_oneof![
        Just(Yaml::Null),
        any::<bool>().prop_map(Yaml::Bool),
        number().prop_map(Yaml::Float),
        safe_string().prop_map(Yaml::String),
    ];
    leaf.prop_recursive(5, 64, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(Yaml::Seq),
            // A `<<` key is written plain (as go-yaml v2 does) and reads back as a merge key.
            proptest::collection::btree_map(
                safe_string().prop_filter("merge key", |k| k != "<<"),
                inner,
                0..6
            )
            .prop_map(|m: Map| Yaml::Map(m)),
        ]
    })
}

/// Go's float64 -> JSON -> float64 is exact, and so is ours; -0 becomes 0 through toYaml
/// (yaml.v2 reads `-0` as the int 0).
fn canon(v: &Yaml) -> Yaml {
    match v {
        Yaml::Float(f) if *f == 0.0 => Yaml::Float(0.0),
        Yaml::Seq(s) => Yaml::Seq(s.iter().map(canon).collect()),
        Yaml::Map(m) => Yaml::Map(m.iter().map(|(k, v)| (k.clone(), canon(v))).collect()),
        other => other.clone(),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn to_yaml_then_from_yaml_is_identity(v in tree()) {
        // toYaml trims the final newline, which a trailing `|+` block needs to read back
        // the same: put it back (that is go-yaml's own Marshal output).
        let text = to_yaml(&v).unwrap() + "\n";
        let back = from_yaml(&text).unwrap_or_else(|e| panic!("{e}\n---\n{text}"));
        prop_assert_eq!(canon(&back), canon(&v), "yaml was:\n{}", text);
    }

    #[test]
    fn json_writers_then_from_json_is_identity(v in tree()) {
        for text in [to_json(&v).unwrap(), to_raw_json(&v).unwrap(), to_pretty_json(&v).unwrap()] {
            let back = from_json(&text).unwrap();
            prop_assert_eq!(&back, &v, "json was: {}", text);
        }
    }

    #[test]
    fn arbitrary_bytes_never_panic(data in proptest::collection::vec(any::<u8>(), 0..200)) {
        goyaml::fuzz_parse_yaml(&data);
        goyaml::fuzz_parse_json(&data);
    }

    #[test]
    fn yaml_shaped_text_never_panics(s in "[-:{}\\[\\],&*!|>'\"%@`#? \\n\\ta-c0-9<.~]{0,60}") {
        goyaml::fuzz_parse_yaml(s.as_bytes());
    }
}
