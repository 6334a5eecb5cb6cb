use super::*;

fn obj_type() -> Type {
    Type::object([
        ("name", Type::String),
        ("count", Type::Number),
        ("on", Type::Bool),
        (
            "nodes",
            Type::list(Type::object([
                ("address", Type::String),
                ("interfaces", Type::list(Type::String)),
            ])),
        ),
        ("tags", Type::set(Type::String)),
        ("labels", Type::map(Type::String)),
        ("pair", Type::tuple([Type::String, Type::Number])),
        ("any", Type::Dynamic),
    ])
}

fn sample() -> Value {
    Value::object([
        ("name", Value::from("x")),
        ("count", Value::int(3)),
        ("on", Value::Bool(true)),
        (
            "nodes",
            Value::List(vec![Value::object([
                ("address", Value::from("10.0.0.1/24")),
                ("interfaces", Value::string_list(["eth0"])),
            ])]),
        ),
        ("tags", Value::Set(vec![Value::from("a"), Value::from("b")])),
        (
            "labels",
            Value::Map([("k".to_string(), Value::from("v"))].into_iter().collect()),
        ),
        ("pair", Value::Tuple(vec![Value::from("p"), Value::int(-7)])),
        (
            "any",
            Value::object([("inner", Value::List(vec![Value::int(1)]))]),
        ),
    ])
}

#[test]
fn msgpack_round_trip() {
    let t = obj_type();
    let v = sample();
    let b = encode_msgpack(&v, &t).unwrap();
    assert_eq!(decode_msgpack(&b, &t).unwrap(), v);
    // deterministic
    assert_eq!(encode_msgpack(&v, &t).unwrap(), b);
}

#[test]
fn json_round_trip() {
    let t = obj_type();
    let v = sample();
    let b = encode_json(&v, &t).unwrap();
    let s = String::from_utf8(b.clone()).unwrap();
    assert!(
        s.contains(
            r#""any":{"value":{"inner":[1]},"type":["object",{"inner":["list","number"]}]}"#
        ),
        "{s}"
    );
    assert_eq!(decode_json(&b, &t).unwrap(), v);
}

#[test]
fn unknown_at_nested_positions() {
    let t = obj_type();
    let mut v = sample();
    v.set_attr("name", Value::unknown());
    if let Some(Value::List(nodes)) = v.attr_mut("nodes") {
        nodes[0].set_attr("interfaces", Value::List(vec![Value::unknown()]));
    }
    v.set_attr(
        "labels",
        Value::Map([("k".to_string(), Value::unknown())].into_iter().collect()),
    );
    v.set_attr("any", Value::unknown());
    let b = encode_msgpack(&v, &t).unwrap();
    let back = decode_msgpack(&b, &t).unwrap();
    assert_eq!(back, v);
    assert!(!back.is_fully_known());
    assert!(back.attr("name").unwrap().is_unknown());
    // wire form of a plain unknown: fixext1, type 0
    let b = encode_msgpack(&Value::unknown(), &Type::String).unwrap();
    assert_eq!(b, vec![0xd4, 0x00, 0x00]);
    // JSON cannot carry unknowns; the error names the path
    let e = encode_json(&v, &t).unwrap_err();
    assert_eq!(e.path.to_string(), ".any");
}

#[test]
fn whole_object_unknown_and_null() {
    let t = obj_type();
    for v in [Value::unknown(), Value::Null] {
        let b = encode_msgpack(&v, &t).unwrap();
        assert_eq!(decode_msgpack(&b, &t).unwrap(), v);
    }
    assert_eq!(encode_msgpack(&Value::Null, &t).unwrap(), vec![0xc0]);
}

#[test]
fn refinements_preserved_byte_for_byte() {
    // ext 12 with payload {1: false, 2: "ab"}: "is null: false", string prefix "ab"
    let payload = vec![0x82, 0x01, 0xc2, 0x02, 0xa2, b'a', b'b'];
    let mut wire = vec![0xc7, payload.len() as u8, 12];
    wire.extend_from_slice(&payload);
    let v = decode_msgpack(&wire, &Type::String).unwrap();
    match &v {
        Value::Unknown(Some(r)) => {
            assert_eq!(r.raw, payload);
            assert_eq!(r.not_null, Some(true));
            assert_eq!(r.string_prefix.as_deref(), Some("ab"));
        }
        other => panic!("expected refined unknown, got {other:?}"),
    }
    assert_eq!(encode_msgpack(&v, &Type::String).unwrap(), wire);

    // nested in a list; a 3-byte payload has no fixext size, so ext8
    let payload = vec![0x81, 0x01, 0xc2];
    let mut elem = vec![0xc7, 3, 12];
    elem.extend_from_slice(&payload);
    let mut wire = vec![0x92, 0xa1, b'x'];
    wire.extend_from_slice(&elem);
    let t = Type::list(Type::String);
    let v = decode_msgpack(&wire, &t).unwrap();
    assert_eq!(encode_msgpack(&v, &t).unwrap(), wire);

    // fixext4-sized payload is re-emitted as fixext4
    let payload = vec![0x81, 0x05, 0xcc, 0x80];
    let mut wire = vec![0xd6, 12];
    wire.extend_from_slice(&payload);
    let v = decode_msgpack(&wire, &Type::list(Type::String)).unwrap();
    assert_eq!(encode_msgpack(&v, &Type::list(Type::String)).unwrap(), wire);
}

#[test]
fn big_numbers_exact() {
    let big = "123456789012345678901234567890.0000000001";
    let mut wire = vec![0xd9, big.len() as u8];
    wire.extend_from_slice(big.as_bytes());
    let v = decode_msgpack(&wire, &Type::Number).unwrap();
    assert_eq!(v, Value::Number(Number::Decimal(big.to_string())));
    assert_eq!(encode_msgpack(&v, &Type::Number).unwrap(), wire);
    assert_eq!(encode_json(&v, &Type::Number).unwrap(), big.as_bytes());
    assert_eq!(decode_json(big.as_bytes(), &Type::Number).unwrap(), v);
    // u64 beyond i64
    let wire = [0xcf, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff];
    assert_eq!(
        decode_msgpack(&wire, &Type::Number).unwrap(),
        Value::Number(Number::Decimal("18446744073709551615".into()))
    );
    // floats
    let v = Value::Number(Number::Float(1.5));
    let b = encode_msgpack(&v, &Type::Number).unwrap();
    assert_eq!(b[0], 0xcb);
    assert_eq!(decode_msgpack(&b, &Type::Number).unwrap(), v);
    // integral float is written as an int
    assert_eq!(
        encode_msgpack(&Value::Number(Number::Float(2.0)), &Type::Number).unwrap(),
        vec![2]
    );
    // invalid decimal text
    let wire = [0xa3, b'1', b'x', b'2'];
    let e = decode_msgpack(&wire, &Type::Number).unwrap_err();
    assert!(e.message.contains("invalid number"), "{e}");
    assert!(encode_msgpack(&Value::Number(Number::Float(f64::NAN)), &Type::Number).is_err());
}

#[test]
fn ints_all_widths() {
    for i in [
        0i64,
        1,
        127,
        128,
        255,
        256,
        65535,
        65536,
        u32::MAX as i64,
        u32::MAX as i64 + 1,
        i64::MAX,
        -1,
        -32,
        -33,
        -128,
        -129,
        -32768,
        -32769,
        i32::MIN as i64,
        i32::MIN as i64 - 1,
        i64::MIN,
    ] {
        let b = encode_msgpack(&Value::int(i), &Type::Number).unwrap();
        assert_eq!(
            decode_msgpack(&b, &Type::Number).unwrap(),
            Value::int(i),
            "{i}"
        );
    }
}

#[test]
fn long_strings_and_collections() {
    for n in [0usize, 31, 32, 255, 256, 65535, 65536] {
        let s = "a".repeat(n);
        let b = encode_msgpack(&Value::from(s.as_str()), &Type::String).unwrap();
        assert_eq!(
            decode_msgpack(&b, &Type::String).unwrap(),
            Value::from(s.as_str())
        );
    }
    for n in [0usize, 15, 16, 65535, 65536] {
        let v = Value::List(vec![Value::Bool(true); n]);
        let t = Type::list(Type::Bool);
        let b = encode_msgpack(&v, &t).unwrap();
        assert_eq!(decode_msgpack(&b, &t).unwrap(), v, "{n}");
        let m = Value::Map(
            (0..n.min(70000))
                .map(|i| (i.to_string(), Value::Null))
                .collect(),
        );
        let t = Type::map(Type::Bool);
        let b = encode_msgpack(&m, &t).unwrap();
        assert_eq!(decode_msgpack(&b, &t).unwrap(), m);
    }
}

#[test]
fn dynamic_values() {
    // a string inside dynamic: [bin type, value]
    let b = encode_msgpack(&Value::from("hi"), &Type::Dynamic).unwrap();
    assert_eq!(
        b,
        vec![
            0x92, 0xc4, 8, b'"', b's', b't', b'r', b'i', b'n', b'g', b'"', 0xa2, b'h', b'i'
        ]
    );
    assert_eq!(
        decode_msgpack(&b, &Type::Dynamic).unwrap(),
        Value::from("hi")
    );
    // type as str instead of bin is accepted too
    let wire = [0x92, 0xa6, b'"', b'b', b'o', b'o', b'l', b'"', 0xc3];
    assert_eq!(
        decode_msgpack(&wire, &Type::Dynamic).unwrap(),
        Value::Bool(true)
    );
    // null and unknown are not wrapped
    assert_eq!(
        encode_msgpack(&Value::Null, &Type::Dynamic).unwrap(),
        vec![0xc0]
    );
    assert_eq!(
        decode_msgpack(&[0xd4, 0, 0], &Type::Dynamic).unwrap(),
        Value::unknown()
    );
    // bad wrapping
    assert!(decode_msgpack(&[0xa1, b'x'], &Type::Dynamic).is_err());
    let wire = [
        0x92, 0xa9, b'"', b'd', b'y', b'n', b'a', b'm', b'i', b'c', b'"', 0xc0,
    ];
    assert!(decode_msgpack(&wire, &Type::Dynamic).is_err());
    // JSON dynamic
    let v = decode_json(
        br#"{"value":[1,2],"type":["list","number"]}"#,
        &Type::Dynamic,
    )
    .unwrap();
    assert_eq!(v, Value::List(vec![Value::int(1), Value::int(2)]));
    assert!(decode_json(br#"{"value":1}"#, &Type::Dynamic).is_err());
}

#[test]
fn error_paths() {
    let t = obj_type();
    let mut v = sample();
    if let Some(Value::List(nodes)) = v.attr_mut("nodes") {
        nodes.push(Value::object([("address", Value::int(5))]));
    }
    let e = encode_msgpack(&v, &t).unwrap_err();
    assert_eq!(e.path.to_string(), ".nodes[1].address");
    assert!(e.message.contains("expected string"), "{e}");

    // decoding: a number where a string belongs, three levels down
    let json = br#"{"nodes":[{"address":"a","interfaces":[]},{"address":"b","interfaces":["x",{"y":1}]}]}"#;
    let e = decode_json(json, &t).unwrap_err();
    assert_eq!(e.path.to_string(), ".nodes[1].interfaces[1]");
    let d = e.into_diagnostic();
    assert_eq!(d.attribute.unwrap().to_string(), ".nodes[1].interfaces[1]");

    // unsupported attribute
    let e = decode_json(br#"{"nope":1}"#, &t).unwrap_err();
    assert_eq!(e.path.to_string(), ".nope");
    // extra attribute when encoding
    let e = encode_msgpack(&Value::object([("zzz", Value::Null)]), &t).unwrap_err();
    assert_eq!(e.path.to_string(), ".zzz");
    // map key path
    let e = decode_json(br#"{"labels":{"k1":"v","k2":[1]}}"#, &t).unwrap_err();
    assert_eq!(e.path.to_string(), ".labels[\"k2\"]");
    // tuple length
    assert!(decode_json(br#"{"pair":["a"]}"#, &t).is_err());
}

#[test]
fn missing_attributes_become_null() {
    let t = obj_type();
    let v = decode_json(br#"{"name":"n"}"#, &t).unwrap();
    assert_eq!(v.attr("name"), Some(&Value::from("n")));
    assert_eq!(v.attr("count"), Some(&Value::Null));
    let b = encode_msgpack(&Value::object([("name", Value::from("n"))]), &t).unwrap();
    assert_eq!(decode_msgpack(&b, &t).unwrap(), v);
}

#[test]
fn state_json_is_lenient_about_removed_attributes() {
    let t = Type::object([("a", Type::String)]);
    let v = decode_state_json(br#"{"a":"x","removed":[1,2]}"#, &t).unwrap();
    assert_eq!(v, Value::object([("a", Value::from("x"))]));
    assert!(decode_json(br#"{"a":"x","removed":[1,2]}"#, &t).is_err());
}

#[test]
fn malformed_msgpack_is_an_error_not_a_panic() {
    let t = obj_type();
    let cases: Vec<Vec<u8>> = vec![
        vec![],
        vec![0xc1],
        vec![0xdd, 0xff, 0xff, 0xff, 0xff], // array32 claiming 4G elements, no data
        vec![0xdf, 0xff, 0xff, 0xff, 0xff], // map32 likewise
        vec![0xdb, 0xff, 0xff, 0xff, 0xff, b'a'], // str32 truncated
        vec![0xc9, 0xff, 0xff, 0xff, 0xff, 12], // ext32 truncated
        vec![0x81, 0x01, 0x02],             // non-string attribute name
        vec![0x81, 0xa1, 0xff, 0xc0],       // invalid UTF-8 name
        vec![0xc0, 0xc0],                   // trailing bytes
        vec![0xd4, 5, 0],                   // unknown extension type
    ];
    for c in cases {
        assert!(decode_msgpack(&c, &t).is_err(), "{c:x?}");
    }
    // every prefix of a valid encoding fails cleanly
    let full = encode_msgpack(&sample(), &t).unwrap();
    for n in 0..full.len() {
        assert!(decode_msgpack(&full[..n], &t).is_err(), "prefix {n}");
    }
}

#[test]
fn depth_limit_msgpack_and_json() {
    // MAX_VALUE_DEPTH nested arrays decode as dynamic-free list types...
    let mut t = Type::String;
    for _ in 0..MAX_VALUE_DEPTH {
        t = Type::list(t);
    }
    let mut ok = vec![0x91; MAX_VALUE_DEPTH];
    ok.push(0xa0);
    assert!(decode_msgpack(&ok, &t).is_ok());
    // ...one more level is refused
    let mut deep = vec![0x91; MAX_VALUE_DEPTH + 1];
    deep.push(0xa0);
    let e = decode_msgpack(&deep, &Type::list(t.clone())).unwrap_err();
    assert!(e.message.contains("deeper"), "{e}");
    let json = format!(
        "{}\"\"{}",
        "[".repeat(MAX_VALUE_DEPTH + 1),
        "]".repeat(MAX_VALUE_DEPTH + 1)
    );
    assert!(decode_json(json.as_bytes(), &Type::list(t)).is_err());
}

#[test]
fn type_mismatch_messages() {
    let e = decode_msgpack(&[0xc3], &Type::String).unwrap_err();
    assert_eq!(e.message, "expected string, got msgpack bool");
    let e = encode_msgpack(&Value::from("x"), &Type::Bool).unwrap_err();
    assert_eq!(e.message, "expected bool, got string");
}

#[test]
fn json_primitive_conversions() {
    assert_eq!(
        decode_json(b"\"12\"", &Type::Number).unwrap(),
        Value::int(12)
    );
    assert_eq!(
        decode_json(b"12", &Type::String).unwrap(),
        Value::from("12")
    );
    assert_eq!(
        decode_json(b"\"true\"", &Type::Bool).unwrap(),
        Value::Bool(true)
    );
    assert_eq!(
        decode_json(b"1.25", &Type::Number).unwrap(),
        Value::Number(Number::Decimal("1.25".into()))
    );
    assert!(decode_json(b"\"abc\"", &Type::Number).is_err());
}

#[test]
fn dynamic_value_wrapper() {
    let t = Type::object([("a", Type::String)]);
    let v = Value::object([("a", Value::from("x"))]);
    let dv = encode_dynamic(&v, &t).unwrap();
    assert!(dv.json.is_empty());
    assert_eq!(decode_dynamic(Some(&dv), &t).unwrap(), v);
    let dj = pb::DynamicValue {
        msgpack: vec![],
        json: br#"{"a":"x"}"#.to_vec(),
    };
    assert_eq!(decode_dynamic(Some(&dj), &t).unwrap(), v);
    assert_eq!(decode_dynamic(None, &t).unwrap(), Value::Null);
}

#[test]
fn provider_built_refinements_are_encoded() {
    let v = Value::Unknown(Some(Refinements {
        raw: vec![],
        not_null: Some(true),
        string_prefix: Some("ab".into()),
    }));
    let b = encode_msgpack(&v, &Type::String).unwrap();
    assert_eq!(
        b,
        vec![0xc7, 7, 12, 0x82, 0x01, 0xc2, 0x02, 0xa2, b'a', b'b']
    );
    let back = decode_msgpack(&b, &Type::String).unwrap();
    match back {
        Value::Unknown(Some(r)) => {
            assert_eq!(r.not_null, Some(true));
            assert_eq!(r.string_prefix.as_deref(), Some("ab"));
        }
        other => panic!("{other:?}"),
    }
    // nothing to say: plain unknown
    let v = Value::Unknown(Some(Refinements::default()));
    assert_eq!(encode_msgpack(&v, &Type::String).unwrap(), vec![0xd4, 0, 0]);

    // a string prefix is only sent for strings; dynamic unknowns carry nothing
    let r = Refinements {
        raw: vec![],
        not_null: Some(true),
        string_prefix: Some("ab".into()),
    };
    let v = Value::Unknown(Some(r.clone()));
    assert_eq!(
        encode_msgpack(&v, &Type::Number).unwrap(),
        vec![0xc7, 3, 12, 0x81, 0x01, 0xc2]
    );
    assert_eq!(
        encode_msgpack(&v, &Type::Dynamic).unwrap(),
        vec![0xd4, 0, 0]
    );

    // "is null: true" is read as such
    let wire = [0xc7, 3, 12, 0x81, 0x01, 0xc3];
    match decode_msgpack(&wire, &Type::String).unwrap() {
        Value::Unknown(Some(r)) => assert_eq!(r.not_null, Some(false)),
        other => panic!("{other:?}"),
    }

    // long prefixes are cut to MAX_REFINEMENT_PREFIX bytes, never inside a character
    let long = format!("{}é{}", "a".repeat(254), "b".repeat(100));
    let v = Value::Unknown(Some(Refinements {
        string_prefix: Some(long),
        ..Default::default()
    }));
    let b = encode_msgpack(&v, &Type::String).unwrap();
    match decode_msgpack(&b, &Type::String).unwrap() {
        Value::Unknown(Some(r)) => {
            let p = r.string_prefix.unwrap();
            assert_eq!(p, "a".repeat(254));
            assert!(p.len() <= MAX_REFINEMENT_PREFIX);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(safe_prefix("short"), "short");
}

#[test]
fn inferred_types_unify_elements() {
    // nulls and unknowns take the type of their siblings
    let v = Value::List(vec![
        Value::object([("a", Value::Null), ("b", Value::int(1))]),
        Value::object([("a", Value::from("x")), ("b", Value::unknown())]),
    ]);
    assert_eq!(
        infer_type(&v),
        Type::list(Type::object([("a", Type::String), ("b", Type::Number)]))
    );
    let b = encode_msgpack(&v, &Type::Dynamic).unwrap();
    assert_eq!(decode_msgpack(&b, &Type::Dynamic).unwrap(), v);

    // conflicting list elements become a tuple, conflicting map values an object
    let mixed = Value::List(vec![Value::int(1), Value::from("x")]);
    assert_eq!(
        infer_type(&mixed),
        Type::tuple([Type::Number, Type::String])
    );
    let b = encode_msgpack(&mixed, &Type::Dynamic).unwrap();
    assert_eq!(
        decode_msgpack(&b, &Type::Dynamic).unwrap(),
        Value::Tuple(vec![Value::int(1), Value::from("x")])
    );
    let j = encode_json(&mixed, &Type::Dynamic).unwrap();
    assert_eq!(
        std::str::from_utf8(&j).unwrap(),
        r#"{"value":[1,"x"],"type":["tuple",["number","string"]]}"#
    );
    let m = Value::Map(
        [
            ("n".to_string(), Value::int(1)),
            ("s".to_string(), Value::from("x")),
        ]
        .into_iter()
        .collect(),
    );
    assert_eq!(
        infer_type(&m),
        Type::object([("n", Type::Number), ("s", Type::String)])
    );
    let b = encode_msgpack(&m, &Type::Dynamic).unwrap();
    assert_eq!(
        decode_msgpack(&b, &Type::Dynamic).unwrap(),
        Value::object([("n", Value::int(1)), ("s", Value::from("x"))])
    );

    // a set cannot become a tuple: the conflicting element is named
    let s = Value::Set(vec![Value::int(1), Value::from("x")]);
    assert_eq!(infer_type(&s), Type::set(Type::Number));
    let err = encode_msgpack(&s, &Type::Dynamic).unwrap_err();
    assert_eq!(err.path.to_string(), "[1]");

    // all-null elements stay dynamic
    assert_eq!(
        infer_type(&Value::List(vec![Value::Null])),
        Type::list(Type::Dynamic)
    );
}

#[test]
fn collection_values_convert_to_the_declared_type() {
    // a list value for a set attribute, a tuple for a list, an object for a map
    let t = Type::object([
        ("tags", Type::set(Type::String)),
        ("ports", Type::list(Type::Number)),
        ("labels", Type::map(Type::String)),
    ]);
    let v = Value::object([
        ("tags", Value::string_list(["a", "b"])),
        ("ports", Value::Tuple(vec![Value::int(1), Value::int(2)])),
        ("labels", Value::object([("k", Value::from("v"))])),
    ]);
    let back = decode_msgpack(&encode_msgpack(&v, &t).unwrap(), &t).unwrap();
    assert_eq!(
        back.attr("tags"),
        Some(&Value::Set(vec![Value::from("a"), Value::from("b")]))
    );
    assert_eq!(
        back.attr("ports"),
        Some(&Value::List(vec![Value::int(1), Value::int(2)]))
    );
    assert_eq!(
        back.attr("labels"),
        Some(&Value::Map(
            [("k".to_string(), Value::from("v"))].into_iter().collect()
        ))
    );
    let j = decode_json(&encode_json(&v, &t).unwrap(), &t).unwrap();
    assert_eq!(j, back);

    // elements are still checked, with their path
    let bad = Value::object([("ports", Value::Tuple(vec![Value::int(1), Value::from("x")]))]);
    let e = encode_msgpack(&bad, &t).unwrap_err();
    assert_eq!(e.path.to_string(), ".ports[1]");
    let e = encode_json(&bad, &t).unwrap_err();
    assert_eq!(e.path.to_string(), ".ports[1]");
    // a string is not a list
    let bad = Value::object([("tags", Value::from("a"))]);
    assert_eq!(
        encode_msgpack(&bad, &t).unwrap_err().path.to_string(),
        ".tags"
    );
}
