//! Every function, every combination of up to three awkward arguments: errors are fine,
//! panics are not.

use std::collections::BTreeMap;
use std::sync::Arc;

use sprig::funcs::{Ctx, functions};
use sprig::value::Value;
use sprig::{CertPair, DefaultGenerator, IntSlice, Timestamp};

fn pool() -> Vec<Value> {
    let mut m = BTreeMap::new();
    m.insert("a".to_string(), Value::Nil);
    m.insert("".to_string(), Value::list(vec![Value::Int(1)]));
    vec![
        Value::Nil,
        Value::Bool(true),
        Value::Int(-1),
        Value::Int(0),
        Value::Int(i64::MAX),
        Value::Int(i64::MIN),
        Value::Int64(i64::MIN),
        Value::Uint64(u64::MAX),
        Value::Float64(f64::NAN),
        Value::Float64(-1e300),
        Value::string(""),
        Value::string("é\u{0}[a"),
        Value::string("a"),
        Value::list(vec![Value::Nil, Value::string("x")]),
        Value::map(m),
        Value::from(vec!["b".to_string(), "".to_string()]),
        Value::object(IntSlice(vec![2, -1])),
        Value::Bytes(std::rc::Rc::from(&b"\xff"[..])),
        Value::object(Timestamp {
            secs: i64::MIN,
            nanos: 999_999_999,
        }),
        Value::object(CertPair {
            cert: "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n".into(),
            key: "garbage".into(),
        }),
    ]
}

#[test]
fn no_function_panics_on_awkward_arguments() {
    let ctx = Ctx {
        generator: Arc::new(DefaultGenerator::seeded([0; 32], Timestamp::default())),
    };
    let pool = pool();
    let mut calls = 0u64;
    for (name, f) in functions() {
        // RSA key generation per call is slow; these are exercised in tests/pki.rs.
        if ["genCA", "genSelfSignedCert"].contains(&name) {
            continue;
        }
        let _ = f(&ctx, &[]);
        for a in &pool {
            let _ = f(&ctx, std::slice::from_ref(a));
            for b in &pool {
                let _ = f(&ctx, &[a.clone(), b.clone()]);
                for c in &pool {
                    let _ = f(&ctx, &[a.clone(), b.clone(), c.clone()]);
                    calls += 1;
                }
            }
        }
    }
    assert!(calls > 100_000);
}

#[test]
fn limits_are_errors() {
    let ctx = Ctx {
        generator: Arc::new(DefaultGenerator::seeded([0; 32], Timestamp::default())),
    };
    let f: BTreeMap<&str, sprig::funcs::Func> = functions().into_iter().collect();
    let e = f["repeat"](&ctx, &[Value::Int(1 << 40), Value::string("ab")]).unwrap_err();
    assert!(e.contains("exceeds the limit"), "{e}");
    let e = f["until"](&ctx, &[Value::Int(1 << 40)]).unwrap_err();
    assert!(e.contains("exceeds the limit"), "{e}");
    let e = f["untilStep"](&ctx, &[Value::Int(0), Value::Int(1 << 40), Value::Int(1)]).unwrap_err();
    assert!(e.contains("exceeds the limit"), "{e}");
    let e = f["randAlphaNum"](&ctx, &[Value::Int(1 << 40)]).unwrap_err();
    assert!(e.contains("exceeds the limit"), "{e}");
    let e = f["indent"](&ctx, &[Value::Int(1 << 40), Value::string("a\nb")]).unwrap_err();
    assert!(e.contains("exceeds the limit"), "{e}");
    let e = f["seq"](&ctx, &[Value::Int(1 << 40)]).unwrap_err();
    assert!(e.contains("exceeds the limit"), "{e}");
}
