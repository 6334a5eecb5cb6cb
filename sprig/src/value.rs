//! A Go-typed dynamic value, as sprig sees template data. Maps and `[]interface{}` lists are
//! shared (`Rc<RefCell<…>>`) so `set`, `unset` and `merge` mutate in place like Go.
//!
//! This mirrors the value model the template engine needs; the functions are written
//! against it (see the crate README for how it meets the engine's own type).

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

use crate::cast::format_float_v;
use crate::pki::CertPair;
use crate::semver::Version;
use crate::time::Timestamp;

pub type List = Rc<RefCell<Vec<Value>>>;
pub type Map = Rc<RefCell<BTreeMap<String, Value>>>;

#[derive(Debug, Clone)]
pub enum Value {
    /// untyped nil (`interface{}(nil)`)
    Nil,
    Bool(bool),
    /// Go `int`
    Int(i64),
    /// Go `int64`
    Int64(i64),
    /// Go `uint64`
    Uint64(u64),
    Float(f64),
    String(String),
    /// `[]interface{}`
    List(List),
    /// `[]string`
    Strings(Vec<String>),
    /// `[]int`
    Ints(Vec<i64>),
    /// `map[string]interface{}`
    Map(Map),
    /// `map[string]string`
    StrMap(BTreeMap<String, String>),
    /// `*semver.Version`
    Semver(Rc<Version>),
    /// sprig's `certificate` struct (`.Cert`, `.Key`)
    Cert(CertPair),
    /// `time.Time` (UTC)
    Time(Timestamp),
}

impl Value {
    pub fn str(s: impl Into<String>) -> Value {
        Value::String(s.into())
    }

    pub fn list(v: Vec<Value>) -> Value {
        Value::List(Rc::new(RefCell::new(v)))
    }

    pub fn map(m: BTreeMap<String, Value>) -> Value {
        Value::Map(Rc::new(RefCell::new(m)))
    }

    /// Go `reflect.Type.String()`.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Nil => "<nil>",
            Value::Bool(_) => "bool",
            Value::Int(_) => "int",
            Value::Int64(_) => "int64",
            Value::Uint64(_) => "uint64",
            Value::Float(_) => "float64",
            Value::String(_) => "string",
            Value::List(_) => "[]interface {}",
            Value::Strings(_) => "[]string",
            Value::Ints(_) => "[]int",
            Value::Map(_) => "map[string]interface {}",
            Value::StrMap(_) => "map[string]string",
            Value::Semver(_) => "*semver.Version",
            Value::Cert(_) => "sprig.certificate",
            Value::Time(_) => "time.Time",
        }
    }

    /// Go `reflect.Kind.String()` (`invalid` for nil).
    pub fn kind_name(&self) -> &'static str {
        match self {
            Value::Nil => "invalid",
            Value::Bool(_) => "bool",
            Value::Int(_) => "int",
            Value::Int64(_) => "int64",
            Value::Uint64(_) => "uint64",
            Value::Float(_) => "float64",
            Value::String(_) => "string",
            Value::List(_) | Value::Strings(_) | Value::Ints(_) => "slice",
            Value::Map(_) | Value::StrMap(_) => "map",
            Value::Semver(_) => "ptr",
            Value::Cert(_) | Value::Time(_) => "struct",
        }
    }

    /// Go truthiness / sprig `empty` (negated): zero values are empty.
    pub fn is_empty(&self) -> bool {
        match self {
            Value::Nil => true,
            Value::Bool(b) => !b,
            Value::Int(i) | Value::Int64(i) => *i == 0,
            Value::Uint64(u) => *u == 0,
            Value::Float(f) => *f == 0.0,
            Value::String(s) => s.is_empty(),
            Value::List(l) => l.borrow().is_empty(),
            Value::Strings(l) => l.is_empty(),
            Value::Ints(l) => l.is_empty(),
            Value::Map(m) => m.borrow().is_empty(),
            Value::StrMap(m) => m.is_empty(),
            Value::Semver(_) => false,
            Value::Cert(c) => c.cert.is_empty() && c.key.is_empty(),
            Value::Time(t) => *t == GO_ZERO_TIME,
        }
    }

    /// The elements of any slice kind, as values.
    pub fn items(&self) -> Option<Vec<Value>> {
        match self {
            Value::List(l) => Some(l.borrow().clone()),
            Value::Strings(v) => Some(v.iter().map(|s| Value::str(s.clone())).collect()),
            Value::Ints(v) => Some(v.iter().map(|i| Value::Int(*i)).collect()),
            _ => None,
        }
    }
}

/// Go's zero `time.Time` (0001-01-01 00:00:00 UTC) in Unix seconds.
pub const GO_ZERO_TIME: Timestamp = Timestamp {
    secs: -62_135_596_800,
    nanos: 0,
};

/// Go `fmt` `%v`.
pub fn format_v(v: &Value) -> String {
    match v {
        Value::Nil => "<nil>".into(),
        Value::Bool(b) => b.to_string(),
        Value::Int(i) | Value::Int64(i) => i.to_string(),
        Value::Uint64(u) => u.to_string(),
        Value::Float(f) => format_float_v(*f),
        Value::String(s) => s.clone(),
        Value::List(_) | Value::Strings(_) | Value::Ints(_) => {
            let items = v.items().unwrap_or_default();
            let parts: Vec<String> = items.iter().map(format_v).collect();
            format!("[{}]", parts.join(" "))
        }
        Value::Map(m) => {
            let parts: Vec<String> = m
                .borrow()
                .iter()
                .map(|(k, v)| format!("{k}:{}", format_v(v)))
                .collect();
            format!("map[{}]", parts.join(" "))
        }
        Value::StrMap(m) => {
            let parts: Vec<String> = m.iter().map(|(k, v)| format!("{k}:{v}")).collect();
            format!("map[{}]", parts.join(" "))
        }
        Value::Semver(s) => s.canonical(),
        Value::Cert(c) => format!("{{{} {}}}", c.cert, c.key),
        Value::Time(t) => crate::layout::format(*t, "2006-01-02 15:04:05.999999999 -0700 MST"),
    }
}

/// sprig `strval`: strings as is, everything else `%v`.
pub fn strval(v: &Value) -> String {
    format_v(v)
}

/// Go `reflect.DeepEqual`.
pub fn deep_equal(a: &Value, b: &Value) -> bool {
    use Value::*;
    match (a, b) {
        (Nil, Nil) => true,
        (Bool(x), Bool(y)) => x == y,
        (Int(x), Int(y)) | (Int64(x), Int64(y)) => x == y,
        (Uint64(x), Uint64(y)) => x == y,
        (Float(x), Float(y)) => x == y,
        (String(x), String(y)) => x == y,
        (List(x), List(y)) => {
            let (x, y) = (x.borrow(), y.borrow());
            x.len() == y.len() && x.iter().zip(y.iter()).all(|(p, q)| deep_equal(p, q))
        }
        (Strings(x), Strings(y)) => x == y,
        (Ints(x), Ints(y)) => x == y,
        (Map(x), Map(y)) => {
            let (x, y) = (x.borrow(), y.borrow());
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| deep_equal(v, w)))
        }
        (StrMap(x), StrMap(y)) => x == y,
        (Semver(x), Semver(y)) => x == y,
        (Cert(x), Cert(y)) => x == y,
        (Time(x), Time(y)) => x == y,
        _ => false,
    }
}

/// Deep copy (maps and lists are fresh).
pub fn deep_copy(v: &Value) -> Value {
    match v {
        Value::List(l) => Value::list(l.borrow().iter().map(deep_copy).collect()),
        Value::Map(m) => Value::map(
            m.borrow()
                .iter()
                .map(|(k, v)| (k.clone(), deep_copy(v)))
                .collect(),
        ),
        other => other.clone(),
    }
}
