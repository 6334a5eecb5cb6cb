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

/// bcrypt salts and AES IVs come from the generator: a replayed render hashes and encrypts
/// unchanged inputs to the same text, and the records hold the salt, not the password.
#[test]
fn bcrypt_and_encrypt_aes_replay() {
    use sprig::{DefaultGenerator, Generator, Replay, Timestamp};
    let now = Timestamp {
        secs: 1_700_000_000,
        nanos: 0,
    };
    let tpl = r#"{{ bcrypt "pw" }} {{ htpasswd "u" "pw" }} {{ encryptAES "k" "secret" }}"#;
    let run = |g: Arc<dyn Generator>| {
        let mut env = gotmpl::Environment::new();
        sprig::register(&mut env, g).unwrap();
        let mut set = gotmpl::TemplateSet::default();
        set.add(&env, "t", tpl).unwrap();
        set.execute(&env, "t", &gotmpl::Value::empty_map()).unwrap()
    };
    let first = Arc::new(Replay::new(
        Arc::new(DefaultGenerator::seeded([3; 32], now)),
        vec![],
    ));
    let a = run(first.clone());
    let records = first.records();
    let names: Vec<&str> = records.iter().map(|r| r.function.as_str()).collect();
    assert_eq!(names, ["bcrypt", "bcrypt", "encryptAES"]);
    assert!(records.iter().all(|r| r.args == ["16"]));
    assert!(!format!("{records:?}").contains("pw"));
    // another seed, same records: same output
    let second = Arc::new(Replay::new(
        Arc::new(DefaultGenerator::seeded([9; 32], now)),
        records,
    ));
    assert_eq!(run(second), a);
    // without records another seed gives other salts
    let b = run(Arc::new(DefaultGenerator::seeded([9; 32], now)));
    assert_ne!(b, a);
    let parts: Vec<&str> = a.split(' ').collect();
    assert_eq!(parts.len(), 3);
    assert!(parts[0].starts_with("$2a$10$") && parts[0].len() == 60);
    assert!(parts[1].starts_with("u:$2a$10$") && parts[1].len() == 62);
    assert_eq!(parts[2].len(), 44);
}
