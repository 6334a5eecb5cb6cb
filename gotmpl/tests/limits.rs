//! Limits, host functions and objects, and no-panic checks.

use std::any::Any;
use std::collections::BTreeMap;

use gotmpl::{Environment, Error, ErrorKind, Object, Options, TemplateSet, Value};

fn render(env: &Environment, src: &str, data: &Value) -> Result<String, Error> {
    let mut set = TemplateSet::default();
    set.add(env, "t", src)?;
    set.execute(env, "t", data)
}

#[test]
fn infinite_template_recursion_is_an_error() {
    let env = Environment::new();
    let e = render(
        &env,
        r#"{{ define "r" }}x{{ template "r" . }}{{ end }}{{ template "r" . }}"#,
        &Value::Nil,
    )
    .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Limit);
    assert!(
        e.to_string()
            .contains("exceeded maximum template depth (100)"),
        "{e}"
    );
}

#[test]
fn default_depth_fits_a_2mib_stack_with_nested_blocks() {
    let h = std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(|| {
            let env = Environment::new();
            let src = r#"{{ define "r" }}{{ if true }}{{ with 1 }}{{ range 1 }}{{ template "r" . }}{{ end }}{{ end }}{{ end }}{{ end }}{{ template "r" 1 }}"#;
            render(&env, src, &Value::Nil).unwrap_err().kind()
        })
        .unwrap();
    assert_eq!(h.join().unwrap(), ErrorKind::Limit);
}

#[test]
fn output_limit() {
    let env = Environment::with_options(Options {
        max_output_bytes: 10,
        ..Options::default()
    });
    let e = render(&env, "{{ range 100 }}ab{{ end }}", &Value::Nil).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Limit);
    assert_eq!(e.to_string(), "output exceeds the limit of 10 bytes");
}

#[test]
fn parse_nesting_limit() {
    let env = Environment::new();
    let src = "{{ if 1 }}".repeat(300) + &"{{ end }}".repeat(300);
    let e = render(&env, &src, &Value::Nil).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Limit);
    let src = "{{ ".to_string() + &"(".repeat(300) + "1" + &")".repeat(300) + " }}";
    let e = render(&env, &src, &Value::Nil).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Limit);
}

#[test]
fn registered_functions_and_error_wrapping() {
    let mut env = Environment::new();
    env.add_function("upper", |_, args| match args {
        [Value::String(s)] => Ok(Value::from(s.to_uppercase())),
        _ => Err(Error::function("wrong type for value; expected string")),
    })
    .unwrap();
    env.add_function("include", |st, args| match args {
        [Value::String(n), data] => st.execute_template(n, data).map(Value::from),
        _ => Err(Error::function("bad args")),
    })
    .unwrap();
    env.add_function("tpl", |st, args| match args {
        [Value::String(src), data] => st.execute_source("inline", src, data).map(Value::from),
        _ => Err(Error::function("bad args")),
    })
    .unwrap();
    env.add_function("set", |_, args| match args {
        [Value::Map(m), Value::String(k), v] => {
            m.borrow_mut().insert(k.to_string(), v.clone());
            Ok(Value::Map(m.clone()))
        }
        _ => Err(Error::function("bad args")),
    })
    .unwrap();
    let data = Value::map(BTreeMap::from([("a".to_string(), Value::from("x"))]));
    assert_eq!(render(&env, "{{ .a | upper }}", &data).unwrap(), "X");
    assert_eq!(
        render(&env, "{{ upper 1 }}", &data)
            .unwrap_err()
            .to_string(),
        "template: t:1:3: executing \"t\" at <upper 1>: error calling upper: wrong type for value; expected string"
    );
    assert_eq!(
        render(
            &env,
            r#"{{ define "d" }}<{{ .a }}>{{ end }}{{ include "d" . | upper }}"#,
            &data
        )
        .unwrap(),
        "<X>"
    );
    assert_eq!(
        render(&env, r#"{{ tpl "{{ .a }}!" . }}"#, &data).unwrap(),
        "x!"
    );
    // maps are shared: a mutation inside an included template is visible to the caller
    assert_eq!(
        render(
            &env,
            r#"{{ define "m" }}{{ $_ := set . "b" "B" }}{{ end }}{{ $_ := include "m" . }}{{ .b }}"#,
            &data
        )
        .unwrap(),
        "B"
    );
}

#[derive(Debug)]
struct Version(u64);

impl Object for Version {
    fn go_type_name(&self) -> String {
        "*semver.Version".into()
    }
    fn get_field(&self, name: &str) -> Option<Value> {
        (name == "Major").then_some(Value::Uint64(self.0))
    }
    fn has_method(&self, name: &str) -> bool {
        name == "Has"
    }
    fn call_method(&self, _name: &str, args: &[Value]) -> Result<Value, Error> {
        match args {
            [Value::String(s)] => Ok(Value::Bool(&**s == "v1")),
            _ => Err(Error::function(
                "wrong number of args for Has: want 1 got 0",
            )),
        }
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

#[test]
fn host_objects() {
    let env = Environment::new();
    let data = Value::map(BTreeMap::from([(
        "v".to_string(),
        Value::object(Version(1)),
    )]));
    assert_eq!(
        render(
            &env,
            "{{ .v.Major }} {{ .v.Has \"v1\" }} {{ eq .v.Major 1 }}",
            &data
        )
        .unwrap(),
        "1 true true"
    );
    assert_eq!(
        render(&env, "{{ .v.Minor }}", &data)
            .unwrap_err()
            .to_string(),
        "template: t:1:5: executing \"t\" at <.v.Minor>: can't evaluate field Minor in type *semver.Version"
    );
}

#[test]
fn no_panics_on_hostile_input() {
    let pieces = [
        "{{", "}}", "{{-", "-}}", " ", "if", "end", "else", "range", "with", "define", "template",
        "block", "$", "$x", ":=", "=", ".", ".a", "(", ")", "|", "\"", "`", "'", "/*", "*/", "1",
        "-1", "0x", "1e", "nil", "true", "é", "\n", ",", "break", "printf", "index", "\\",
    ];
    let mut seed: u64 = 0x9E3779B97F4A7C15;
    for _ in 0..20000 {
        let mut s = String::new();
        for _ in 0..(seed % 12) {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            s.push_str(pieces[(seed % pieces.len() as u64) as usize]);
        }
        gotmpl::fuzz_parse(s.as_bytes());
        gotmpl::fuzz_exec(s.as_bytes());
        seed = seed.wrapping_add(1);
    }
}

#[test]
fn errors_inside_include_are_wrapped_by_the_call() {
    let mut env = Environment::new();
    env.add_function("include", |st, args| match args {
        [Value::String(n), data] => st.execute_template(n, data).map(Value::from),
        _ => Err(Error::function("bad args")),
    })
    .unwrap();
    let data = Value::map(BTreeMap::from([("a".to_string(), Value::from("x"))]));
    let e = render(
        &env,
        r#"{{ define "d" }}{{ .a.b }}{{ end }}{{ include "d" . }}"#,
        &data,
    )
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        "template: t:1:38: executing \"t\" at <include \"d\" .>: error calling include: template: d:1:21: executing \"d\" at <.a.b>: can't evaluate field b in type string"
    );
}

#[derive(Debug)]
struct Files(BTreeMap<String, Vec<u8>>);

impl Object for Files {
    fn go_type_name(&self) -> String {
        "engine.files".into()
    }
    fn kind(&self) -> gotmpl::Kind {
        gotmpl::Kind::Map
    }
    fn range_items(&self) -> Option<Vec<(Value, Value)>> {
        Some(
            self.0
                .iter()
                .map(|(k, v)| (Value::from(k.as_str()), Value::Bytes(v.as_slice().into())))
                .collect(),
        )
    }
    fn go_len(&self) -> Option<usize> {
        Some(self.0.len())
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

#[test]
fn host_object_ranges_in_key_order() {
    let env = Environment::new();
    let files = Files(BTreeMap::from([
        ("b.txt".to_string(), b"B".to_vec()),
        ("a.txt".to_string(), b"A".to_vec()),
    ]));
    let data = Value::map(BTreeMap::from([("f".to_string(), Value::object(files))]));
    assert_eq!(
        render(
            &env,
            "{{ len .f }}{{ range $k, $v := .f }} {{ $k }}={{ printf \"%s\" $v }}{{ end }}",
            &data
        )
        .unwrap(),
        "2 a.txt=A b.txt=B"
    );
}
