//! DynamicValue codec: msgpack and JSON encodings of cty values, decoded and
//! encoded against a [`Type`].
//!
//! msgpack follows cty's wire format: unknown is extension 0, a refined
//! unknown is extension 12 (payload kept and re-emitted as is), numbers that
//! do not fit int64/float64 are decimal strings, and values of type `dynamic`
//! are `[type_json, value]`. JSON follows cty's JSON form (`dynamic` values are
//! `{"value": ..., "type": ...}`; JSON cannot carry unknowns).

use crate::diag::{Diagnostic, Diagnostics};
use crate::json::{self, Json};
use crate::path::AttributePath;
use crate::types::Type;
use crate::value::{Number, Refinements, Value, is_json_number};
use std::collections::BTreeMap;
use std::fmt;
use tfplugin_proto::tfplugin6 as pb;

/// Deepest nesting of containers accepted when decoding a value (explicit limit).
pub const MAX_VALUE_DEPTH: usize = 128;

/// msgpack extension type of an unknown value.
pub const EXT_UNKNOWN: i8 = 0;
/// msgpack extension type of a refined unknown value.
pub const EXT_REFINED_UNKNOWN: i8 = 12;

/// A value that does not match its type or its encoding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodecError {
    /// Where in the value.
    pub path: AttributePath,
    /// What is wrong.
    pub message: String,
}

impl CodecError {
    fn new(path: &AttributePath, message: impl Into<String>) -> Self {
        Self {
            path: path.clone(),
            message: message.into(),
        }
    }

    /// One error diagnostic at the error's path.
    pub fn into_diagnostic(self) -> Diagnostic {
        let d = Diagnostic::error("Invalid value", format!("{}: {}", self.path, self.message));
        if self.path.is_root() {
            d
        } else {
            d.at(self.path)
        }
    }

    /// The same as [`CodecError::into_diagnostic`], as a collection.
    pub fn into_diagnostics(self) -> Diagnostics {
        self.into_diagnostic().into()
    }
}

impl From<CodecError> for Diagnostic {
    fn from(e: CodecError) -> Self {
        e.into_diagnostic()
    }
}

impl From<CodecError> for Diagnostics {
    fn from(e: CodecError) -> Self {
        e.into_diagnostics()
    }
}

impl fmt::Display for CodecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

impl std::error::Error for CodecError {}

/// Decodes a protocol DynamicValue (msgpack preferred, else JSON). An absent
/// or empty DynamicValue decodes as null.
pub fn decode_dynamic(dv: Option<&pb::DynamicValue>, ty: &Type) -> Result<Value, CodecError> {
    match dv {
        None => Ok(Value::Null),
        Some(d) if !d.msgpack.is_empty() => decode_msgpack(&d.msgpack, ty),
        Some(d) if !d.json.is_empty() => decode_json(&d.json, ty),
        Some(_) => Ok(Value::Null),
    }
}

/// Encodes a value as a msgpack DynamicValue.
pub fn encode_dynamic(v: &Value, ty: &Type) -> Result<pb::DynamicValue, CodecError> {
    Ok(pb::DynamicValue {
        msgpack: encode_msgpack(v, ty)?,
        json: Vec::new(),
    })
}

/// Infers a type for a value (used for `dynamic` positions). Null and unknown
/// are `dynamic`. Element types of lists, sets and maps are unified (a
/// `dynamic` part, from a null or unknown, takes the other side's type); a list
/// whose elements do not unify becomes a tuple and such a map an object, as cty
/// does. A set whose elements do not unify keeps the first element's type and
/// fails to encode with the element's path.
pub fn infer_type(v: &Value) -> Type {
    fn elems<'a>(items: impl IntoIterator<Item = &'a Value>) -> Result<Type, Type> {
        let mut acc = Type::Dynamic;
        let mut first_known = None;
        for it in items {
            let t = infer_type(it);
            if first_known.is_none() && !matches!(t, Type::Dynamic) {
                first_known = Some(t.clone());
            }
            match unify(&acc, &t) {
                Some(u) => acc = u,
                None => return Err(first_known.unwrap_or(Type::Dynamic)),
            }
        }
        Ok(acc)
    }
    match v {
        Value::Null | Value::Unknown(_) => Type::Dynamic,
        Value::Bool(_) => Type::Bool,
        Value::Number(_) => Type::Number,
        Value::String(_) => Type::String,
        Value::List(e) => match elems(e) {
            Ok(t) => Type::list(t),
            Err(_) => Type::Tuple(e.iter().map(infer_type).collect()),
        },
        Value::Set(e) => Type::set(elems(e).unwrap_or_else(|first| first)),
        Value::Map(m) => match elems(m.values()) {
            Ok(t) => Type::map(t),
            Err(_) => Type::Object(m.iter().map(|(k, v)| (k.clone(), infer_type(v))).collect()),
        },
        Value::Object(m) => {
            Type::Object(m.iter().map(|(k, v)| (k.clone(), infer_type(v))).collect())
        }
        Value::Tuple(e) => Type::Tuple(e.iter().map(infer_type).collect()),
    }
}

/// The most specific type both `a` and `b` conform to, treating `dynamic`
/// as "not known yet"; `None` if they conflict.
fn unify(a: &Type, b: &Type) -> Option<Type> {
    match (a, b) {
        (Type::Dynamic, t) | (t, Type::Dynamic) => Some(t.clone()),
        (Type::List(x), Type::List(y)) => unify(x, y).map(Type::list),
        (Type::Set(x), Type::Set(y)) => unify(x, y).map(Type::set),
        (Type::Map(x), Type::Map(y)) => unify(x, y).map(Type::map),
        (Type::Object(x), Type::Object(y)) if x.len() == y.len() => {
            let mut out = BTreeMap::new();
            for (k, xt) in x {
                out.insert(k.clone(), unify(xt, y.get(k)?)?);
            }
            Some(Type::Object(out))
        }
        (Type::Tuple(x), Type::Tuple(y)) if x.len() == y.len() => x
            .iter()
            .zip(y)
            .map(|(a, b)| unify(a, b))
            .collect::<Option<Vec<_>>>()
            .map(Type::Tuple),
        (a, b) if a == b => Some(a.clone()),
        _ => None,
    }
}

// ---------------------------------------------------------------- msgpack read

/// A raw msgpack item.
#[derive(Debug, Clone, PartialEq)]
enum Mp {
    Nil,
    Bool(bool),
    Int(i64),
    UInt(u64),
    Float(f64),
    Str(Vec<u8>),
    Bin(Vec<u8>),
    Array(Vec<Mp>),
    Map(Vec<(Mp, Mp)>),
    Ext(i8, Vec<u8>),
}

impl Mp {
    fn kind(&self) -> &'static str {
        match self {
            Mp::Nil => "nil",
            Mp::Bool(_) => "bool",
            Mp::Int(_) | Mp::UInt(_) => "integer",
            Mp::Float(_) => "float",
            Mp::Str(_) => "string",
            Mp::Bin(_) => "binary",
            Mp::Array(_) => "array",
            Mp::Map(_) => "map",
            Mp::Ext(..) => "extension",
        }
    }
}

struct Reader<'a> {
    b: &'a [u8],
    i: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], String> {
        let end = self
            .i
            .checked_add(n)
            .filter(|e| *e <= self.b.len())
            .ok_or_else(|| format!("msgpack truncated at byte {}", self.i))?;
        let s = &self.b[self.i..end];
        self.i = end;
        Ok(s)
    }
    fn u8(&mut self) -> Result<u8, String> {
        Ok(self.take(1)?[0])
    }
    fn be(&mut self, n: usize) -> Result<u64, String> {
        Ok(self
            .take(n)?
            .iter()
            .fold(0u64, |a, b| (a << 8) | u64::from(*b)))
    }
    fn remaining(&self) -> usize {
        self.b.len() - self.i
    }

    fn item(&mut self, depth: usize) -> Result<Mp, String> {
        let m = self.u8()?;
        Ok(match m {
            0x00..=0x7f => Mp::Int(i64::from(m)),
            0xe0..=0xff => Mp::Int(i64::from(m as i8)),
            0x80..=0x8f => self.map(usize::from(m & 0x0f), depth)?,
            0x90..=0x9f => self.array(usize::from(m & 0x0f), depth)?,
            0xa0..=0xbf => Mp::Str(self.take(usize::from(m & 0x1f))?.to_vec()),
            0xc0 => Mp::Nil,
            0xc2 => Mp::Bool(false),
            0xc3 => Mp::Bool(true),
            0xc4 => {
                let n = self.be(1)? as usize;
                Mp::Bin(self.take(n)?.to_vec())
            }
            0xc5 => {
                let n = self.be(2)? as usize;
                Mp::Bin(self.take(n)?.to_vec())
            }
            0xc6 => {
                let n = self.be(4)? as usize;
                Mp::Bin(self.take(n)?.to_vec())
            }
            0xc7..=0xc9 => {
                let n = self.be(1 << (m - 0xc7))? as usize;
                let t = self.u8()? as i8;
                Mp::Ext(t, self.take(n)?.to_vec())
            }
            0xca => Mp::Float(f64::from(f32::from_bits(self.be(4)? as u32))),
            0xcb => Mp::Float(f64::from_bits(self.be(8)?)),
            0xcc..=0xcf => {
                let v = self.be(1 << (m - 0xcc))?;
                i64::try_from(v).map_or(Mp::UInt(v), Mp::Int)
            }
            0xd0 => Mp::Int(i64::from(self.u8()? as i8)),
            0xd1 => Mp::Int(i64::from(self.be(2)? as u16 as i16)),
            0xd2 => Mp::Int(i64::from(self.be(4)? as u32 as i32)),
            0xd3 => Mp::Int(self.be(8)? as i64),
            0xd4..=0xd8 => {
                let n = 1usize << (m - 0xd4);
                let t = self.u8()? as i8;
                Mp::Ext(t, self.take(n)?.to_vec())
            }
            0xd9 => {
                let n = self.be(1)? as usize;
                Mp::Str(self.take(n)?.to_vec())
            }
            0xda => {
                let n = self.be(2)? as usize;
                Mp::Str(self.take(n)?.to_vec())
            }
            0xdb => {
                let n = self.be(4)? as usize;
                Mp::Str(self.take(n)?.to_vec())
            }
            0xdc => {
                let n = self.be(2)? as usize;
                self.array(n, depth)?
            }
            0xdd => {
                let n = self.be(4)? as usize;
                self.array(n, depth)?
            }
            0xde => {
                let n = self.be(2)? as usize;
                self.map(n, depth)?
            }
            0xdf => {
                let n = self.be(4)? as usize;
                self.map(n, depth)?
            }
            0xc1 => {
                return Err(format!(
                    "invalid msgpack marker 0xc1 at byte {}",
                    self.i - 1
                ));
            }
        })
    }

    fn array(&mut self, n: usize, depth: usize) -> Result<Mp, String> {
        if depth >= MAX_VALUE_DEPTH {
            return Err(format!("value nested deeper than {MAX_VALUE_DEPTH} levels"));
        }
        // Every item takes at least one byte: never reserve more than what is left.
        let mut out = Vec::with_capacity(n.min(self.remaining()));
        for _ in 0..n {
            out.push(self.item(depth + 1)?);
        }
        Ok(Mp::Array(out))
    }

    fn map(&mut self, n: usize, depth: usize) -> Result<Mp, String> {
        if depth >= MAX_VALUE_DEPTH {
            return Err(format!("value nested deeper than {MAX_VALUE_DEPTH} levels"));
        }
        let mut out = Vec::with_capacity(n.min(self.remaining() / 2));
        for _ in 0..n {
            let k = self.item(depth + 1)?;
            let v = self.item(depth + 1)?;
            out.push((k, v));
        }
        Ok(Mp::Map(out))
    }
}

fn parse_msgpack(bytes: &[u8]) -> Result<Mp, String> {
    let mut r = Reader { b: bytes, i: 0 };
    let v = r.item(0)?;
    if r.i != bytes.len() {
        return Err(format!(
            "trailing bytes after msgpack value at byte {}",
            r.i
        ));
    }
    Ok(v)
}

fn parse_refinements(raw: &[u8]) -> Refinements {
    let mut r = Refinements {
        raw: raw.to_vec(),
        ..Default::default()
    };
    if let Ok(Mp::Map(entries)) = parse_msgpack(raw) {
        for (k, v) in entries {
            match (k, v) {
                // cty sends "is null": `false` means definitely not null.
                (Mp::Int(1), Mp::Bool(is_null)) => r.not_null = Some(!is_null),
                (Mp::Int(2), Mp::Str(s)) => r.string_prefix = String::from_utf8(s).ok(),
                _ => {}
            }
        }
    }
    r
}

/// Decodes msgpack bytes as a value of type `ty`.
pub fn decode_msgpack(bytes: &[u8], ty: &Type) -> Result<Value, CodecError> {
    let root = AttributePath::root();
    let mp = parse_msgpack(bytes).map_err(|m| CodecError::new(&root, m))?;
    from_mp(mp, ty, &root)
}

fn utf8(b: Vec<u8>, path: &AttributePath) -> Result<String, CodecError> {
    String::from_utf8(b).map_err(|_| CodecError::new(path, "string is not valid UTF-8"))
}

fn from_mp(mp: Mp, ty: &Type, path: &AttributePath) -> Result<Value, CodecError> {
    match mp {
        Mp::Nil => return Ok(Value::Null),
        Mp::Ext(EXT_UNKNOWN, _) => return Ok(Value::Unknown(None)),
        Mp::Ext(EXT_REFINED_UNKNOWN, raw) => {
            return Ok(Value::Unknown(Some(parse_refinements(&raw))));
        }
        Mp::Ext(t, _) => {
            return Err(CodecError::new(
                path,
                format!("unexpected msgpack extension type {t}"),
            ));
        }
        _ => {}
    }
    let mismatch =
        |mp: &Mp| CodecError::new(path, format!("expected {ty}, got msgpack {}", mp.kind()));
    match ty {
        Type::Bool => match mp {
            Mp::Bool(b) => Ok(Value::Bool(b)),
            other => Err(mismatch(&other)),
        },
        Type::Number => match mp {
            Mp::Int(i) => Ok(Value::Number(Number::Int(i))),
            Mp::UInt(u) => Ok(Value::Number(Number::Decimal(u.to_string()))),
            Mp::Float(f) if f.is_finite() => Ok(Value::Number(Number::Float(f))),
            Mp::Float(_) => Err(CodecError::new(path, "number is not finite")),
            Mp::Str(s) => {
                let s = utf8(s, path)?;
                if is_json_number(&s) {
                    Ok(Value::Number(Number::Decimal(s)))
                } else {
                    Err(CodecError::new(path, format!("invalid number {s:?}")))
                }
            }
            other => Err(mismatch(&other)),
        },
        Type::String => match mp {
            Mp::Str(s) | Mp::Bin(s) => Ok(Value::String(utf8(s, path)?)),
            other => Err(mismatch(&other)),
        },
        Type::Dynamic => match mp {
            Mp::Array(mut items) if items.len() == 2 => {
                let v = items.pop().unwrap_or(Mp::Nil);
                let t = items.pop().unwrap_or(Mp::Nil);
                let tbytes = match t {
                    Mp::Str(b) | Mp::Bin(b) => b,
                    other => {
                        return Err(CodecError::new(
                            path,
                            format!(
                                "dynamic value: type must be bytes, got msgpack {}",
                                other.kind()
                            ),
                        ));
                    }
                };
                let inner = Type::from_json_bytes(&tbytes)
                    .map_err(|e| CodecError::new(path, format!("dynamic value: {e}")))?;
                if inner == Type::Dynamic {
                    return Err(CodecError::new(path, "dynamic value wraps type dynamic"));
                }
                from_mp(v, &inner, path)
            }
            other => Err(CodecError::new(
                path,
                format!(
                    "dynamic value must be [type, value], got msgpack {}",
                    other.kind()
                ),
            )),
        },
        Type::List(et) | Type::Set(et) => match mp {
            Mp::Array(items) => {
                let mut out = Vec::with_capacity(items.len());
                for (i, it) in items.into_iter().enumerate() {
                    out.push(from_mp(it, et, &path.join_index(i as i64))?);
                }
                Ok(if matches!(ty, Type::List(_)) {
                    Value::List(out)
                } else {
                    Value::Set(out)
                })
            }
            other => Err(mismatch(&other)),
        },
        Type::Tuple(ets) => match mp {
            Mp::Array(items) => {
                if items.len() != ets.len() {
                    return Err(CodecError::new(
                        path,
                        format!("tuple needs {} elements, got {}", ets.len(), items.len()),
                    ));
                }
                let mut out = Vec::with_capacity(items.len());
                for (i, (it, et)) in items.into_iter().zip(ets).enumerate() {
                    out.push(from_mp(it, et, &path.join_index(i as i64))?);
                }
                Ok(Value::Tuple(out))
            }
            other => Err(mismatch(&other)),
        },
        Type::Map(et) => match mp {
            Mp::Map(entries) => {
                let mut out = BTreeMap::new();
                for (k, v) in entries {
                    let k = match k {
                        Mp::Str(s) | Mp::Bin(s) => utf8(s, path)?,
                        other => {
                            return Err(CodecError::new(
                                path,
                                format!("map key must be a string, got msgpack {}", other.kind()),
                            ));
                        }
                    };
                    let p = path.join_key(&k);
                    let v = from_mp(v, et, &p)?;
                    if out.insert(k, v).is_some() {
                        return Err(CodecError::new(&p, "duplicate map key"));
                    }
                }
                Ok(Value::Map(out))
            }
            other => Err(mismatch(&other)),
        },
        Type::Object(ats) => match mp {
            Mp::Map(entries) => {
                let mut out = BTreeMap::new();
                for (k, v) in entries {
                    let k = match k {
                        Mp::Str(s) | Mp::Bin(s) => utf8(s, path)?,
                        other => {
                            return Err(CodecError::new(
                                path,
                                format!(
                                    "attribute name must be a string, got msgpack {}",
                                    other.kind()
                                ),
                            ));
                        }
                    };
                    let p = path.join_attr(&k);
                    let Some(at) = ats.get(&k) else {
                        return Err(CodecError::new(&p, "unsupported attribute"));
                    };
                    let v = from_mp(v, at, &p)?;
                    if out.insert(k, v).is_some() {
                        return Err(CodecError::new(&p, "duplicate attribute"));
                    }
                }
                for k in ats.keys() {
                    out.entry(k.clone()).or_insert(Value::Null);
                }
                Ok(Value::Object(out))
            }
            other => Err(mismatch(&other)),
        },
    }
}

// --------------------------------------------------------------- msgpack write

struct Writer {
    out: Vec<u8>,
}

impl Writer {
    fn int(&mut self, i: i64) {
        if (0..=0x7f).contains(&i) {
            self.out.push(i as u8);
        } else if (-32..0).contains(&i) {
            self.out.push(i as i8 as u8);
        } else if i >= 0 {
            if i <= 0xff {
                self.out.push(0xcc);
                self.out.push(i as u8);
            } else if i <= 0xffff {
                self.out.push(0xcd);
                self.out.extend_from_slice(&(i as u16).to_be_bytes());
            } else if i <= 0xffff_ffff {
                self.out.push(0xce);
                self.out.extend_from_slice(&(i as u32).to_be_bytes());
            } else {
                self.out.push(0xcf);
                self.out.extend_from_slice(&(i as u64).to_be_bytes());
            }
        } else if i >= i64::from(i8::MIN) {
            self.out.push(0xd0);
            self.out.push(i as i8 as u8);
        } else if i >= i64::from(i16::MIN) {
            self.out.push(0xd1);
            self.out.extend_from_slice(&(i as i16).to_be_bytes());
        } else if i >= i64::from(i32::MIN) {
            self.out.push(0xd2);
            self.out.extend_from_slice(&(i as i32).to_be_bytes());
        } else {
            self.out.push(0xd3);
            self.out.extend_from_slice(&i.to_be_bytes());
        }
    }

    fn len_header(
        &mut self,
        n: usize,
        fix: u8,
        fix_max: usize,
        m8: Option<u8>,
        m16: u8,
        m32: u8,
    ) -> Result<(), String> {
        if n <= fix_max {
            self.out.push(fix | n as u8);
        } else if let (Some(m), true) = (m8, n <= 0xff) {
            self.out.push(m);
            self.out.push(n as u8);
        } else if n <= 0xffff {
            self.out.push(m16);
            self.out.extend_from_slice(&(n as u16).to_be_bytes());
        } else if let Ok(n32) = u32::try_from(n) {
            self.out.push(m32);
            self.out.extend_from_slice(&n32.to_be_bytes());
        } else {
            return Err(format!("length {n} exceeds msgpack's 32-bit limit"));
        }
        Ok(())
    }

    fn str(&mut self, s: &[u8]) -> Result<(), String> {
        self.len_header(s.len(), 0xa0, 31, Some(0xd9), 0xda, 0xdb)?;
        self.out.extend_from_slice(s);
        Ok(())
    }

    fn bin(&mut self, s: &[u8]) -> Result<(), String> {
        let n = s.len();
        if n <= 0xff {
            self.out.extend_from_slice(&[0xc4, n as u8]);
        } else if n <= 0xffff {
            self.out.push(0xc5);
            self.out.extend_from_slice(&(n as u16).to_be_bytes());
        } else if let Ok(n32) = u32::try_from(n) {
            self.out.push(0xc6);
            self.out.extend_from_slice(&n32.to_be_bytes());
        } else {
            return Err(format!("length {n} exceeds msgpack's 32-bit limit"));
        }
        self.out.extend_from_slice(s);
        Ok(())
    }

    fn array(&mut self, n: usize) -> Result<(), String> {
        self.len_header(n, 0x90, 15, None, 0xdc, 0xdd)
    }

    fn map(&mut self, n: usize) -> Result<(), String> {
        self.len_header(n, 0x80, 15, None, 0xde, 0xdf)
    }

    fn ext(&mut self, t: i8, data: &[u8]) -> Result<(), String> {
        let fixed = match data.len() {
            1 => Some(0xd4),
            2 => Some(0xd5),
            4 => Some(0xd6),
            8 => Some(0xd7),
            16 => Some(0xd8),
            _ => None,
        };
        if let Some(m) = fixed {
            self.out.push(m);
        } else if data.len() <= 0xff {
            self.out.push(0xc7);
            self.out.push(data.len() as u8);
        } else if data.len() <= 0xffff {
            self.out.push(0xc8);
            self.out
                .extend_from_slice(&(data.len() as u16).to_be_bytes());
        } else if let Ok(n) = u32::try_from(data.len()) {
            self.out.push(0xc9);
            self.out.extend_from_slice(&n.to_be_bytes());
        } else {
            return Err("extension payload too large".into());
        }
        self.out.push(t as u8);
        self.out.extend_from_slice(data);
        Ok(())
    }
}

/// Longest string prefix refinement sent, in bytes (cty truncates there too;
/// its decoder refuses refinement payloads over 1 KiB).
pub const MAX_REFINEMENT_PREFIX: usize = 256;

/// A known prefix cut to at most [`MAX_REFINEMENT_PREFIX`] bytes. When cut,
/// trailing non-ASCII characters are dropped as well, since a combining mark
/// that follows could still change the last character.
fn safe_prefix(p: &str) -> &str {
    if p.len() <= MAX_REFINEMENT_PREFIX {
        return p;
    }
    let mut end = MAX_REFINEMENT_PREFIX - 1;
    while !p.is_char_boundary(end) {
        end -= 1;
    }
    p[..end].trim_end_matches(|c: char| !c.is_ascii())
}

/// The ext 12 payload for refinements built by the provider (no raw bytes):
/// `{1: false}` ("is null: false") when known not null, `{2: prefix}` for a
/// string; empty if there is nothing to say for this type.
fn refinement_payload(r: &Refinements, ty: &Type) -> Result<Vec<u8>, String> {
    let not_null = r.not_null == Some(true);
    let prefix = match ty {
        Type::String => r
            .string_prefix
            .as_deref()
            .map(safe_prefix)
            .filter(|p| !p.is_empty()),
        _ => None,
    };
    let n = usize::from(not_null) + usize::from(prefix.is_some());
    if n == 0 || *ty == Type::Dynamic {
        return Ok(Vec::new());
    }
    let mut w = Writer { out: Vec::new() };
    w.map(n)?;
    if not_null {
        w.out.extend_from_slice(&[0x01, 0xc2]);
    }
    if let Some(p) = prefix {
        w.out.push(0x02);
        w.str(p.as_bytes())?;
    }
    Ok(w.out)
}

/// Encodes a value of type `ty` as msgpack.
///
/// The type decides the shape, and values convert as cty converts them: a
/// list, set or tuple value encodes as a list or set type (each element
/// checked against the element type), an object or map value as a map or
/// object type.
pub fn encode_msgpack(v: &Value, ty: &Type) -> Result<Vec<u8>, CodecError> {
    let mut w = Writer { out: Vec::new() };
    to_mp(&mut w, v, ty, &AttributePath::root())?;
    Ok(w.out)
}

fn value_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Unknown(_) => "unknown",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::List(_) => "list",
        Value::Set(_) => "set",
        Value::Map(_) => "map",
        Value::Object(_) => "object",
        Value::Tuple(_) => "tuple",
    }
}

fn to_mp(w: &mut Writer, v: &Value, ty: &Type, path: &AttributePath) -> Result<(), CodecError> {
    let e = |m: String| CodecError::new(path, m);
    let mismatch = || CodecError::new(path, format!("expected {ty}, got {}", value_kind(v)));
    match (v, ty) {
        (Value::Null, _) => w.out.push(0xc0),
        (Value::Unknown(None), _) => w.ext(EXT_UNKNOWN, &[0]).map_err(e)?,
        // cty: an unknown of type dynamic never carries refinements.
        (Value::Unknown(Some(_)), Type::Dynamic) => w.ext(EXT_UNKNOWN, &[0]).map_err(e)?,
        (Value::Unknown(Some(r)), _) => {
            if !r.raw.is_empty() {
                w.ext(EXT_REFINED_UNKNOWN, &r.raw).map_err(e)?;
            } else {
                let payload = refinement_payload(r, ty).map_err(e)?;
                if payload.is_empty() {
                    w.ext(EXT_UNKNOWN, &[0]).map_err(e)?;
                } else {
                    w.ext(EXT_REFINED_UNKNOWN, &payload).map_err(e)?;
                }
            }
        }
        (_, Type::Dynamic) => {
            let inner = infer_type(v);
            w.array(2).map_err(e)?;
            w.bin(&inner.to_json_bytes()).map_err(e)?;
            to_mp(w, v, &inner, path)?;
        }
        (Value::Bool(b), Type::Bool) => w.out.push(if *b { 0xc3 } else { 0xc2 }),
        (Value::Number(n), Type::Number) => match n {
            Number::Int(i) => w.int(*i),
            Number::Float(f) => {
                if !f.is_finite() {
                    return Err(e("number is not finite".into()));
                }
                if f.fract() == 0.0 && *f >= -9.2e18 && *f <= 9.2e18 {
                    w.int(*f as i64);
                } else {
                    w.out.push(0xcb);
                    w.out.extend_from_slice(&f.to_bits().to_be_bytes());
                }
            }
            Number::Decimal(s) => {
                if !is_json_number(s) {
                    return Err(e(format!("invalid number {s:?}")));
                }
                w.str(s.as_bytes()).map_err(e)?;
            }
        },
        (Value::String(s), Type::String) => w.str(s.as_bytes()).map_err(e)?,
        (
            Value::List(items) | Value::Set(items) | Value::Tuple(items),
            Type::List(et) | Type::Set(et),
        ) => {
            w.array(items.len()).map_err(e)?;
            for (i, it) in items.iter().enumerate() {
                to_mp(w, it, et, &path.join_index(i as i64))?;
            }
        }
        (Value::Tuple(items) | Value::List(items), Type::Tuple(ets)) => {
            if items.len() != ets.len() {
                return Err(e(format!(
                    "tuple needs {} elements, got {}",
                    ets.len(),
                    items.len()
                )));
            }
            w.array(items.len()).map_err(e)?;
            for (i, (it, et)) in items.iter().zip(ets).enumerate() {
                to_mp(w, it, et, &path.join_index(i as i64))?;
            }
        }
        (Value::Map(m) | Value::Object(m), Type::Map(et)) => {
            w.map(m.len()).map_err(e)?;
            for (k, it) in m {
                w.str(k.as_bytes()).map_err(e)?;
                to_mp(w, it, et, &path.join_key(k))?;
            }
        }
        (Value::Object(m) | Value::Map(m), Type::Object(ats)) => {
            if let Some(extra) = m.keys().find(|k| !ats.contains_key(*k)) {
                return Err(CodecError::new(
                    &path.join_attr(extra),
                    "attribute not in schema",
                ));
            }
            w.map(ats.len()).map_err(e)?;
            for (k, at) in ats {
                w.str(k.as_bytes()).map_err(e)?;
                to_mp(w, m.get(k).unwrap_or(&Value::Null), at, &path.join_attr(k))?;
            }
        }
        _ => return Err(mismatch()),
    }
    Ok(())
}

// ------------------------------------------------------------------ JSON

/// Decodes cty JSON as a value of type `ty`. Objects must not carry
/// attributes the type lacks; missing attributes are null.
pub fn decode_json(bytes: &[u8], ty: &Type) -> Result<Value, CodecError> {
    let root = AttributePath::root();
    let j = json::parse(bytes, MAX_VALUE_DEPTH).map_err(|m| CodecError::new(&root, m))?;
    from_json(j, ty, &root, false)
}

/// Like [`decode_json`] but ignores attributes the type lacks (stored state
/// may hold attributes removed from the schema).
pub(crate) fn decode_state_json(bytes: &[u8], ty: &Type) -> Result<Value, CodecError> {
    let root = AttributePath::root();
    let j = json::parse(bytes, MAX_VALUE_DEPTH).map_err(|m| CodecError::new(&root, m))?;
    from_json(j, ty, &root, true)
}

fn from_json(j: Json, ty: &Type, path: &AttributePath, lenient: bool) -> Result<Value, CodecError> {
    if j == Json::Null {
        return Ok(Value::Null);
    }
    let mismatch =
        |j: &Json| CodecError::new(path, format!("expected {ty}, got JSON {}", j.kind()));
    match ty {
        Type::Bool => match j {
            Json::Bool(b) => Ok(Value::Bool(b)),
            Json::String(s) if s == "true" => Ok(Value::Bool(true)),
            Json::String(s) if s == "false" => Ok(Value::Bool(false)),
            other => Err(mismatch(&other)),
        },
        Type::Number => match j {
            Json::Number(s) => Ok(Value::Number(number_from_text(s))),
            Json::String(s) if is_json_number(&s) => Ok(Value::Number(number_from_text(s))),
            other => Err(mismatch(&other)),
        },
        Type::String => match j {
            Json::String(s) | Json::Number(s) => Ok(Value::String(s)),
            Json::Bool(b) => Ok(Value::String(b.to_string())),
            other => Err(mismatch(&other)),
        },
        Type::Dynamic => match j {
            Json::Object(entries) => {
                let mut value = None;
                let mut tyj = None;
                for (k, v) in entries {
                    match k.as_str() {
                        "value" => value = Some(v),
                        "type" => tyj = Some(v),
                        other => {
                            return Err(CodecError::new(
                                path,
                                format!("dynamic value has unexpected key {other:?}"),
                            ));
                        }
                    }
                }
                let (Some(value), Some(tyj)) = (value, tyj) else {
                    return Err(CodecError::new(
                        path,
                        "dynamic value needs \"value\" and \"type\"",
                    ));
                };
                let inner = Type::from_json(&json_to_serde(&tyj))
                    .map_err(|e| CodecError::new(path, format!("dynamic value: {e}")))?;
                if inner == Type::Dynamic {
                    return Err(CodecError::new(path, "dynamic value wraps type dynamic"));
                }
                from_json(value, &inner, path, lenient)
            }
            other => Err(CodecError::new(
                path,
                format!(
                    "dynamic value must be {{\"value\",\"type\"}}, got JSON {}",
                    other.kind()
                ),
            )),
        },
        Type::List(et) | Type::Set(et) => match j {
            Json::Array(items) => {
                let mut out = Vec::with_capacity(items.len());
                for (i, it) in items.into_iter().enumerate() {
                    out.push(from_json(it, et, &path.join_index(i as i64), lenient)?);
                }
                Ok(if matches!(ty, Type::List(_)) {
                    Value::List(out)
                } else {
                    Value::Set(out)
                })
            }
            other => Err(mismatch(&other)),
        },
        Type::Tuple(ets) => match j {
            Json::Array(items) => {
                if items.len() != ets.len() {
                    return Err(CodecError::new(
                        path,
                        format!("tuple needs {} elements, got {}", ets.len(), items.len()),
                    ));
                }
                let mut out = Vec::with_capacity(items.len());
                for (i, (it, et)) in items.into_iter().zip(ets).enumerate() {
                    out.push(from_json(it, et, &path.join_index(i as i64), lenient)?);
                }
                Ok(Value::Tuple(out))
            }
            other => Err(mismatch(&other)),
        },
        Type::Map(et) => match j {
            Json::Object(entries) => {
                let mut out = BTreeMap::new();
                for (k, v) in entries {
                    let p = path.join_key(&k);
                    let v = from_json(v, et, &p, lenient)?;
                    if out.insert(k, v).is_some() {
                        return Err(CodecError::new(&p, "duplicate map key"));
                    }
                }
                Ok(Value::Map(out))
            }
            other => Err(mismatch(&other)),
        },
        Type::Object(ats) => match j {
            Json::Object(entries) => {
                let mut out = BTreeMap::new();
                for (k, v) in entries {
                    let p = path.join_attr(&k);
                    let Some(at) = ats.get(&k) else {
                        if lenient {
                            continue;
                        }
                        return Err(CodecError::new(&p, "unsupported attribute"));
                    };
                    let v = from_json(v, at, &p, lenient)?;
                    if out.insert(k, v).is_some() {
                        return Err(CodecError::new(&p, "duplicate attribute"));
                    }
                }
                for k in ats.keys() {
                    out.entry(k.clone()).or_insert(Value::Null);
                }
                Ok(Value::Object(out))
            }
            other => Err(mismatch(&other)),
        },
    }
}

fn number_from_text(s: String) -> Number {
    if let Ok(i) = s.parse::<i64>() {
        return Number::Int(i);
    }
    Number::Decimal(s)
}

fn json_to_serde(j: &Json) -> serde_json::Value {
    use serde_json::Value as J;
    match j {
        Json::Null => J::Null,
        Json::Bool(b) => J::Bool(*b),
        // Types never contain numbers; keep the text as a string.
        Json::Number(n) => J::String(n.clone()),
        Json::String(s) => J::String(s.clone()),
        Json::Array(a) => J::Array(a.iter().map(json_to_serde).collect()),
        Json::Object(o) => J::Object(
            o.iter()
                .map(|(k, v)| (k.clone(), json_to_serde(v)))
                .collect(),
        ),
    }
}

/// Encodes a value of type `ty` as cty JSON. Unknown values cannot be
/// represented in JSON and are an error.
pub fn encode_json(v: &Value, ty: &Type) -> Result<Vec<u8>, CodecError> {
    let mut out = String::new();
    to_json(&mut out, v, ty, &AttributePath::root())?;
    Ok(out.into_bytes())
}

fn json_str(out: &mut String, s: &str) {
    out.push_str(&serde_json::Value::from(s).to_string());
}

fn to_json(out: &mut String, v: &Value, ty: &Type, path: &AttributePath) -> Result<(), CodecError> {
    let mismatch = || CodecError::new(path, format!("expected {ty}, got {}", value_kind(v)));
    match (v, ty) {
        (Value::Null, _) => out.push_str("null"),
        (Value::Unknown(_), _) => {
            return Err(CodecError::new(
                path,
                "unknown values cannot be encoded as JSON",
            ));
        }
        (_, Type::Dynamic) => {
            let inner = infer_type(v);
            out.push_str("{\"value\":");
            to_json(out, v, &inner, path)?;
            out.push_str(",\"type\":");
            out.push_str(&inner.to_json().to_string());
            out.push('}');
        }
        (Value::Bool(b), Type::Bool) => out.push_str(if *b { "true" } else { "false" }),
        (Value::Number(n), Type::Number) => match n {
            Number::Int(i) => out.push_str(&i.to_string()),
            Number::Float(f) if f.is_finite() => out.push_str(&f.to_string()),
            Number::Float(_) => return Err(CodecError::new(path, "number is not finite")),
            Number::Decimal(s) if is_json_number(s) => out.push_str(s),
            Number::Decimal(s) => {
                return Err(CodecError::new(path, format!("invalid number {s:?}")));
            }
        },
        (Value::String(s), Type::String) => json_str(out, s),
        (
            Value::List(items) | Value::Set(items) | Value::Tuple(items),
            Type::List(et) | Type::Set(et),
        ) => {
            out.push('[');
            for (i, it) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                to_json(out, it, et, &path.join_index(i as i64))?;
            }
            out.push(']');
        }
        (Value::Tuple(items) | Value::List(items), Type::Tuple(ets)) => {
            if items.len() != ets.len() {
                return Err(CodecError::new(
                    path,
                    format!("tuple needs {} elements, got {}", ets.len(), items.len()),
                ));
            }
            out.push('[');
            for (i, (it, et)) in items.iter().zip(ets).enumerate() {
                if i > 0 {
                    out.push(',');
                }
                to_json(out, it, et, &path.join_index(i as i64))?;
            }
            out.push(']');
        }
        (Value::Map(m) | Value::Object(m), Type::Map(et)) => {
            out.push('{');
            for (i, (k, it)) in m.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                json_str(out, k);
                out.push(':');
                to_json(out, it, et, &path.join_key(k))?;
            }
            out.push('}');
        }
        (Value::Object(m) | Value::Map(m), Type::Object(ats)) => {
            if let Some(extra) = m.keys().find(|k| !ats.contains_key(*k)) {
                return Err(CodecError::new(
                    &path.join_attr(extra),
                    "attribute not in schema",
                ));
            }
            out.push('{');
            for (i, (k, at)) in ats.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                json_str(out, k);
                out.push(':');
                to_json(
                    out,
                    m.get(k).unwrap_or(&Value::Null),
                    at,
                    &path.join_attr(k),
                )?;
            }
            out.push('}');
        }
        _ => return Err(mismatch()),
    }
    Ok(())
}

#[cfg(test)]
mod tests;
