//! sprig over the template engine's value model: [`gotmpl::Value`] is the value every
//! function takes and returns. The Go types sprig adds are [`gotmpl::Object`]s:
//!
//! - `*semver.Version` ([`crate::semver::Version`]): `.Major .Minor .Patch` (uint64),
//!   `.Prerelease .Metadata .Original` (string); methods `String`, `IncMajor`, `IncMinor`,
//!   `IncPatch`, `Compare`, `LessThan`, `GreaterThan`, `Equal`.
//! - `sprig.certificate` ([`crate::CertPair`]): `.Cert`, `.Key`.
//! - `time.Time` ([`crate::Timestamp`], UTC): methods `Unix`, `UnixNano`, `Format`, `UTC`,
//!   `String`, `Year`, `YearDay`, `Day`, `Hour`, `Minute`, `Second`, `Nanosecond`.
//! - `[]int` ([`IntSlice`], from `until`/`untilStep`): `range`, `len`, `index`.
//!
//! Host code gets the concrete type back with `Object::as_any().downcast_ref::<T>()`.
//! Type names, kinds, truthiness and `%v` printing are [`gotmpl::Value`]'s own
//! (`type_name`, `kind`, `is_true`, `to_v_string`, `items`, `deep_copy`); this module adds
//! what sprig defines beyond Go's template package: [`strval`] and [`deep_equal`].

use std::any::Any;
use std::rc::Rc;

use gotmpl::{Error, Kind, Object};

pub use gotmpl::{List, Map, Value};

use crate::pki::CertPair;
use crate::semver::Version;
use crate::time::Timestamp;

/// Go's zero `time.Time` (0001-01-01 00:00:00 UTC) in Unix seconds.
pub const GO_ZERO_TIME: Timestamp = Timestamp {
    secs: -62_135_596_800,
    nanos: 0,
};

/// `%v` layout of `time.Time` (`Time.String()`).
const TIME_STRING_LAYOUT: &str = "2006-01-02 15:04:05.999999999 -0700 MST";

/// sprig `empty` (the negation of Go's template truthiness; structs are never empty).
pub fn is_empty(v: &Value) -> bool {
    !v.is_true()
}

/// sprig `strval`: strings as they are, `[]byte` as text, everything else `%v`.
pub fn strval(v: &Value) -> String {
    match v {
        Value::String(s) => s.to_string(),
        Value::Bytes(b) => String::from_utf8_lossy(b).into_owned(),
        other => other.to_v_string(),
    }
}

/// The object of `v` when it is a `T`.
pub fn downcast<T: 'static>(v: &Value) -> Option<&T> {
    match v {
        Value::Object(o) => o.as_any().downcast_ref::<T>(),
        _ => None,
    }
}

/// Go `reflect.DeepEqual`.
pub fn deep_equal(a: &Value, b: &Value) -> bool {
    use Value::*;
    match (a, b) {
        (Nil, Nil) => true,
        (Bool(x), Bool(y)) => x == y,
        (Int(x), Int(y)) | (Int64(x), Int64(y)) => x == y,
        (Uint64(x), Uint64(y)) => x == y,
        (Float64(x), Float64(y)) => x == y,
        (String(x), String(y)) => x == y,
        (Bytes(x), Bytes(y)) => x == y,
        (List(x), List(y)) => {
            if Rc::ptr_eq(x, y) {
                return true;
            }
            let (x, y) = (x.borrow(), y.borrow());
            x.len() == y.len() && x.iter().zip(y.iter()).all(|(p, q)| deep_equal(p, q))
        }
        (StringList(x), StringList(y)) => x == y,
        (Map(x), Map(y)) => {
            if Rc::ptr_eq(x, y) {
                return true;
            }
            let (x, y) = (x.borrow(), y.borrow());
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| deep_equal(v, w)))
        }
        (StringMap(x), StringMap(y)) => x == y,
        (Object(x), Object(y)) => {
            let (x, y) = (x.as_any(), y.as_any());
            if let (Some(p), Some(q)) = (x.downcast_ref::<Version>(), y.downcast_ref::<Version>()) {
                return p == q;
            }
            if let (Some(p), Some(q)) = (x.downcast_ref::<CertPair>(), y.downcast_ref::<CertPair>())
            {
                return p == q;
            }
            if let (Some(p), Some(q)) =
                (x.downcast_ref::<Timestamp>(), y.downcast_ref::<Timestamp>())
            {
                return p == q;
            }
            if let (Some(p), Some(q)) = (x.downcast_ref::<IntSlice>(), y.downcast_ref::<IntSlice>())
            {
                return p == q;
            }
            false
        }
        _ => false,
    }
}

fn method_args(name: &str, args: &[Value], want: usize) -> Result<(), Error> {
    if args.len() != want {
        return Err(Error::function(format!(
            "wrong number of args for {name}: want {want} got {}",
            args.len()
        )));
    }
    Ok(())
}

fn version_arg<'a>(name: &str, args: &'a [Value]) -> Result<&'a Version, Error> {
    method_args(name, args, 1)?;
    downcast::<Version>(&args[0]).ok_or_else(|| {
        Error::function(format!(
            "wrong type for value; expected *semver.Version; got {}",
            args[0].type_name()
        ))
    })
}

// ------------------------------------------------------------------ *semver.Version

const VERSION_METHODS: &[&str] = &[
    "String",
    "IncMajor",
    "IncMinor",
    "IncPatch",
    "Compare",
    "LessThan",
    "GreaterThan",
    "Equal",
];

impl Version {
    /// Masterminds' `IncMajor`/`IncMinor`/`IncPatch`: a prerelease or metadata is dropped
    /// first (and then `IncPatch` does not increment).
    fn incremented(&self, part: &str) -> Version {
        let mut v = self.clone();
        let had_suffix = !v.prerelease.is_empty() || !v.metadata.is_empty();
        v.prerelease.clear();
        v.metadata.clear();
        match part {
            "major" => {
                v.major = v.major.wrapping_add(1);
                v.minor = 0;
                v.patch = 0;
            }
            "minor" => {
                v.minor = v.minor.wrapping_add(1);
                v.patch = 0;
            }
            _ if had_suffix => {}
            _ => v.patch = v.patch.wrapping_add(1),
        }
        let prefix = if self.original.starts_with('v') {
            "v"
        } else {
            ""
        };
        v.original = format!("{prefix}{}", v.canonical());
        v
    }
}

impl Object for Version {
    fn go_type_name(&self) -> String {
        "*semver.Version".into()
    }
    fn kind(&self) -> Kind {
        Kind::Ptr
    }
    fn get_field(&self, name: &str) -> Option<Value> {
        Some(match name {
            "Major" => Value::Uint64(self.major),
            "Minor" => Value::Uint64(self.minor),
            "Patch" => Value::Uint64(self.patch),
            "Prerelease" => Value::string(self.prerelease.as_str()),
            "Metadata" => Value::string(self.metadata.as_str()),
            "Original" => Value::string(self.original.as_str()),
            _ => return None,
        })
    }
    fn has_method(&self, name: &str) -> bool {
        VERSION_METHODS.contains(&name)
    }
    fn call_method(&self, name: &str, args: &[Value]) -> Result<Value, Error> {
        use std::cmp::Ordering;
        match name {
            "String" => {
                method_args(name, args, 0)?;
                Ok(Value::string(self.canonical()))
            }
            "IncMajor" | "IncMinor" | "IncPatch" => {
                method_args(name, args, 0)?;
                let part = name.trim_start_matches("Inc").to_ascii_lowercase();
                Ok(Value::object(self.incremented(&part)))
            }
            "Compare" => {
                let o = version_arg(name, args)?;
                Ok(Value::Int(match self.compare(o) {
                    Ordering::Less => -1,
                    Ordering::Equal => 0,
                    Ordering::Greater => 1,
                }))
            }
            "LessThan" => Ok(Value::Bool(
                self.compare(version_arg(name, args)?) == Ordering::Less,
            )),
            "GreaterThan" => Ok(Value::Bool(
                self.compare(version_arg(name, args)?) == Ordering::Greater,
            )),
            "Equal" => Ok(Value::Bool(
                self.compare(version_arg(name, args)?) == Ordering::Equal,
            )),
            _ => Err(Error::function(format!("no method {name}"))),
        }
    }
    fn format_v(&self, f: &mut String) {
        f.push_str(&self.canonical());
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

// ------------------------------------------------------------------ sprig.certificate

impl Object for CertPair {
    fn equals(&self, other: &dyn Object) -> Option<bool> {
        Some(other.as_any().downcast_ref::<CertPair>() == Some(self))
    }
    fn go_type_name(&self) -> String {
        "sprig.certificate".into()
    }
    fn kind(&self) -> Kind {
        Kind::Struct
    }
    fn get_field(&self, name: &str) -> Option<Value> {
        match name {
            "Cert" => Some(Value::string(self.cert.as_str())),
            "Key" => Some(Value::string(self.key.as_str())),
            _ => None,
        }
    }
    fn format_v(&self, f: &mut String) {
        f.push('{');
        f.push_str(&self.cert);
        f.push(' ');
        f.push_str(&self.key);
        f.push('}');
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

// ------------------------------------------------------------------ time.Time

const TIME_METHODS: &[&str] = &[
    "Unix",
    "UnixNano",
    "Format",
    "UTC",
    "String",
    "Year",
    "YearDay",
    "Day",
    "Hour",
    "Minute",
    "Second",
    "Nanosecond",
];

impl Object for Timestamp {
    fn equals(&self, other: &dyn Object) -> Option<bool> {
        Some(other.as_any().downcast_ref::<Timestamp>() == Some(self))
    }
    fn go_type_name(&self) -> String {
        "time.Time".into()
    }
    fn kind(&self) -> Kind {
        Kind::Struct
    }
    fn has_method(&self, name: &str) -> bool {
        TIME_METHODS.contains(&name)
    }
    fn call_method(&self, name: &str, args: &[Value]) -> Result<Value, Error> {
        if name == "Format" {
            method_args(name, args, 1)?;
            return match &args[0] {
                Value::String(layout) => Ok(Value::string(crate::layout::format(*self, layout))),
                other => Err(Error::function(format!(
                    "wrong type for value; expected string; got {}",
                    other.type_name()
                ))),
            };
        }
        method_args(name, args, 0)?;
        let (y, _, d, h, mi, s) = crate::time::civil_from_unix(self.secs);
        Ok(match name {
            "Unix" => Value::Int64(self.secs),
            "UnixNano" => Value::Int64(
                self.secs
                    .wrapping_mul(1_000_000_000)
                    .wrapping_add(self.nanos as i64),
            ),
            "UTC" => Value::object(*self),
            "String" => Value::string(crate::layout::format(*self, TIME_STRING_LAYOUT)),
            "Year" => Value::Int(y),
            "YearDay" => {
                Value::Int(self.secs.div_euclid(86_400) - crate::time::days_from_civil(y, 1, 1) + 1)
            }
            "Day" => Value::Int(d as i64),
            "Hour" => Value::Int(h as i64),
            "Minute" => Value::Int(mi as i64),
            "Second" => Value::Int(s as i64),
            "Nanosecond" => Value::Int(self.nanos as i64),
            _ => return Err(Error::function(format!("no method {name}"))),
        })
    }
    fn format_v(&self, f: &mut String) {
        f.push_str(&crate::layout::format(*self, TIME_STRING_LAYOUT));
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

// ------------------------------------------------------------------ []int

/// Go `[]int` (the result of `until` and `untilStep`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct IntSlice(pub Vec<i64>);

impl Object for IntSlice {
    fn go_type_name(&self) -> String {
        "[]int".into()
    }
    fn kind(&self) -> Kind {
        Kind::Slice
    }
    fn format_v(&self, f: &mut String) {
        f.push('[');
        for (i, x) in self.0.iter().enumerate() {
            if i > 0 {
                f.push(' ');
            }
            f.push_str(&x.to_string());
        }
        f.push(']');
    }
    fn is_true(&self) -> bool {
        !self.0.is_empty()
    }
    fn range_items(&self) -> Option<Vec<(Value, Value)>> {
        Some(
            self.0
                .iter()
                .enumerate()
                .map(|(i, x)| (Value::Int(i as i64), Value::Int(*x)))
                .collect(),
        )
    }
    fn go_len(&self) -> Option<usize> {
        Some(self.0.len())
    }
    fn index(&self, key: &Value) -> Option<Result<Value, Error>> {
        let i = match key {
            Value::Int(i) | Value::Int64(i) => *i,
            Value::Uint64(u) => i64::try_from(*u).unwrap_or(i64::MAX),
            other => {
                return Some(Err(Error::function(format!(
                    "cannot index slice/array with type {}",
                    other.type_name()
                ))));
            }
        };
        Some(match usize::try_from(i).ok().and_then(|u| self.0.get(u)) {
            Some(x) => Ok(Value::Int(*x)),
            None => Err(Error::function(format!("index out of range: {i}"))),
        })
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn objects_print_and_name_like_go() {
        let v = Value::object(Version::parse("v1.2.3-rc.1+b").unwrap());
        assert_eq!(v.type_name(), "*semver.Version");
        assert_eq!(v.kind().name(), "ptr");
        assert_eq!(v.to_v_string(), "1.2.3-rc.1+b");
        let c = Value::object(CertPair {
            cert: "C".into(),
            key: "K".into(),
        });
        assert_eq!(
            (c.type_name(), c.kind().name()),
            ("sprig.certificate".into(), "struct")
        );
        assert_eq!(c.to_v_string(), "{C K}");
        let t = Value::object(Timestamp { secs: 0, nanos: 0 });
        assert_eq!(t.to_v_string(), "1970-01-01 00:00:00 +0000 UTC");
        assert!(t.is_true() && !is_empty(&t));
        let l = Value::object(IntSlice(vec![0, 1, 2]));
        assert_eq!((l.type_name(), l.kind().name()), ("[]int".into(), "slice"));
        assert_eq!(l.to_v_string(), "[0 1 2]");
        assert_eq!(l.go_len(), Some(3));
        assert!(is_empty(&Value::object(IntSlice(vec![]))));
    }

    #[test]
    fn deep_equal_follows_go() {
        let a = Value::list(vec![Value::Int(1), Value::string("x")]);
        let b = Value::list(vec![Value::Int(1), Value::string("x")]);
        assert!(deep_equal(&a, &b));
        assert!(!deep_equal(&Value::Int(1), &Value::Int64(1)));
        let v1 = Value::object(Version::parse("1.2.3").unwrap());
        let v2 = Value::object(Version::parse("1.2.3").unwrap());
        assert!(deep_equal(&v1, &v2));
        assert!(!deep_equal(&v1, &Value::object(IntSlice(vec![]))));
    }

    #[test]
    fn version_methods() {
        let v = Version::parse("v1.2.3-rc.1").unwrap();
        let inc = v.call_method("IncPatch", &[]).unwrap();
        assert_eq!(inc.to_v_string(), "1.2.3");
        let inc = v.call_method("IncMinor", &[]).unwrap();
        assert_eq!(inc.to_v_string(), "1.3.0");
        let other = Value::object(Version::parse("1.2.3").unwrap());
        assert!(
            v.call_method("LessThan", std::slice::from_ref(&other))
                .unwrap()
                .is_true()
        );
        assert!(v.call_method("LessThan", &[Value::Int(1)]).is_err());
    }
}
