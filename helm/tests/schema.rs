//! values.schema.json validation. Expected messages measured with Helm v4.2.3.

use goyaml::Yaml;
use helm::Chart;
use helm::schema::validate_chart_values;

const SCHEMA: &str = r#"{"$schema":"http://json-schema.org/draft-07/schema#","type":"object","properties":{
 "i":{"type":"integer"},"u":{"type":["null","string"]},"e":{"enum":["x","y",1]},
 "m":{"type":"object","properties":{"n":{"type":"number","minimum":1,"maximum":5}}},
 "l":{"type":"array","items":{"type":"string"}},
 "any":{"anyOf":[{"type":"string"},{"type":"integer"}]},
 "one":{"oneOf":[{"type":"string"},{"type":"string","enum":["a"]}]},
 "b":{"type":"boolean"}, "a": {"type":"integer"}}}"#;

fn run(values_json: &str) -> Result<(), String> {
    let v = goyaml::from_json(values_json).unwrap();
    validate_chart_values("sc", SCHEMA.as_bytes(), &v)
}

const HEAD: &str =
    "values don't meet the specifications of the schema(s) in the following chart(s):\n";

#[test]
fn messages_match_helm() {
    let cases = [
        (r#"{"i":"x"}"#, "sc:\n- at '/i': got string, want integer\n"),
        (r#"{"i":1.5}"#, "sc:\n- at '/i': got number, want integer\n"),
        (
            r#"{"u":1}"#,
            "sc:\n- at '/u': got number, want null or string\n",
        ),
        (
            r#"{"e":"z"}"#,
            "sc:\n- at '/e': value must be one of 'x', 'y', 1\n",
        ),
        (
            r#"{"m":{"n":0}}"#,
            "sc:\n- at '/m/n': minimum: got 0, want 1\n",
        ),
        (
            r#"{"m":{"n":9}}"#,
            "sc:\n- at '/m/n': maximum: got 9, want 5\n",
        ),
        (r#"{"m":"s"}"#, "sc:\n- at '/m': got string, want object\n"),
        (
            r#"{"l":[1,"a",true]}"#,
            "sc:\n- at '/l/0': got number, want string\n- at '/l/2': got boolean, want string\n",
        ),
        (
            r#"{"any":true}"#,
            "sc:\n- at '/any': 'anyOf' failed\n  - at '/any': got boolean, want string\n  - at '/any': got boolean, want integer\n",
        ),
        (
            r#"{"one":"a"}"#,
            "sc:\n- at '/one': 'oneOf' failed, subschemas 0, 1 matched\n",
        ),
        (
            r#"{"one":3}"#,
            "sc:\n- at '/one': 'oneOf' failed, none matched\n  - at '/one': got number, want string\n  - at '/one': got number, want string\n",
        ),
        (r#"{"b":null}"#, "sc:\n- at '/b': got null, want boolean\n"),
        (r#"{"i":[1]}"#, "sc:\n- at '/i': got array, want integer\n"),
        (r#"{"i":{}}"#, "sc:\n- at '/i': got object, want integer\n"),
    ];
    for (values, want) in cases {
        assert_eq!(
            run(values).unwrap_err(),
            format!("{HEAD}{want}"),
            "{values}"
        );
    }
}

#[test]
fn valid_values_pass() {
    assert!(
        run(r#"{"i":2.0,"u":null,"e":1,"m":{"n":3},"l":["a"],"any":4,"one":"b","b":true}"#).is_ok()
    );
    // `--set` integers (int64) are integers too.
    let mut m = goyaml::Map::new();
    m.insert("i".into(), Yaml::Int(3));
    assert!(validate_chart_values("sc", SCHEMA.as_bytes(), &Yaml::Map(m)).is_ok());
}

#[test]
fn bad_schema_is_an_error_not_a_panic() {
    assert!(validate_chart_values("sc", b"{not json", &Yaml::Null).is_err());
}

/// The real chart's schema against its own defaults, when available.
#[test]
fn cilium_defaults_validate() {
    let Ok(dir) = std::env::var("CILIUM_CHARTS_DIR") else {
        eprintln!("skipped: CILIUM_CHARTS_DIR not set");
        return;
    };
    let p = std::path::Path::new(&dir).join("cilium-1.18.12.tgz");
    if !p.exists() {
        eprintln!("skipped: {} missing", p.display());
        return;
    }
    let c = helm::Chart::load(&p).unwrap();
    let schema = c.schema.as_ref().unwrap();
    let values = Yaml::Map(c.values.clone());
    validate_chart_values("cilium", schema, &values).unwrap();
    // The measured failure from the notes: hubble.relay.replicas as a string.
    let mut user = goyaml::Map::new();
    helm::strvals::parse_into(
        r#"hubble.relay.replicas="x""#,
        &mut user,
        helm::strvals::Mode::Json,
    )
    .unwrap();
    let merged = helm::values::coalesce(&c.values, user);
    assert_eq!(
        validate_chart_values("cilium", schema, &Yaml::Map(merged)).unwrap_err(),
        format!("{HEAD}cilium:\n- at '/hubble/relay/replicas': got string, want integer\n")
    );
}

/// Every chart in `CILIUM_CHARTS_DIR` loads and its defaults pass its own schema (as they
/// do in Helm).
#[test]
fn every_local_cilium_chart_defaults_validate() {
    let Ok(dir) = std::env::var("CILIUM_CHARTS_DIR") else {
        eprintln!("skipped: CILIUM_CHARTS_DIR not set");
        return;
    };
    let mut n = 0;
    for e in std::fs::read_dir(&dir).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_none_or(|x| x != "tgz") {
            continue;
        }
        let c = Chart::load(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
        if let Some(schema) = &c.schema {
            validate_chart_values("cilium", schema, &Yaml::Map(c.values.clone()))
                .unwrap_or_else(|e| panic!("{}: {e}", p.display()));
        }
        n += 1;
    }
    eprintln!("checked {n} charts");
}
