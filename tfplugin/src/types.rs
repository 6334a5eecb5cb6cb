//! The cty type model and its JSON encoding (`"string"`, `["list","string"]`,
//! `["object",{"a":"bool"}]`, ...), as used in schemas and `dynamic` values.

use std::collections::BTreeMap;
use std::fmt;

/// Most nesting levels accepted when parsing a type (explicit limit; a real
/// schema is a handful of levels deep).
pub const MAX_TYPE_DEPTH: usize = 64;

/// A cty type.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Type {
    /// `bool`
    Bool,
    /// `number` (arbitrary precision)
    Number,
    /// `string`
    String,
    /// `dynamic`: any type, decided by the value.
    Dynamic,
    /// `["list", T]`
    List(Box<Type>),
    /// `["set", T]`
    Set(Box<Type>),
    /// `["map", T]`
    Map(Box<Type>),
    /// `["object", {name: T, ...}]`
    Object(BTreeMap<String, Type>),
    /// `["tuple", [T, ...]]`
    Tuple(Vec<Type>),
}

/// Error parsing a JSON-encoded type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypeError(pub String);

impl fmt::Display for TypeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid type: {}", self.0)
    }
}

impl std::error::Error for TypeError {}

impl Type {
    /// `["list", elem]`
    pub fn list(elem: Type) -> Self {
        Type::List(Box::new(elem))
    }
    /// `["set", elem]`
    pub fn set(elem: Type) -> Self {
        Type::Set(Box::new(elem))
    }
    /// `["map", elem]`
    pub fn map(elem: Type) -> Self {
        Type::Map(Box::new(elem))
    }
    /// `["object", {...}]` from `(name, type)` pairs.
    pub fn object<K: Into<String>>(attrs: impl IntoIterator<Item = (K, Type)>) -> Self {
        Type::Object(attrs.into_iter().map(|(k, t)| (k.into(), t)).collect())
    }
    /// `["tuple", [...]]`
    pub fn tuple(elems: impl IntoIterator<Item = Type>) -> Self {
        Type::Tuple(elems.into_iter().collect())
    }

    /// The cty JSON form of this type.
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as J;
        match self {
            Type::Bool => J::from("bool"),
            Type::Number => J::from("number"),
            Type::String => J::from("string"),
            Type::Dynamic => J::from("dynamic"),
            Type::List(e) => J::Array(vec![J::from("list"), e.to_json()]),
            Type::Set(e) => J::Array(vec![J::from("set"), e.to_json()]),
            Type::Map(e) => J::Array(vec![J::from("map"), e.to_json()]),
            Type::Object(a) => J::Array(vec![
                J::from("object"),
                J::Object(a.iter().map(|(k, t)| (k.clone(), t.to_json())).collect()),
            ]),
            Type::Tuple(e) => J::Array(vec![
                J::from("tuple"),
                J::Array(e.iter().map(Type::to_json).collect()),
            ]),
        }
    }

    /// The cty JSON form as bytes (what schemas carry on the wire).
    pub fn to_json_bytes(&self) -> Vec<u8> {
        self.to_json().to_string().into_bytes()
    }

    /// Parses the cty JSON form. Optional-attribute annotations of object
    /// type constraints (`["object",{...},["a"]]`) are accepted and dropped.
    pub fn from_json(j: &serde_json::Value) -> Result<Type, TypeError> {
        Self::from_json_depth(j, 0)
    }

    /// Parses the cty JSON form from bytes.
    pub fn from_json_bytes(b: &[u8]) -> Result<Type, TypeError> {
        let j: serde_json::Value =
            serde_json::from_slice(b).map_err(|e| TypeError(format!("not JSON: {e}")))?;
        Self::from_json(&j)
    }

    fn from_json_depth(j: &serde_json::Value, depth: usize) -> Result<Type, TypeError> {
        use serde_json::Value as J;
        if depth > MAX_TYPE_DEPTH {
            return Err(TypeError(format!(
                "nested deeper than {MAX_TYPE_DEPTH} levels"
            )));
        }
        match j {
            J::String(s) => match s.as_str() {
                "bool" => Ok(Type::Bool),
                "number" => Ok(Type::Number),
                "string" => Ok(Type::String),
                "dynamic" => Ok(Type::Dynamic),
                other => Err(TypeError(format!("unknown primitive type {other:?}"))),
            },
            J::Array(items) => {
                let kind = items
                    .first()
                    .and_then(J::as_str)
                    .ok_or_else(|| TypeError("type array must start with a kind string".into()))?;
                let arg = items
                    .get(1)
                    .ok_or_else(|| TypeError(format!("{kind:?} needs an argument")))?;
                let max_len = if kind == "object" { 3 } else { 2 };
                if items.len() > max_len {
                    return Err(TypeError(format!("too many elements for {kind:?}")));
                }
                match kind {
                    "list" => Ok(Type::list(Self::from_json_depth(arg, depth + 1)?)),
                    "set" => Ok(Type::set(Self::from_json_depth(arg, depth + 1)?)),
                    "map" => Ok(Type::map(Self::from_json_depth(arg, depth + 1)?)),
                    "object" => {
                        let attrs = arg
                            .as_object()
                            .ok_or_else(|| TypeError("object attributes must be a map".into()))?;
                        let mut out = BTreeMap::new();
                        for (k, v) in attrs {
                            out.insert(k.clone(), Self::from_json_depth(v, depth + 1)?);
                        }
                        Ok(Type::Object(out))
                    }
                    "tuple" => {
                        let elems = arg
                            .as_array()
                            .ok_or_else(|| TypeError("tuple elements must be a list".into()))?;
                        let mut out = Vec::with_capacity(elems.len());
                        for e in elems {
                            out.push(Self::from_json_depth(e, depth + 1)?);
                        }
                        Ok(Type::Tuple(out))
                    }
                    other => Err(TypeError(format!("unknown type kind {other:?}"))),
                }
            }
            other => Err(TypeError(format!("unexpected JSON {other}"))),
        }
    }

    /// Whether this is a primitive type (bool, number, string).
    pub fn is_primitive(&self) -> bool {
        matches!(self, Type::Bool | Type::Number | Type::String)
    }
}

impl fmt::Display for Type {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Type::Bool => f.write_str("bool"),
            Type::Number => f.write_str("number"),
            Type::String => f.write_str("string"),
            Type::Dynamic => f.write_str("dynamic"),
            Type::List(e) => write!(f, "list({e})"),
            Type::Set(e) => write!(f, "set({e})"),
            Type::Map(e) => write!(f, "map({e})"),
            Type::Object(a) => {
                f.write_str("object({")?;
                for (i, (k, t)) in a.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{k}={t}")?;
                }
                f.write_str("})")
            }
            Type::Tuple(e) => {
                f.write_str("tuple([")?;
                for (i, t) in e.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{t}")?;
                }
                f.write_str("])")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_round_trip() {
        let t = Type::object([
            ("a", Type::String),
            ("b", Type::list(Type::Number)),
            ("c", Type::set(Type::map(Type::Bool))),
            ("d", Type::tuple([Type::Dynamic, Type::String])),
        ]);
        let bytes = t.to_json_bytes();
        assert_eq!(
            String::from_utf8(bytes.clone()).unwrap(),
            r#"["object",{"a":"string","b":["list","number"],"c":["set",["map","bool"]],"d":["tuple",["dynamic","string"]]}]"#
        );
        assert_eq!(Type::from_json_bytes(&bytes).unwrap(), t);
    }

    #[test]
    fn optional_attrs_accepted() {
        let t = Type::from_json_bytes(br#"["object",{"a":"string"},["a"]]"#).unwrap();
        assert_eq!(t, Type::object([("a", Type::String)]));
    }

    #[test]
    fn errors() {
        assert!(Type::from_json_bytes(br#""int""#).is_err());
        assert!(Type::from_json_bytes(br#"["list"]"#).is_err());
        assert!(Type::from_json_bytes(br#"["list","string","x"]"#).is_err());
        assert!(Type::from_json_bytes(br#"["frob","string"]"#).is_err());
        assert!(Type::from_json_bytes(br#"3"#).is_err());
        assert!(Type::from_json_bytes(b"not json").is_err());
    }

    #[test]
    fn depth_limit() {
        let mut s = String::from("\"string\"");
        for _ in 0..=MAX_TYPE_DEPTH {
            s = format!("[\"list\",{s}]");
        }
        let e = Type::from_json_bytes(s.as_bytes()).unwrap_err();
        assert!(e.0.contains("deeper"), "{e}");
        let mut ok = String::from("\"string\"");
        for _ in 0..MAX_TYPE_DEPTH {
            ok = format!("[\"list\",{ok}]");
        }
        assert!(Type::from_json_bytes(ok.as_bytes()).is_ok());
    }
}
