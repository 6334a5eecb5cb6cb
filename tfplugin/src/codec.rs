//! DynamicValue encoding: msgpack (the normal wire form) and JSON (raw state,
//! and an alternative wire form), both guided by the schema's type.
//!
//! Unknown values are msgpack extension 0; refined unknowns are extension 12,
//! whose payload is kept byte for byte and sent back unchanged. Numbers that
//! do not fit i64/u64/f64 arrive as decimal strings and are kept exactly.
//! `dynamic` values are `[type as JSON bytes, value]`.

use std::collections::BTreeMap;
use std::fmt;

use rmpv::Value as Mp;

use crate::diag::{AttributePath, Step};
use crate::value::{Number, Type, Value};

/// Limit on nesting while decoding, so a hostile payload cannot exhaust the stack.
pub const MAX_DEPTH: usize = 64;

/// A decoding/encoding error with the attribute path where it happened.
#[derive(Debug, Clone, PartialEq)]
pub struct CodecError {
    pub path: AttributePath,
    pub message: String,
}

impl fmt::Display for CodecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}
impl std::error::Error for CodecError {}

fn err(path: &AttributePath, msg: impl Into<String>) -> CodecError {
    CodecError {
        path: path.clone(),
        message: msg.into(),
    }
}

const EXT_UNKNOWN: i8 = 0;
const EXT_REFINED_UNKNOWN: i8 = 12;

/// Decodes msgpack bytes into a value of type `ty`.
pub fn decode_msgpack(bytes: &[u8], ty: &Type) -> Result<Value, CodecError> {
    let root = AttributePath::default();
    if bytes.is_empty() {
        return Ok(Value::Null);
    }
    let mut rd = bytes;
    let mp = rmpv::decode::read_value_with_max_depth(&mut rd, MAX_DEPTH * 2 + 4)
        .map_err(|e| err(&root, format!("invalid msgpack: {e}")))?;
    if !rd.is_empty() {
        return Err(err(
            &root,
            format!("{} trailing bytes after the msgpack value", rd.len()),
        ));
    }
    from_mp(&mp, ty, &mut AttributePath::default(), 0)
}

fn from_mp(
    mp: &Mp,
    ty: &Type,
    path: &mut AttributePath,
    depth: usize,
) -> Result<Value, CodecError> {
    if depth > MAX_DEPTH {
        return Err(err(
            path,
            format!("value nested deeper than {MAX_DEPTH} levels"),
        ));
    }
    match mp {
        Mp::Nil => return Ok(Value::Null),
        Mp::Ext(EXT_UNKNOWN, _) => return Ok(Value::UNKNOWN),
        Mp::Ext(EXT_REFINED_UNKNOWN, payload) => {
            return Ok(Value::Unknown {
                refinements: Some(payload.clone()),
            });
        }
        Mp::Ext(t, _) => return Err(err(path, format!("unsupported msgpack extension type {t}"))),
        _ => {}
    }
    match ty {
        Type::Bool => match mp {
            Mp::Boolean(b) => Ok(Value::Bool(*b)),
            other => Err(err(path, format!("bool required, got {}", mp_kind(other)))),
        },
        Type::String => match mp {
            Mp::String(s) => s
                .as_str()
                .map(|s| Value::String(s.to_string()))
                .ok_or_else(|| err(path, "string is not valid UTF-8")),
            other => Err(err(
                path,
                format!("string required, got {}", mp_kind(other)),
            )),
        },
        Type::Number => match mp {
            Mp::Integer(i) => {
                if let Some(v) = i.as_i64() {
                    Ok(Value::Number(Number::Int(v)))
                } else if let Some(u) = i.as_u64() {
                    Ok(Value::Number(Number::Uint(u)))
                } else {
                    Err(err(path, "integer out of range"))
                }
            }
            Mp::F32(f) => Ok(Value::Number(Number::Float(f64::from(*f)))),
            Mp::F64(f) => Ok(Value::Number(Number::Float(*f))),
            Mp::String(s) => {
                let s = s
                    .as_str()
                    .ok_or_else(|| err(path, "number is not valid UTF-8"))?;
                if is_decimal(s) {
                    Ok(Value::Number(Number::Big(s.to_string())))
                } else {
                    Err(err(path, format!("number required, got string {s:?}")))
                }
            }
            other => Err(err(
                path,
                format!("number required, got {}", mp_kind(other)),
            )),
        },
        Type::Dynamic => {
            let Mp::Array(pair) = mp else {
                return Err(err(path, "dynamic value must be a [type, value] pair"));
            };
            if pair.len() != 2 {
                return Err(err(path, "dynamic value must be a [type, value] pair"));
            }
            let tjson = match &pair[0] {
                Mp::Binary(b) => b.clone(),
                Mp::String(s) => s.as_bytes().to_vec(),
                _ => return Err(err(path, "dynamic value type must be JSON bytes")),
            };
            let tj: serde_json::Value = serde_json::from_slice(&tjson)
                .map_err(|e| err(path, format!("dynamic value type is not JSON: {e}")))?;
            let t = Type::from_json(&tj).map_err(|e| err(path, e))?;
            let inner = from_mp(&pair[1], &t, path, depth + 1)?;
            Ok(Value::Dynamic(t, Box::new(inner)))
        }
        Type::List(et) | Type::Set(et) => {
            let Mp::Array(items) = mp else {
                return Err(err(path, format!("list required, got {}", mp_kind(mp))));
            };
            let mut out = Vec::with_capacity(items.len());
            for (i, it) in items.iter().enumerate() {
                path.push(Step::Index(i as i64));
                out.push(from_mp(it, et, path, depth + 1)?);
                path.pop();
            }
            Ok(if matches!(ty, Type::Set(_)) {
                Value::Set(out)
            } else {
                Value::List(out)
            })
        }
        Type::Tuple(ts) => {
            let Mp::Array(items) = mp else {
                return Err(err(path, format!("tuple required, got {}", mp_kind(mp))));
            };
            if items.len() != ts.len() {
                return Err(err(
                    path,
                    format!(
                        "tuple of {} elements required, got {}",
                        ts.len(),
                        items.len()
                    ),
                ));
            }
            let mut out = Vec::with_capacity(items.len());
            for (i, (it, t)) in items.iter().zip(ts).enumerate() {
                path.push(Step::Index(i as i64));
                out.push(from_mp(it, t, path, depth + 1)?);
                path.pop();
            }
            Ok(Value::Tuple(out))
        }
        Type::Map(et) => {
            let Mp::Map(entries) = mp else {
                return Err(err(path, format!("map required, got {}", mp_kind(mp))));
            };
            let mut out = BTreeMap::new();
            for (k, v) in entries {
                let key = k
                    .as_str()
                    .ok_or_else(|| err(path, "map key must be a string"))?;
                path.push(Step::Key(key.to_string()));
                out.insert(key.to_string(), from_mp(v, et, path, depth + 1)?);
                path.pop();
            }
            Ok(Value::Map(out))
        }
        Type::Object(attrs) => {
            let Mp::Map(entries) = mp else {
                return Err(err(path, format!("object required, got {}", mp_kind(mp))));
            };
            let mut out = BTreeMap::new();
            for (k, v) in entries {
                let key = k
                    .as_str()
                    .ok_or_else(|| err(path, "attribute name must be a string"))?;
                path.push(Step::Attr(key.to_string()));
                let Some(at) = attrs.get(key) else {
                    return Err(err(path, "unsupported attribute"));
                };
                out.insert(key.to_string(), from_mp(v, at, path, depth + 1)?);
                path.pop();
            }
            for name in attrs.keys() {
                out.entry(name.clone()).or_insert(Value::Null);
            }
            Ok(Value::Object(out))
        }
    }
}

fn is_decimal(s: &str) -> bool {
    let t = s.strip_prefix('-').unwrap_or(s);
    !t.is_empty()
        && t.parse::<f64>().is_ok()
        && t.chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '+' | '-'))
}

fn mp_kind(m: &Mp) -> &'static str {
    match m {
        Mp::Nil => "null",
        Mp::Boolean(_) => "bool",
        Mp::Integer(_) | Mp::F32(_) | Mp::F64(_) => "number",
        Mp::String(_) => "string",
        Mp::Binary(_) => "binary",
        Mp::Array(_) => "array",
        Mp::Map(_) => "map",
        Mp::Ext(..) => "extension",
    }
}

/// Encodes a value of type `ty` as msgpack.
pub fn encode_msgpack(v: &Value, ty: &Type) -> Result<Vec<u8>, CodecError> {
    let mp = to_mp(v, ty, &mut AttributePath::default())?;
    let mut out = Vec::new();
    rmpv::encode::write_value(&mut out, &mp)
        .map_err(|e| err(&AttributePath::default(), e.to_string()))?;
    Ok(out)
}

fn to_mp(v: &Value, ty: &Type, path: &mut AttributePath) -> Result<Mp, CodecError> {
    match v {
        Value::Null => return Ok(Mp::Nil),
        Value::Unknown { refinements: None } => return Ok(Mp::Ext(EXT_UNKNOWN, vec![0])),
        Value::Unknown {
            refinements: Some(p),
        } => return Ok(Mp::Ext(EXT_REFINED_UNKNOWN, p.clone())),
        _ => {}
    }
    if let Type::Dynamic = ty {
        let (t, inner) = match v {
            Value::Dynamic(t, inner) => (t.clone(), inner.as_ref()),
            other => (implied_type(other), other),
        };
        let tb = t.to_json_bytes();
        return Ok(Mp::Array(vec![Mp::Binary(tb), to_mp(inner, &t, path)?]));
    }
    let v = match v {
        Value::Dynamic(_, inner) => inner.as_ref(),
        other => other,
    };
    match (ty, v) {
        (Type::Bool, Value::Bool(b)) => Ok(Mp::Boolean(*b)),
        (Type::String, Value::String(s)) => Ok(Mp::String(s.clone().into())),
        (Type::Number, Value::Number(n)) => Ok(match n {
            Number::Int(i) => Mp::Integer((*i).into()),
            Number::Uint(u) => Mp::Integer((*u).into()),
            Number::Float(f) => {
                if f.fract() == 0.0 && f.abs() < 9.0e15 {
                    Mp::Integer((*f as i64).into())
                } else {
                    Mp::F64(*f)
                }
            }
            Number::Big(s) => Mp::String(s.clone().into()),
        }),
        (
            Type::List(et) | Type::Set(et),
            Value::List(items) | Value::Set(items) | Value::Tuple(items),
        ) => {
            let mut out = Vec::with_capacity(items.len());
            for (i, it) in items.iter().enumerate() {
                path.push(Step::Index(i as i64));
                out.push(to_mp(it, et, path)?);
                path.pop();
            }
            Ok(Mp::Array(out))
        }
        (Type::Tuple(ts), Value::Tuple(items) | Value::List(items)) if ts.len() == items.len() => {
            let mut out = Vec::with_capacity(items.len());
            for (i, (it, t)) in items.iter().zip(ts).enumerate() {
                path.push(Step::Index(i as i64));
                out.push(to_mp(it, t, path)?);
                path.pop();
            }
            Ok(Mp::Array(out))
        }
        (Type::Map(et), Value::Map(m) | Value::Object(m)) => {
            let mut out = Vec::with_capacity(m.len());
            for (k, it) in m {
                path.push(Step::Key(k.clone()));
                out.push((Mp::String(k.clone().into()), to_mp(it, et, path)?));
                path.pop();
            }
            Ok(Mp::Map(out))
        }
        (Type::Object(attrs), Value::Object(m)) => {
            let mut out = Vec::with_capacity(attrs.len());
            for (k, at) in attrs {
                path.push(Step::Attr(k.clone()));
                let item = m.get(k).unwrap_or(&Value::Null);
                out.push((Mp::String(k.clone().into()), to_mp(item, at, path)?));
                path.pop();
            }
            if let Some(extra) = m.keys().find(|k| !attrs.contains_key(*k)) {
                path.push(Step::Attr(extra.clone()));
                return Err(err(path, "attribute is not in the schema"));
            }
            Ok(Mp::Map(out))
        }
        (t, v) => Err(err(path, format!("cannot encode {} as {t}", value_kind(v)))),
    }
}

fn value_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Unknown { .. } => "unknown",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::List(_) => "list",
        Value::Set(_) => "set",
        Value::Map(_) => "map",
        Value::Object(_) => "object",
        Value::Tuple(_) => "tuple",
        Value::Dynamic(..) => "dynamic",
    }
}

/// The type a value has when no schema says otherwise (for `dynamic`).
pub fn implied_type(v: &Value) -> Type {
    match v {
        Value::Null | Value::Unknown { .. } => Type::Dynamic,
        Value::Bool(_) => Type::Bool,
        Value::Number(_) => Type::Number,
        Value::String(_) => Type::String,
        Value::List(items) => Type::list(items.first().map(implied_type).unwrap_or(Type::Dynamic)),
        Value::Set(items) => Type::set(items.first().map(implied_type).unwrap_or(Type::Dynamic)),
        Value::Map(m) => Type::map(m.values().next().map(implied_type).unwrap_or(Type::Dynamic)),
        Value::Object(m) => Type::Object(
            m.iter()
                .map(|(k, v)| (k.clone(), implied_type(v)))
                .collect(),
        ),
        Value::Tuple(items) => Type::Tuple(items.iter().map(implied_type).collect()),
        Value::Dynamic(t, _) => t.clone(),
    }
}

/// Decodes a JSON DynamicValue (or raw state) of type `ty`.
pub fn decode_json(bytes: &[u8], ty: &Type) -> Result<Value, CodecError> {
    let j: serde_json::Value = serde_json::from_slice(bytes)
        .map_err(|e| err(&AttributePath::default(), format!("invalid JSON: {e}")))?;
    from_json(&j, ty, &mut AttributePath::default())
}

pub(crate) fn from_json(
    j: &serde_json::Value,
    ty: &Type,
    path: &mut AttributePath,
) -> Result<Value, CodecError> {
    use serde_json::Value as J;
    if path.0.len() > MAX_DEPTH {
        return Err(err(
            path,
            format!("value nested deeper than {MAX_DEPTH} levels"),
        ));
    }
    if j.is_null() {
        return Ok(Value::Null);
    }
    match (ty, j) {
        (Type::Bool, J::Bool(b)) => Ok(Value::Bool(*b)),
        (Type::String, J::String(s)) => Ok(Value::String(s.clone())),
        (Type::Number, J::Number(n)) => Ok(Value::Number(if let Some(i) = n.as_i64() {
            Number::Int(i)
        } else if let Some(u) = n.as_u64() {
            Number::Uint(u)
        } else {
            Number::Float(n.as_f64().unwrap_or(0.0))
        })),
        (Type::Number, J::String(s)) if is_decimal(s) => Ok(Value::Number(Number::Big(s.clone()))),
        (Type::Dynamic, J::Object(o))
            if o.contains_key("type") && o.contains_key("value") && o.len() == 2 =>
        {
            let t = Type::from_json(&o["type"]).map_err(|e| err(path, e))?;
            Ok(Value::Dynamic(
                t.clone(),
                Box::new(from_json(&o["value"], &t, path)?),
            ))
        }
        (Type::List(et) | Type::Set(et), J::Array(items)) => {
            let mut out = Vec::with_capacity(items.len());
            for (i, it) in items.iter().enumerate() {
                path.push(Step::Index(i as i64));
                out.push(from_json(it, et, path)?);
                path.pop();
            }
            Ok(if matches!(ty, Type::Set(_)) {
                Value::Set(out)
            } else {
                Value::List(out)
            })
        }
        (Type::Tuple(ts), J::Array(items)) if ts.len() == items.len() => {
            let mut out = Vec::with_capacity(items.len());
            for (i, (it, t)) in items.iter().zip(ts).enumerate() {
                path.push(Step::Index(i as i64));
                out.push(from_json(it, t, path)?);
                path.pop();
            }
            Ok(Value::Tuple(out))
        }
        (Type::Map(et), J::Object(o)) => {
            let mut out = BTreeMap::new();
            for (k, v) in o {
                path.push(Step::Key(k.clone()));
                out.insert(k.clone(), from_json(v, et, path)?);
                path.pop();
            }
            Ok(Value::Map(out))
        }
        (Type::Object(attrs), J::Object(o)) => {
            let mut out = BTreeMap::new();
            for (k, v) in o {
                path.push(Step::Attr(k.clone()));
                let Some(at) = attrs.get(k) else {
                    return Err(err(path, "unsupported attribute"));
                };
                out.insert(k.clone(), from_json(v, at, path)?);
                path.pop();
            }
            for name in attrs.keys() {
                out.entry(name.clone()).or_insert(Value::Null);
            }
            Ok(Value::Object(out))
        }
        (Type::Dynamic, other) => {
            let v = json_implied(other);
            Ok(Value::Dynamic(implied_type(&v), Box::new(v)))
        }
        (t, other) => Err(err(
            path,
            format!("{t} required, got JSON {}", json_kind(other)),
        )),
    }
}

fn json_implied(j: &serde_json::Value) -> Value {
    use serde_json::Value as J;
    match j {
        J::Null => Value::Null,
        J::Bool(b) => Value::Bool(*b),
        J::Number(n) => Value::Number(
            n.as_i64()
                .map(Number::Int)
                .unwrap_or_else(|| Number::Float(n.as_f64().unwrap_or(0.0))),
        ),
        J::String(s) => Value::String(s.clone()),
        J::Array(a) => Value::Tuple(a.iter().map(json_implied).collect()),
        J::Object(o) => Value::Object(
            o.iter()
                .map(|(k, v)| (k.clone(), json_implied(v)))
                .collect(),
        ),
    }
}

fn json_kind(j: &serde_json::Value) -> &'static str {
    use serde_json::Value as J;
    match j {
        J::Null => "null",
        J::Bool(_) => "bool",
        J::Number(_) => "number",
        J::String(_) => "string",
        J::Array(_) => "array",
        J::Object(_) => "object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn obj_ty() -> Type {
        Type::object([
            ("name", Type::String),
            ("port", Type::Number),
            ("tags", Type::list(Type::String)),
            ("labels", Type::map(Type::String)),
            (
                "nodes",
                Type::list(Type::object([("address", Type::String)])),
            ),
            ("any", Type::Dynamic),
            ("on", Type::Bool),
            ("ids", Type::set(Type::Number)),
            ("pair", Type::Tuple(vec![Type::String, Type::Number])),
        ])
    }

    fn sample() -> Value {
        Value::object([
            ("name", Value::string("cp")),
            ("port", Value::int(7445)),
            (
                "tags",
                Value::List(vec![Value::string("a"), Value::UNKNOWN]),
            ),
            (
                "labels",
                Value::Map([("k".to_string(), Value::string("v"))].into()),
            ),
            (
                "nodes",
                Value::List(vec![Value::object([(
                    "address",
                    Value::string("10.0.0.1/24"),
                )])]),
            ),
            (
                "any",
                Value::Dynamic(
                    Type::list(Type::String),
                    Box::new(Value::List(vec![Value::string("x")])),
                ),
            ),
            ("on", Value::Null),
            (
                "ids",
                Value::Set(vec![Value::Number(Number::Big(
                    "123456789012345678901234567890".into(),
                ))]),
            ),
            (
                "pair",
                Value::Tuple(vec![Value::string("a"), Value::Number(Number::Float(1.5))]),
            ),
        ])
    }

    #[test]
    fn msgpack_round_trip_keeps_everything() {
        let ty = obj_ty();
        let bytes = encode_msgpack(&sample(), &ty).unwrap();
        assert_eq!(decode_msgpack(&bytes, &ty).unwrap(), sample());
    }

    #[test]
    fn unknown_is_extension_zero() {
        let bytes = encode_msgpack(&Value::UNKNOWN, &Type::String).unwrap();
        // fixext1, type 0, one payload byte: what cty's msgpack encoder writes.
        assert_eq!(bytes, vec![0xd4, 0x00, 0x00]);
        assert!(decode_msgpack(&bytes, &Type::String).unwrap().is_unknown());
    }

    #[test]
    fn refined_unknown_payload_is_kept_byte_for_byte() {
        // ext 12 with a small msgpack map payload {1: true} (a "not null" refinement)
        let payload = vec![0x81, 0x01, 0xc3];
        let mut bytes = vec![0xc7, payload.len() as u8, 12];
        bytes.extend(&payload);
        let v = decode_msgpack(&bytes, &Type::String).unwrap();
        assert_eq!(
            v,
            Value::Unknown {
                refinements: Some(payload)
            }
        );
        assert_eq!(encode_msgpack(&v, &Type::String).unwrap(), bytes);
    }

    #[test]
    fn big_numbers_stay_exact() {
        let big = "98765432109876543210.000000000000000001";
        let mut bytes = vec![0xd9, big.len() as u8];
        bytes.extend(big.as_bytes());
        let v = decode_msgpack(&bytes, &Type::Number).unwrap();
        assert_eq!(v, Value::Number(Number::Big(big.into())));
        assert_eq!(encode_msgpack(&v, &Type::Number).unwrap(), bytes);
    }

    #[test]
    fn errors_carry_the_attribute_path() {
        let ty = obj_ty();
        let mut v = sample();
        v.set(
            "nodes",
            Value::List(vec![Value::object([("address", Value::int(3))])]),
        );
        let e = encode_msgpack(&v, &ty).unwrap_err();
        assert_eq!(e.path.to_string(), "nodes[0].address");
        // and on decode: a number where a string is required
        let bad = Value::object([("address", Value::int(1))]);
        let bytes = encode_msgpack(&bad, &Type::object([("address", Type::Number)])).unwrap();
        let e = decode_msgpack(&bytes, &Type::object([("address", Type::String)])).unwrap_err();
        assert_eq!(e.path.to_string(), "address");
        assert!(e.message.contains("string required"), "{}", e.message);
    }

    #[test]
    fn hostile_input_is_an_error_not_a_panic() {
        let _ = decode_msgpack(&[0xc1], &Type::String); // reserved marker: must not panic
        for bytes in [
            &[0xdc, 0xff, 0xff][..],
            &[0x92, 0xc0][..],
            &[0xd4][..],
            &[0x91, 0xc0, 0xc0][..],
        ] {
            assert!(
                decode_msgpack(bytes, &Type::list(Type::String)).is_err(),
                "{bytes:x?}"
            );
        }
        // deep nesting beyond the limit
        let mut deep = Type::String;
        for _ in 0..(MAX_DEPTH + 5) {
            deep = Type::list(deep);
        }
        let mut bytes = vec![0x91; MAX_DEPTH + 5];
        bytes.push(0xa1);
        bytes.push(b'x');
        assert!(decode_msgpack(&bytes, &deep).is_err());
    }

    #[test]
    fn json_decoding_matches_msgpack() {
        let ty = Type::object([
            ("name", Type::String),
            ("port", Type::Number),
            ("tags", Type::list(Type::String)),
        ]);
        let v = decode_json(br#"{"name":"x","port":7445,"tags":["a","b"]}"#, &ty).unwrap();
        assert_eq!(v.get("port").and_then(Value::as_i64), Some(7445));
        let e = decode_json(br#"{"name":"x","bogus":1}"#, &ty).unwrap_err();
        assert_eq!(e.path.to_string(), "bogus");
        // missing attributes are null
        let v = decode_json(br#"{"name":"x"}"#, &ty).unwrap();
        assert!(v.get("tags").unwrap().is_null());
    }

    #[test]
    fn type_json_round_trip() {
        let ty = obj_ty();
        assert_eq!(Type::from_json(&ty.to_json()).unwrap(), ty);
        assert!(Type::from_json(&serde_json::json!(["list"])).is_err());
    }
}
