//! `sprig::register` into the template engine: shared maps, objects, Go's argument errors.

use std::sync::Arc;

use gotmpl::{Environment, TemplateSet, Value};
use sprig::{DefaultGenerator, Timestamp};

fn env() -> Environment {
    let mut env = Environment::new();
    let g = DefaultGenerator::seeded([7; 32], Timestamp::default());
    sprig::register(&mut env, Arc::new(g)).unwrap();
    env
}

fn run(env: &Environment, src: &str, data: &Value) -> Result<String, String> {
    let mut set = TemplateSet::default();
    set.add(env, "t", src).map_err(|e| e.to_string())?;
    set.execute(env, "t", data).map_err(|e| e.to_string())
}

#[test]
fn set_and_merge_mutate_the_callers_map() {
    let env = env();
    let data = Value::empty_map();
    let src = r#"{{ $_ := set . "a" 1 }}{{ $_ := merge . (dict "b" 2 "a" 9) }}{{ $_ := unset . "zz" }}{{ .a }}{{ .b }}"#;
    assert_eq!(run(&env, src, &data).unwrap(), "12");
    // the host's map changed too
    assert_eq!(data.to_v_string(), "map[a:1 b:2]");
    let src = r#"{{ $m := dict "x" (dict) }}{{ $_ := set $m.x "y" 1 }}{{ $_ := mergeOverwrite $m (dict "z" 3) }}{{ $m }}"#;
    assert_eq!(run(&env, src, &Value::Nil).unwrap(), "map[x:map[y:1] z:3]");
}

#[test]
fn objects_have_fields_methods_and_range() {
    let env = env();
    let src = r#"{{ $v := semver "v1.2.3-rc.1" }}{{ $v.Major }} {{ $v.Prerelease }} {{ $v.IncMinor }} {{ ($v.IncPatch).Original }} {{ $v.LessThan (semver "1.2.3") }}"#;
    assert_eq!(
        run(&env, src, &Value::Nil).unwrap(),
        "1 rc.1 1.3.0 v1.2.3 true"
    );
    let src = r#"{{ range $i, $x := until 3 }}{{ $i }}{{ $x }};{{ end }}{{ len (until 4) }}{{ index (until 5) 4 }}"#;
    assert_eq!(run(&env, src, &Value::Nil).unwrap(), "00;11;22;44");
    let src = r#"{{ $c := genCA "x" 1 }}{{ typeOf $c }} {{ hasPrefix "-----BEGIN" $c.Cert }} {{ kindOf $c }}"#;
    assert_eq!(
        run(&env, src, &Value::Nil).unwrap(),
        "sprig.certificate true struct"
    );
    let src = r#"{{ (toDate "2006-01-02" "2024-03-05").Unix }} {{ eq now now }}"#;
    assert_eq!(run(&env, src, &Value::Nil).unwrap(), "1709596800 true");
}

#[test]
fn argument_errors_are_gos() {
    let env = env();
    let cases = [
        (
            r#"{{ lower "a" "b" }}"#,
            r#"template: t:1:3: executing "t" at <lower>: wrong number of args for lower: want 1 got 2"#,
        ),
        (
            r#"{{ trunc 1.5 "x" }}"#,
            r#"template: t:1:9: executing "t" at <1.5>: expected integer; found 1.5"#,
        ),
        (
            r#"{{ trunc (add 1 2) "abc" }}"#,
            r#"template: t:1:9: executing "t" at <(add>: wrong type for value; expected int; got int64"#,
        ),
        (
            r#"{{ .missing | upper }}"#,
            r#"template: t:1:14: executing "t" at <upper>: wrong type for value; expected string; got interface {}"#,
        ),
        (
            r#"{{ set "x" "k" 1 }}"#,
            r#"template: t:1:7: executing "t" at <"x">: can't handle "x" for arg of type map[string]interface {}"#,
        ),
        (
            r#"{{ div 1 0 }}"#,
            r#"template: t:1:3: executing "t" at <div 1 0>: error calling div: runtime error: integer divide by zero"#,
        ),
    ];
    for (src, want) in cases {
        assert_eq!(
            run(&env, src, &Value::empty_map()).unwrap_err(),
            want,
            "{src}"
        );
    }
    // literals convert to the parameter's type
    assert_eq!(
        run(&env, r#"{{ round 2.345 2 }}|{{ seq 1 3 }}"#, &Value::Nil).unwrap(),
        "2.35|1 2 3"
    );
}
