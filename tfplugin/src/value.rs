//! Values and types of Terraform's type system (cty), as they cross the wire.
//!
//! A [`Value`] is untyped on its own; the [`Type`] it is decoded against (from the
//! schema) decides how collections and numbers are encoded.

use std::collections::BTreeMap;
use std::fmt;

/// A cty type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Type {
    Bool,
    Number,
    String,
    /// `dynamic`: the value carries its own type on the wire.
    Dynamic,
    List(Box<Type>),
    Set(Box<Type>),
    Map(Box<Type>),
    Object(BTreeMap<String, Type>),
    Tuple(Vec<Type>),
}

impl Type {
    pub fn list(t: Type) -> Type {
        Type::List(Box::new(t))
    }
    pub fn set(t: Type) -> Type {
        Type::Set(Box::new(t))
    }
    pub fn map(t: Type) -> Type {
        Type::Map(Box::new(t))
    }
    pub fn object<I: IntoIterator<Item = (S, Type)>, S: Into<String>>(attrs: I) -> Type {
        Type::Object(attrs.into_iter().map(|(k, v)| (k.into(), v)).collect())
    }

    /// The JSON encoding of the type, as used in schemas and dynamic values.
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::{Value as J, json};
        match self {
            Type::Bool => J::from("bool"),
            Type::Number => J::from("number"),
            Type::String => J::from("string"),
            Type::Dynamic => J::from("dynamic"),
            Type::List(t) => json!(["list", t.to_json()]),
            Type::Set(t) => json!(["set", t.to_json()]),
            Type::Map(t) => json!(["map", t.to_json()]),
            Type::Object(a) => {
                let m: serde_json::Map<String, J> =
                    a.iter().map(|(k, v)| (k.clone(), v.to_json())).collect();
                json!(["object", m])
            }
            Type::Tuple(ts) => json!(["tuple", ts.iter().map(Type::to_json).collect::<Vec<_>>()]),
        }
    }

    /// The JSON encoding as bytes (what `Schema.Attribute.type` carries).
    pub fn to_json_bytes(&self) -> Vec<u8> {
        self.to_json().to_string().into_bytes()
    }

    /// Parses the JSON encoding of a type.
    pub fn from_json(j: &serde_json::Value) -> Result<Type, String> {
        use serde_json::Value as J;
        match j {
            J::String(s) => match s.as_str() {
                "bool" => Ok(Type::Bool),
                "number" => Ok(Type::Number),
                "string" => Ok(Type::String),
                "dynamic" => Ok(Type::Dynamic),
                other => Err(format!("unknown primitive type {other:?}")),
            },
            J::Array(a) if a.len() == 2 => {
                let kind = a[0].as_str().ok_or("type kind must be a string")?;
                match kind {
                    "list" => Ok(Type::list(Type::from_json(&a[1])?)),
                    "set" => Ok(Type::set(Type::from_json(&a[1])?)),
                    "map" => Ok(Type::map(Type::from_json(&a[1])?)),
                    "object" => {
                        let m = a[1]
                            .as_object()
                            .ok_or("object type needs a map of attributes")?;
                        let mut out = BTreeMap::new();
                        for (k, v) in m {
                            out.insert(k.clone(), Type::from_json(v)?);
                        }
                        Ok(Type::Object(out))
                    }
                    "tuple" => {
                        let items = a[1].as_array().ok_or("tuple type needs a list of types")?;
                        Ok(Type::Tuple(
                            items
                                .iter()
                                .map(Type::from_json)
                                .collect::<Result<_, _>>()?,
                        ))
                    }
                    other => Err(format!("unknown type kind {other:?}")),
                }
            }
            // Objects with optional attributes: ["object", {...}, ["opt"]]
            J::Array(a) if a.len() == 3 && a[0] == "object" => {
                Type::from_json(&J::Array(a[..2].to_vec()))
            }
            other => Err(format!("invalid type encoding {other}")),
        }
    }
}

impl fmt::Display for Type {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.to_json())
    }
}

/// A cty number. Numbers that fit neither i64 nor f64 travel as decimal strings
/// and are kept exactly as received.
#[derive(Debug, Clone, PartialEq)]
pub enum Number {
    Int(i64),
    Uint(u64),
    Float(f64),
    /// A decimal that msgpack carried as a string (arbitrary precision).
    Big(String),
}

impl Number {
    /// The number as an i64 when it is integral and in range.
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Number::Int(i) => Some(*i),
            Number::Uint(u) => i64::try_from(*u).ok(),
            Number::Float(f) if f.fract() == 0.0 && f.abs() < 9.2e18 => Some(*f as i64),
            Number::Float(_) => None,
            Number::Big(s) => s.parse().ok(),
        }
    }
    /// The number as an f64 (may round).
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Number::Int(i) => Some(*i as f64),
            Number::Uint(u) => Some(*u as f64),
            Number::Float(f) => Some(*f),
            Number::Big(s) => s.parse().ok(),
        }
    }
}

impl fmt::Display for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Number::Int(i) => write!(f, "{i}"),
            Number::Uint(u) => write!(f, "{u}"),
            Number::Float(x) => write!(f, "{x}"),
            Number::Big(s) => f.write_str(s),
        }
    }
}

/// A cty value.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Value {
    #[default]
    Null,
    /// Not known until apply. `refinements` keeps the msgpack payload of a
    /// refined unknown (extension 12) so it can be sent back unchanged.
    Unknown {
        refinements: Option<Vec<u8>>,
    },
    Bool(bool),
    Number(Number),
    String(String),
    List(Vec<Value>),
    Set(Vec<Value>),
    Map(BTreeMap<String, Value>),
    Object(BTreeMap<String, Value>),
    Tuple(Vec<Value>),
    /// A value of a `dynamic` attribute together with its concrete type.
    Dynamic(Type, Box<Value>),
}

impl Value {
    pub const UNKNOWN: Value = Value::Unknown { refinements: None };

    pub fn string(s: impl Into<String>) -> Value {
        Value::String(s.into())
    }
    pub fn int(i: i64) -> Value {
        Value::Number(Number::Int(i))
    }
    pub fn object<I: IntoIterator<Item = (S, Value)>, S: Into<String>>(attrs: I) -> Value {
        Value::Object(attrs.into_iter().map(|(k, v)| (k.into(), v)).collect())
    }

    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }
    /// True when this value itself is unknown (not looking inside).
    pub fn is_unknown(&self) -> bool {
        matches!(self, Value::Unknown { .. })
    }
    /// True when the value is known all the way down.
    pub fn is_wholly_known(&self) -> bool {
        match self {
            Value::Unknown { .. } => false,
            Value::List(v) | Value::Set(v) | Value::Tuple(v) => {
                v.iter().all(Value::is_wholly_known)
            }
            Value::Map(m) | Value::Object(m) => m.values().all(Value::is_wholly_known),
            Value::Dynamic(_, v) => v.is_wholly_known(),
            _ => true,
        }
    }

    /// The attribute `name` of an object (None for other values or absent names).
    pub fn get(&self, name: &str) -> Option<&Value> {
        match self {
            Value::Object(m) | Value::Map(m) => m.get(name),
            Value::Dynamic(_, v) => v.get(name),
            _ => None,
        }
    }
    /// Mutable access to an object attribute.
    pub fn get_mut(&mut self, name: &str) -> Option<&mut Value> {
        match self {
            Value::Object(m) | Value::Map(m) => m.get_mut(name),
            _ => None,
        }
    }
    /// Sets an object attribute (no effect on other values).
    pub fn set(&mut self, name: &str, v: Value) {
        if let Value::Object(m) | Value::Map(m) = self {
            m.insert(name.to_string(), v);
        }
    }
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }
    pub fn as_number(&self) -> Option<&Number> {
        match self {
            Value::Number(n) => Some(n),
            _ => None,
        }
    }
    pub fn as_i64(&self) -> Option<i64> {
        self.as_number().and_then(Number::as_i64)
    }
    /// Elements of a list, set or tuple.
    pub fn as_elements(&self) -> Option<&[Value]> {
        match self {
            Value::List(v) | Value::Set(v) | Value::Tuple(v) => Some(v),
            _ => None,
        }
    }

    /// The value of the same shape with every attribute listed in `names`
    /// replaced by an unknown (used to mark computed attributes as unknown).
    pub fn with_unknown(mut self, names: &[&str]) -> Value {
        for n in names {
            self.set(n, Value::UNKNOWN);
        }
        self
    }

    /// Converts a JSON document (e.g. raw state) into a value, guided by `ty`.
    pub fn from_json(j: &serde_json::Value, ty: &Type) -> Result<Value, crate::CodecError> {
        crate::codec::from_json(j, ty, &mut crate::AttributePath::default())
    }

    /// JSON of a known value (unknowns become null).
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as J;
        match self {
            Value::Null | Value::Unknown { .. } => J::Null,
            Value::Bool(b) => J::Bool(*b),
            Value::Number(n) => match n {
                Number::Int(i) => J::from(*i),
                Number::Uint(u) => J::from(*u),
                Number::Float(f) => serde_json::Number::from_f64(*f)
                    .map(J::Number)
                    .unwrap_or(J::Null),
                Number::Big(s) => s
                    .parse::<serde_json::Number>()
                    .map(J::Number)
                    .unwrap_or_else(|_| J::String(s.clone())),
            },
            Value::String(s) => J::String(s.clone()),
            Value::List(v) | Value::Set(v) | Value::Tuple(v) => {
                J::Array(v.iter().map(Value::to_json).collect())
            }
            Value::Map(m) | Value::Object(m) => {
                J::Object(m.iter().map(|(k, v)| (k.clone(), v.to_json())).collect())
            }
            Value::Dynamic(_, v) => v.to_json(),
        }
    }
}
