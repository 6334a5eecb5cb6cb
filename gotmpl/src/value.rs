//! The Go-typed dynamic value templates work on.
//!
//! Every variant corresponds to one Go type that can reach a template: the data passed to
//! `Execute`, literals, and the results of functions. Maps and `[]interface {}` lists are shared
//! and mutable (`Rc<RefCell<…>>`): cloning a `Value` clones the handle, so a function that
//! mutates a map (`set`, `unset`, `merge`) is seen by every holder of that map, as in Go.

use std::any::Any;
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::fmt;
use std::rc::Rc;

use crate::error::Error;
use crate::format::format_float_v;

/// `[]interface {}`, shared and mutable.
pub type List = Rc<RefCell<Vec<Value>>>;
/// `map[string]interface {}`, shared and mutable; iteration is in sorted byte order, which is
/// the order Go uses for `range` and for printing.
pub type Map = Rc<RefCell<BTreeMap<String, Value>>>;

/// A reflect kind, as reported by sprig's `kindOf`/`kindIs`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    Invalid,
    Bool,
    Int,
    Int64,
    Uint64,
    Float64,
    String,
    Slice,
    Map,
    Ptr,
    Struct,
}

impl Kind {
    /// The name `reflect.Kind.String()` gives.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Invalid => "invalid",
            Kind::Bool => "bool",
            Kind::Int => "int",
            Kind::Int64 => "int64",
            Kind::Uint64 => "uint64",
            Kind::Float64 => "float64",
            Kind::String => "string",
            Kind::Slice => "slice",
            Kind::Map => "map",
            Kind::Ptr => "ptr",
            Kind::Struct => "struct",
        }
    }
}

/// A host-provided value with fields and methods (Helm's `.Files`, `.Capabilities`, semver
/// versions, certificates, time values...). The engine resolves `.Name` on such a value by
/// first asking [`Object::get_field`], then [`Object::has_method`] / [`Object::call_method`]
/// (Go resolves methods before fields; an object should not expose both under one name).
pub trait Object: fmt::Debug {
    /// Go type name as `%T` / sprig's `typeOf` prints it, e.g. `*semver.Version`.
    fn go_type_name(&self) -> String;
    /// Reflect kind (`ptr` for pointer types, `struct` for struct values, `map`...).
    fn kind(&self) -> Kind {
        Kind::Ptr
    }
    /// A field's value, or `None` when the type has no such field.
    fn get_field(&self, _name: &str) -> Option<Value> {
        None
    }
    /// Whether a method of that name exists.
    fn has_method(&self, _name: &str) -> bool {
        false
    }
    /// Calls a method. The engine checks `has_method` first; errors are reported as
    /// `error calling NAME: MESSAGE`.
    fn call_method(&self, name: &str, _args: &[Value]) -> Result<Value, Error> {
        Err(Error::function(format!("no method {name}")))
    }
    /// How `%v` / `{{ . }}` prints the value.
    fn format_v(&self, f: &mut String) {
        f.push_str(&format!("{{{}}}", self.go_type_name()));
    }
    /// Go truthiness (a non-nil pointer or a struct is true).
    fn is_true(&self) -> bool {
        true
    }
    /// Key/element pairs when the value can be ranged over (e.g. Helm's `files`, a
    /// `map[string][]byte`: keys in sorted order, elements `[]uint8`). For slices the keys
    /// are `Int` indexes.
    fn range_items(&self) -> Option<Vec<(Value, Value)>> {
        None
    }
    /// `len` of the value, when it has one.
    fn go_len(&self) -> Option<usize> {
        None
    }
    /// `index OBJ KEY`, when supported (`None`: "can't index item of type ...").
    fn index(&self, _key: &Value) -> Option<Result<Value, Error>> {
        None
    }
    /// Go's `==` for comparable struct types (`eq`): `Some(equal)`, or `None` when the type
    /// is not comparable (the default; `eq` then fails with `non-comparable type`). Pointer
    /// kinds need not implement it: `eq` compares them by address.
    fn equals(&self, _other: &dyn Object) -> Option<bool> {
        None
    }
    /// For host code that needs its concrete type back (`downcast_ref`).
    fn as_any(&self) -> &dyn Any;
}

/// A Go value.
#[derive(Clone, Default)]
pub enum Value {
    /// Untyped nil (`interface {}(nil)`): a missing map key, `nil` literal, a nil result.
    #[default]
    Nil,
    Bool(bool),
    /// Go `int` (template literals, `len`, sprig's `int`).
    Int(i64),
    /// Go `int64` (`--set` integers, sprig math results).
    Int64(i64),
    /// Go `uint64` (semver parts).
    Uint64(u64),
    /// Go `float64` (every number decoded from JSON/YAML values).
    Float64(f64),
    String(Rc<str>),
    /// `[]uint8`
    Bytes(Rc<[u8]>),
    /// `[]interface {}`
    List(List),
    /// `[]string`
    StringList(Rc<Vec<String>>),
    /// `map[string]interface {}`
    Map(Map),
    /// `map[string]string`
    StringMap(Rc<BTreeMap<String, String>>),
    /// A host object.
    Object(Rc<dyn Object>),
}

impl Value {
    pub fn string(s: impl Into<Rc<str>>) -> Value {
        Value::String(s.into())
    }

    pub fn list(items: Vec<Value>) -> Value {
        Value::List(Rc::new(RefCell::new(items)))
    }

    pub fn map(m: BTreeMap<String, Value>) -> Value {
        Value::Map(Rc::new(RefCell::new(m)))
    }

    pub fn empty_map() -> Value {
        Value::map(BTreeMap::new())
    }

    pub fn object<O: Object + 'static>(o: O) -> Value {
        Value::Object(Rc::new(o))
    }

    pub fn is_nil(&self) -> bool {
        matches!(self, Value::Nil)
    }

    /// Go type name as `%T` prints it (`<nil>` for untyped nil).
    pub fn type_name(&self) -> String {
        match self {
            Value::Nil => "<nil>".into(),
            Value::Object(o) => o.go_type_name(),
            other => other.static_type_name().into(),
        }
    }

    fn static_type_name(&self) -> &'static str {
        match self {
            Value::Nil => "<nil>",
            Value::Bool(_) => "bool",
            Value::Int(_) => "int",
            Value::Int64(_) => "int64",
            Value::Uint64(_) => "uint64",
            Value::Float64(_) => "float64",
            Value::String(_) => "string",
            Value::Bytes(_) => "[]uint8",
            Value::List(_) => "[]interface {}",
            Value::StringList(_) => "[]string",
            Value::Map(_) => "map[string]interface {}",
            Value::StringMap(_) => "map[string]string",
            Value::Object(_) => "object",
        }
    }

    /// Reflect kind (`invalid` for nil).
    pub fn kind(&self) -> Kind {
        match self {
            Value::Nil => Kind::Invalid,
            Value::Bool(_) => Kind::Bool,
            Value::Int(_) => Kind::Int,
            Value::Int64(_) => Kind::Int64,
            Value::Uint64(_) => Kind::Uint64,
            Value::Float64(_) => Kind::Float64,
            Value::String(_) => Kind::String,
            Value::Bytes(_) | Value::List(_) | Value::StringList(_) => Kind::Slice,
            Value::Map(_) | Value::StringMap(_) => Kind::Map,
            Value::Object(o) => o.kind(),
        }
    }

    /// Go truthiness as `if`, `not`, `and`, `or` see it: false, 0, 0.0, "", nil and empty
    /// maps/slices are false.
    pub fn is_true(&self) -> bool {
        match self {
            Value::Nil => false,
            Value::Bool(b) => *b,
            Value::Int(i) | Value::Int64(i) => *i != 0,
            Value::Uint64(u) => *u != 0,
            Value::Float64(f) => *f != 0.0,
            Value::String(s) => !s.is_empty(),
            Value::Bytes(b) => !b.is_empty(),
            Value::List(l) => !l.borrow().is_empty(),
            Value::StringList(l) => !l.is_empty(),
            Value::Map(m) => !m.borrow().is_empty(),
            Value::StringMap(m) => !m.is_empty(),
            Value::Object(o) => o.is_true(),
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// Length as Go's `len` computes it (strings in bytes); `None` for types without a length.
    pub fn go_len(&self) -> Option<usize> {
        match self {
            Value::String(s) => Some(s.len()),
            Value::Bytes(b) => Some(b.len()),
            Value::List(l) => Some(l.borrow().len()),
            Value::StringList(l) => Some(l.len()),
            Value::Map(m) => Some(m.borrow().len()),
            Value::StringMap(m) => Some(m.len()),
            Value::Object(o) => o.go_len(),
            _ => None,
        }
    }

    /// Elements of a slice-kind value (a copy of the handles), for `range` and functions;
    /// for a slice-kind [`Object`], the elements of its `range_items`.
    pub fn items(&self) -> Option<Vec<Value>> {
        match self {
            Value::List(l) => Some(l.borrow().clone()),
            Value::StringList(l) => Some(l.iter().map(|s| Value::string(s.as_str())).collect()),
            Value::Bytes(b) => Some(b.iter().map(|&x| Value::Int(x as i64)).collect()),
            Value::Object(o) if o.kind() == Kind::Slice => o
                .range_items()
                .map(|pairs| pairs.into_iter().map(|(_, v)| v).collect()),
            _ => None,
        }
    }

    /// `fmt`'s `%v` rendering (`<nil>` for nil, `[a b]`, `map[a:1 b:2]`, Go float format).
    pub fn format_v(&self, out: &mut String) {
        match self {
            Value::Nil => out.push_str("<nil>"),
            Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Value::Int(i) | Value::Int64(i) => out.push_str(&i.to_string()),
            Value::Uint64(u) => out.push_str(&u.to_string()),
            Value::Float64(f) => out.push_str(&format_float_v(*f)),
            Value::String(s) => out.push_str(s),
            Value::Bytes(b) => {
                out.push('[');
                for (i, x) in b.iter().enumerate() {
                    if i > 0 {
                        out.push(' ');
                    }
                    out.push_str(&x.to_string());
                }
                out.push(']');
            }
            Value::List(l) => {
                out.push('[');
                for (i, x) in l.borrow().iter().enumerate() {
                    if i > 0 {
                        out.push(' ');
                    }
                    x.format_v(out);
                }
                out.push(']');
            }
            Value::StringList(l) => {
                out.push('[');
                out.push_str(&l.join(" "));
                out.push(']');
            }
            Value::Map(m) => {
                out.push_str("map[");
                for (i, (k, v)) in m.borrow().iter().enumerate() {
                    if i > 0 {
                        out.push(' ');
                    }
                    out.push_str(k);
                    out.push(':');
                    v.format_v(out);
                }
                out.push(']');
            }
            Value::StringMap(m) => {
                out.push_str("map[");
                for (i, (k, v)) in m.iter().enumerate() {
                    if i > 0 {
                        out.push(' ');
                    }
                    out.push_str(k);
                    out.push(':');
                    out.push_str(v);
                }
                out.push(']');
            }
            Value::Object(o) => o.format_v(out),
        }
    }

    /// `%v` as a new string.
    pub fn to_v_string(&self) -> String {
        let mut s = String::new();
        self.format_v(&mut s);
        s
    }

    /// Whether two values are the same shared map/list (pointer identity).
    pub fn same_ref(&self, other: &Value) -> bool {
        match (self, other) {
            (Value::Map(a), Value::Map(b)) => Rc::ptr_eq(a, b),
            (Value::List(a), Value::List(b)) => Rc::ptr_eq(a, b),
            _ => false,
        }
    }

    /// A deep copy: maps and lists become new, unshared objects.
    pub fn deep_copy(&self) -> Value {
        match self {
            Value::List(l) => Value::list(l.borrow().iter().map(Value::deep_copy).collect()),
            Value::Map(m) => Value::map(
                m.borrow()
                    .iter()
                    .map(|(k, v)| (k.clone(), v.deep_copy()))
                    .collect(),
            ),
            other => other.clone(),
        }
    }
}

impl fmt::Debug for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::String(s) => write!(f, "{:?}", s),
            Value::Object(o) => write!(f, "{:?}", o),
            other => write!(f, "{}({})", other.static_type_name(), other.to_v_string()),
        }
    }
}

impl fmt::Display for Value {
    /// `%v`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_v_string())
    }
}

impl From<bool> for Value {
    fn from(v: bool) -> Self {
        Value::Bool(v)
    }
}
impl From<&str> for Value {
    fn from(v: &str) -> Self {
        Value::String(v.into())
    }
}
impl From<String> for Value {
    fn from(v: String) -> Self {
        Value::String(v.into())
    }
}
impl From<f64> for Value {
    fn from(v: f64) -> Self {
        Value::Float64(v)
    }
}
impl From<Vec<Value>> for Value {
    fn from(v: Vec<Value>) -> Self {
        Value::list(v)
    }
}
impl From<BTreeMap<String, Value>> for Value {
    fn from(v: BTreeMap<String, Value>) -> Self {
        Value::map(v)
    }
}
impl From<Vec<String>> for Value {
    /// `[]string`
    fn from(v: Vec<String>) -> Self {
        Value::StringList(Rc::new(v))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(pairs: &[(&str, Value)]) -> Value {
        Value::map(
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect(),
        )
    }

    #[test]
    fn type_names_and_kinds() {
        let cases: Vec<(Value, &str, &str)> = vec![
            (Value::Nil, "<nil>", "invalid"),
            (Value::Bool(true), "bool", "bool"),
            (Value::Int(1), "int", "int"),
            (Value::Int64(1), "int64", "int64"),
            (Value::Uint64(1), "uint64", "uint64"),
            (Value::Float64(1.0), "float64", "float64"),
            (Value::from("x"), "string", "string"),
            (Value::Bytes(Rc::from(&b"x"[..])), "[]uint8", "slice"),
            (Value::list(vec![]), "[]interface {}", "slice"),
            (Value::from(vec!["a".to_string()]), "[]string", "slice"),
            (Value::empty_map(), "map[string]interface {}", "map"),
            (
                Value::StringMap(Rc::new(BTreeMap::new())),
                "map[string]string",
                "map",
            ),
        ];
        for (v, t, k) in cases {
            assert_eq!(v.type_name(), t);
            assert_eq!(v.kind().name(), k);
        }
    }

    #[test]
    fn truthiness() {
        for v in [
            Value::Nil,
            Value::Bool(false),
            Value::Int(0),
            Value::Int64(0),
            Value::Uint64(0),
            Value::Float64(0.0),
            Value::from(""),
            Value::list(vec![]),
            Value::empty_map(),
        ] {
            assert!(!v.is_true(), "{v:?}");
        }
        for v in [
            Value::Bool(true),
            Value::Int(-1),
            Value::Float64(0.5),
            Value::from("0"),
            Value::list(vec![Value::Nil]),
            m(&[("a", Value::Nil)]),
        ] {
            assert!(v.is_true(), "{v:?}");
        }
    }

    #[test]
    fn printing_like_go_v() {
        // helm-parity-notes §1.4 "Collections printed directly"
        let list = Value::list(vec![
            "c".into(),
            "a".into(),
            Value::Nil,
            Value::Float64(1e6),
        ]);
        assert_eq!(list.to_v_string(), "[c a <nil> 1e+06]");
        let map = m(&[("b", Value::Float64(2.0)), ("a", Value::Float64(1.0))]);
        assert_eq!(map.to_v_string(), "map[a:1 b:2]");
        // byte order: "" 10 9 B a a10 a9 b
        let keys = ["b", "a9", "a10", "a", "B", "9", "10", ""];
        let map = m(&keys.map(|k| (k, Value::Int(0))));
        assert_eq!(map.to_v_string(), "map[:0 10:0 9:0 B:0 a:0 a10:0 a9:0 b:0]");
        assert_eq!(Value::Bytes(Rc::from(&b"AB"[..])).to_v_string(), "[65 66]");
    }

    #[test]
    fn maps_are_shared() {
        let a = Value::empty_map();
        let b = a.clone();
        if let Value::Map(inner) = &b {
            inner.borrow_mut().insert("k".into(), Value::Int(1));
        }
        assert_eq!(a.to_v_string(), "map[k:1]");
        assert!(a.same_ref(&b));
        let c = a.deep_copy();
        assert!(!a.same_ref(&c));
        assert_eq!(c.to_v_string(), "map[k:1]");
    }
}
