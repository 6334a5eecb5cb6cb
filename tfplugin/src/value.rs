//! The value model: cty-like values with unknowns anywhere.

use crate::path::{AttributePath, PathStep};
use std::collections::BTreeMap;
use std::fmt;

/// A number, kept exactly as it arrived.
///
/// Terraform numbers are arbitrary-precision decimals. Small integers and
/// floats arrive as msgpack ints/floats; anything else arrives as a decimal
/// string, which is kept verbatim ([`Number::Decimal`]) and re-emitted as is.
///
/// Equality is numeric: `Int(3)`, `Float(3.0)` and `Decimal("3.00")` are equal
/// (floats compare by their shortest decimal form).
#[derive(Debug, Clone)]
pub enum Number {
    /// A number that fits an `i64`.
    Int(i64),
    /// A finite binary float.
    Float(f64),
    /// A decimal in JSON number syntax, e.g. `"123456789012345678901234567890"` or `"1.5e400"`.
    Decimal(String),
}

impl Number {
    /// The value as `i64` if it is an integer that fits.
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Number::Int(i) => Some(*i),
            Number::Float(f) => {
                if f.fract() == 0.0 && *f >= i64::MIN as f64 && *f < i64::MAX as f64 {
                    Some(*f as i64)
                } else {
                    None
                }
            }
            Number::Decimal(s) => s.parse().ok(),
        }
    }

    /// The value as `f64` (may round for big decimals).
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Number::Int(i) => Some(*i as f64),
            Number::Float(f) => Some(*f),
            Number::Decimal(s) => s.parse().ok(),
        }
    }

    /// Builds a decimal number from its text; `None` unless it is valid JSON
    /// number syntax (`-?digits[.digits][e[+-]digits]`).
    pub fn decimal(text: &str) -> Option<Number> {
        if is_json_number(text) {
            Some(Number::Decimal(text.to_string()))
        } else {
            None
        }
    }
}

/// Sign, significant digits (no leading/trailing zeros) and decimal exponent
/// of a number's text; `None` if the exponent does not fit an i64.
fn canonical(text: &str) -> Option<(bool, String, i64)> {
    let (neg, rest) = match text.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let (mant, exp) = match rest.find(['e', 'E']) {
        Some(i) => (&rest[..i], rest[i + 1..].parse::<i64>().ok()?),
        None => (rest, 0),
    };
    let (int, frac) = mant.split_once('.').unwrap_or((mant, ""));
    let mut digits: String = int.chars().chain(frac.chars()).collect();
    let mut exp = exp.checked_sub(i64::try_from(frac.len()).ok()?)?;
    let lead = digits.len() - digits.trim_start_matches('0').len();
    digits.drain(..lead);
    while digits.ends_with('0') {
        digits.pop();
        exp = exp.checked_add(1)?;
    }
    if digits.is_empty() {
        return Some((false, String::new(), 0));
    }
    Some((neg, digits, exp))
}

impl PartialEq for Number {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Number::Int(a), Number::Int(b)) => a == b,
            (Number::Float(a), Number::Float(b)) => a == b,
            _ => {
                let (a, b) = (self.to_string(), other.to_string());
                match (canonical(&a), canonical(&b)) {
                    (Some(x), Some(y)) => x == y,
                    _ => a == b,
                }
            }
        }
    }
}

impl fmt::Display for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Number::Int(i) => write!(f, "{i}"),
            Number::Float(x) => write!(f, "{x}"),
            Number::Decimal(s) => f.write_str(s),
        }
    }
}

/// Whether `s` is a number in JSON syntax.
pub(crate) fn is_json_number(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    if b.get(i) == Some(&b'-') {
        i += 1;
    }
    let start = i;
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
    }
    if i == start {
        return false;
    }
    if b[start] == b'0' && i - start > 1 {
        return false;
    }
    if b.get(i) == Some(&b'.') {
        i += 1;
        let s2 = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == s2 {
            return false;
        }
    }
    if matches!(b.get(i), Some(b'e') | Some(b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+') | Some(b'-')) {
            i += 1;
        }
        let s3 = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == s3 {
            return false;
        }
    }
    i == b.len()
}

/// What is known about an unknown value (cty "refinements").
///
/// On the wire this is msgpack extension 12. The raw payload is kept and
/// re-emitted byte for byte; the fields below are the parts this library
/// understands, for reading only.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Refinements {
    /// The raw extension payload (a msgpack map), re-emitted unchanged.
    pub raw: Vec<u8>,
    /// `Some(true)` if the value is known not to be null (on the wire cty
    /// sends the opposite flag, "is null: false"); `Some(false)` if the sender
    /// claimed it is null.
    pub not_null: Option<bool>,
    /// Known prefix of an unknown string.
    pub string_prefix: Option<String>,
}

/// A value. Any position may be [`Value::Null`] or [`Value::Unknown`].
///
/// Values are untyped; the [`crate::Type`] given to the codec decides how they
/// are encoded. Objects and maps use ordered maps, so encoding is deterministic.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Value {
    /// Null.
    #[default]
    Null,
    /// Not known until apply; refinements, if the sender gave any.
    Unknown(Option<Refinements>),
    /// A boolean.
    Bool(bool),
    /// A number.
    Number(Number),
    /// A string.
    String(String),
    /// A list.
    List(Vec<Value>),
    /// A set (order is the wire order; duplicates are not removed).
    Set(Vec<Value>),
    /// A map.
    Map(BTreeMap<String, Value>),
    /// An object.
    Object(BTreeMap<String, Value>),
    /// A tuple.
    Tuple(Vec<Value>),
}

impl Value {
    /// An unknown value without refinements.
    pub fn unknown() -> Self {
        Value::Unknown(None)
    }

    /// A string value.
    pub fn string(s: impl Into<String>) -> Self {
        Value::String(s.into())
    }

    /// An integer number value.
    pub fn int(i: i64) -> Self {
        Value::Number(Number::Int(i))
    }

    /// An object from `(name, value)` pairs.
    pub fn object<K: Into<String>>(attrs: impl IntoIterator<Item = (K, Value)>) -> Self {
        Value::Object(attrs.into_iter().map(|(k, v)| (k.into(), v)).collect())
    }

    /// A list of strings.
    pub fn string_list<S: Into<String>>(items: impl IntoIterator<Item = S>) -> Self {
        Value::List(items.into_iter().map(|s| Value::String(s.into())).collect())
    }

    /// Whether this is null.
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// Whether this value itself is unknown (not looking inside).
    pub fn is_unknown(&self) -> bool {
        matches!(self, Value::Unknown(_))
    }

    /// Whether this value and everything inside it is known.
    pub fn is_fully_known(&self) -> bool {
        match self {
            Value::Unknown(_) => false,
            Value::List(v) | Value::Set(v) | Value::Tuple(v) => v.iter().all(Value::is_fully_known),
            Value::Map(m) | Value::Object(m) => m.values().all(Value::is_fully_known),
            _ => true,
        }
    }

    /// Whether this is neither null nor unknown (the inside may still hold unknowns).
    pub fn is_known_non_null(&self) -> bool {
        !self.is_null() && !self.is_unknown()
    }

    /// The strings of a list/set/tuple of known strings; `None` if this is not
    /// a collection or any element is null, unknown or not a string.
    pub fn as_string_list(&self) -> Option<Vec<&str>> {
        self.as_elements()?.iter().map(Value::as_str).collect()
    }

    /// The string attribute `name` of an object, if it is a known string.
    pub fn attr_str(&self, name: &str) -> Option<&str> {
        self.attr(name).and_then(Value::as_str)
    }

    /// The bool attribute `name` of an object, if it is a known bool.
    pub fn attr_bool(&self, name: &str) -> Option<bool> {
        self.attr(name).and_then(Value::as_bool)
    }

    /// The integer attribute `name` of an object, if it is a known integer that fits i64.
    pub fn attr_i64(&self, name: &str) -> Option<i64> {
        self.attr(name).and_then(Value::as_i64)
    }

    /// The string, if this is a known string.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// The boolean, if this is a known bool.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// The number, if this is a known number.
    pub fn as_number(&self) -> Option<&Number> {
        match self {
            Value::Number(n) => Some(n),
            _ => None,
        }
    }

    /// The number as `i64`, if it is a known integer that fits.
    pub fn as_i64(&self) -> Option<i64> {
        self.as_number().and_then(Number::as_i64)
    }

    /// The elements, if this is a list, set or tuple.
    pub fn as_elements(&self) -> Option<&[Value]> {
        match self {
            Value::List(v) | Value::Set(v) | Value::Tuple(v) => Some(v),
            _ => None,
        }
    }

    /// The entries, if this is a map or object.
    pub fn as_entries(&self) -> Option<&BTreeMap<String, Value>> {
        match self {
            Value::Map(m) | Value::Object(m) => Some(m),
            _ => None,
        }
    }

    /// An object attribute; `None` if this is not an object or has no such attribute.
    pub fn attr(&self, name: &str) -> Option<&Value> {
        match self {
            Value::Object(m) => m.get(name),
            _ => None,
        }
    }

    /// A mutable object attribute.
    pub fn attr_mut(&mut self, name: &str) -> Option<&mut Value> {
        match self {
            Value::Object(m) => m.get_mut(name),
            _ => None,
        }
    }

    /// Sets an object attribute; returns `false` (and does nothing) if this is not an object.
    pub fn set_attr(&mut self, name: impl Into<String>, v: Value) -> bool {
        match self {
            Value::Object(m) => {
                m.insert(name.into(), v);
                true
            }
            _ => false,
        }
    }

    /// The value at `path`; `None` if any step does not apply
    /// (wrong kind, missing attribute, index out of range, null or unknown on the way).
    pub fn get_path(&self, path: &AttributePath) -> Option<&Value> {
        let mut cur = self;
        for step in &path.steps {
            cur = match (step, cur) {
                (PathStep::Attribute(a), Value::Object(m)) => m.get(a)?,
                (PathStep::ElementKeyString(k), Value::Map(m)) => m.get(k)?,
                (PathStep::ElementKeyInt(i), Value::List(v) | Value::Tuple(v)) => {
                    v.get(usize::try_from(*i).ok()?)?
                }
                _ => return None,
            };
        }
        Some(cur)
    }

    /// Replaces every unknown inside this value (at any depth) with `with`'s
    /// result; handy to fill computed attributes at apply.
    pub fn map_unknowns(&self, with: &mut impl FnMut(&AttributePath) -> Value) -> Value {
        self.map_unknowns_at(&AttributePath::root(), with)
    }

    fn map_unknowns_at(
        &self,
        here: &AttributePath,
        with: &mut impl FnMut(&AttributePath) -> Value,
    ) -> Value {
        match self {
            Value::Unknown(_) => with(here),
            Value::List(v) => Value::List(
                v.iter()
                    .enumerate()
                    .map(|(i, e)| e.map_unknowns_at(&here.join_index(i as i64), with))
                    .collect(),
            ),
            Value::Tuple(v) => Value::Tuple(
                v.iter()
                    .enumerate()
                    .map(|(i, e)| e.map_unknowns_at(&here.join_index(i as i64), with))
                    .collect(),
            ),
            Value::Set(v) => Value::Set(v.iter().map(|e| e.map_unknowns_at(here, with)).collect()),
            Value::Map(m) => Value::Map(
                m.iter()
                    .map(|(k, e)| (k.clone(), e.map_unknowns_at(&here.join_key(k), with)))
                    .collect(),
            ),
            Value::Object(m) => Value::Object(
                m.iter()
                    .map(|(k, e)| (k.clone(), e.map_unknowns_at(&here.join_attr(k), with)))
                    .collect(),
            ),
            other => other.clone(),
        }
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Self {
        Value::Bool(b)
    }
}
impl From<i64> for Value {
    fn from(i: i64) -> Self {
        Value::Number(Number::Int(i))
    }
}
impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::String(s.to_string())
    }
}
impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::String(s)
    }
}
impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(o: Option<T>) -> Self {
        o.map_or(Value::Null, Into::into)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_access() {
        let v = Value::object([
            (
                "nodes",
                Value::List(vec![
                    Value::object([("address", Value::from("a"))]),
                    Value::object([("address", Value::from("b"))]),
                ]),
            ),
            (
                "m",
                Value::Map([("k".to_string(), Value::int(3))].into_iter().collect()),
            ),
        ]);
        let p = AttributePath::attr("nodes")
            .join_index(1)
            .join_attr("address");
        assert_eq!(v.get_path(&p).and_then(Value::as_str), Some("b"));
        assert_eq!(
            v.get_path(&AttributePath::attr("m").join_key("k"))
                .and_then(Value::as_i64),
            Some(3)
        );
        assert!(
            v.get_path(&AttributePath::attr("nodes").join_index(5))
                .is_none()
        );
        assert!(
            v.get_path(&AttributePath::attr("nodes").join_index(-1))
                .is_none()
        );
        assert!(v.get_path(&AttributePath::attr("nope")).is_none());
    }

    #[test]
    fn helpers() {
        let v = Value::object([
            ("s", Value::from("x")),
            ("b", Value::Bool(true)),
            ("n", Value::int(7)),
            ("l", Value::string_list(["a", "b"])),
            ("u", Value::List(vec![Value::from("a"), Value::unknown()])),
        ]);
        assert_eq!(v.attr_str("s"), Some("x"));
        assert_eq!(v.attr_bool("b"), Some(true));
        assert_eq!(v.attr_i64("n"), Some(7));
        assert_eq!(v.attr_str("n"), None);
        assert_eq!(v.attr("l").unwrap().as_string_list(), Some(vec!["a", "b"]));
        assert_eq!(v.attr("u").unwrap().as_string_list(), None);
        assert!(v.is_known_non_null());
        assert!(!Value::Null.is_known_non_null());
        assert!(!Value::unknown().is_known_non_null());
    }

    #[test]
    fn known_ness() {
        let v = Value::object([("a", Value::List(vec![Value::unknown()]))]);
        assert!(!v.is_fully_known());
        assert!(!v.is_unknown());
        let mut seen = Vec::new();
        let filled = v.map_unknowns(&mut |p| {
            seen.push(p.to_string());
            Value::from("x")
        });
        assert!(filled.is_fully_known());
        assert_eq!(seen, vec![".a[0]"]);
    }

    #[test]
    fn numeric_equality() {
        let d = |s: &str| Number::Decimal(s.to_string());
        assert_eq!(Number::Int(3), Number::Float(3.0));
        assert_eq!(Number::Int(3), d("3.00"));
        assert_eq!(d("300"), d("3e2"));
        assert_eq!(d("0.0"), Number::Int(0));
        assert_eq!(d("-0"), Number::Int(0));
        assert_eq!(Number::Float(0.5), d("5e-1"));
        assert_ne!(Number::Int(3), d("3.0000000000000000000001"));
        assert_ne!(Number::Int(-3), Number::Int(3));
        assert_ne!(d("1e9223372036854775807"), d("1e9223372036854775806"));
        assert_eq!(
            d("123456789012345678901234567890"),
            d("1.2345678901234567890123456789e29")
        );
    }

    #[test]
    fn numbers() {
        assert!(is_json_number("0"));
        assert!(is_json_number("-1.5e+10"));
        assert!(!is_json_number("01"));
        assert!(!is_json_number("1."));
        assert!(!is_json_number(""));
        assert!(!is_json_number("1e"));
        assert!(!is_json_number("NaN"));
        assert_eq!(
            Number::decimal("12345678901234567890123")
                .map(|n| n.to_string())
                .as_deref(),
            Some("12345678901234567890123")
        );
        assert_eq!(Number::Float(3.0).as_i64(), Some(3));
        assert_eq!(Number::Float(3.5).as_i64(), None);
    }
}
