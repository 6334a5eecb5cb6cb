//! The sprig functions over [`Value`]. Each takes the render context and its evaluated
//! arguments; errors carry the function's own message (the engine adds
//! `error calling NAME: `).

use std::collections::BTreeMap;
use std::sync::Arc;

use base64::Engine;
use sha1::Sha1;
use sha2::{Digest, Sha256, Sha512};

use crate::cast;
use crate::duration;
use crate::generator::{Charset, Generator};
use crate::layout;
use crate::pki::CertPair;
use crate::semver;
use crate::text;
use crate::time::Timestamp;
use crate::value::{IntSlice, Map, Value, deep_equal, downcast, is_empty, strval};

/// Per-render state of the library.
pub struct Ctx {
    pub generator: Arc<dyn Generator>,
}

pub type Func = fn(&Ctx, &[Value]) -> Result<Value, String>;

// ------------------------------------------------------------------ argument helpers

fn arity(args: &[Value], n: usize) -> Result<(), String> {
    if args.len() != n {
        return Err(format!("wrong number of args: want {n} got {}", args.len()));
    }
    Ok(())
}

fn s_arg(v: &Value) -> Result<String, String> {
    match v {
        Value::String(s) => Ok(s.to_string()),
        other => Err(format!(
            "wrong type for value; expected string; got {}",
            other.type_name()
        )),
    }
}

fn i_arg(v: &Value) -> Result<i64, String> {
    match v {
        Value::Int(i) => Ok(*i),
        other => Err(format!(
            "wrong type for value; expected int; got {}",
            other.type_name()
        )),
    }
}

/// spf13/cast `ToInt64` (errors become 0).
pub fn to_i64(v: &Value) -> i64 {
    match v {
        Value::Bool(b) => *b as i64,
        Value::Int(i) | Value::Int64(i) => *i,
        Value::Uint64(u) => *u as i64,
        Value::Float64(f) => cast::float_to_i64(*f),
        Value::String(s) => cast::string_to_i64(s),
        _ => 0,
    }
}

/// spf13/cast `ToFloat64` (errors become 0).
pub fn to_f64(v: &Value) -> f64 {
    match v {
        Value::Bool(b) => *b as i64 as f64,
        Value::Int(i) | Value::Int64(i) => *i as f64,
        Value::Uint64(u) => *u as f64,
        Value::Float64(f) => *f,
        Value::String(s) => cast::parse_float(s).unwrap_or(0.0),
        _ => 0.0,
    }
}

/// sprig `strslice`.
fn strslice(v: &Value) -> Vec<String> {
    match v {
        Value::StringList(s) => s.as_ref().clone(),
        Value::Nil => vec![],
        other => match other.items() {
            Some(items) => items
                .iter()
                .filter(|x| !matches!(x, Value::Nil))
                .map(strval)
                .collect(),
            None => vec![strval(other)],
        },
    }
}

fn list_of(v: &Value, what: &str) -> Result<Vec<Value>, String> {
    v.items()
        .ok_or_else(|| format!("Cannot {what} on type {}", v.type_name()))
}

fn map_arg(v: &Value) -> Result<Map, String> {
    match v {
        Value::Map(m) => Ok(m.clone()),
        other => Err(format!(
            "wrong type for value; expected map[string]interface {{}}; got {}",
            other.type_name()
        )),
    }
}

// ------------------------------------------------------------------ strings

fn f_trim(_: &Ctx, a: &[Value]) -> Result<Value, String> {
    arity(a, 1)?;
    Ok(Value::string(s_arg(&a[0])?.trim_matches(text::go_is_space)))
}
fn f_trim_all(_: &Ctx, a: &[Value]) -> Result<Value, String> {
    arity(a, 2)?;
    let cut: Vec<char> = s_arg(&a[0])?.chars().collect();
    Ok(Value::string(s_arg(&a[1])?.trim_matches(&cut[..])))
}
fn f_trim_prefix(_: &Ctx, a: &[Value]) -> Result<Value, String> {
    arity(a, 2)?;
    let (p, s) = (s_arg(&a[0])?, s_arg(&a[1])?);
    Ok(Value::string(s.strip_prefix(p.as_str()).unwrap_or(&s)))
}
fn f_trim_suffix(_: &Ctx, a: &[Value]) -> Result<Value, String> {
    arity(a, 2)?;
    let (p, s) = (s_arg(&a[0])?, s_arg(&a[1])?);
    Ok(Value::string(s.strip_suffix(p.as_str()).unwrap_or(&s)))
}
fn f_trunc(_: &Ctx, a: &[Value]) -> Result<Value, String> {
    arity(a, 2)?;
    Ok(Value::string(text::trunc(i_arg(&a[0])?, &s_arg(&a[1])?)))
}
fn f_substr(_: &Ctx, a: &[Value]) -> Result<Value, String> {
    arity(a, 3)?;
    text::substr(i_arg(&a[0])?, i_arg(&a[1])?, &s_arg(&a[2])?).map(Value::from)
}
fn f_lower(_: &Ctx, a: &[Value]) -> Result<Value, String> {
    arity(a, 1)?;
    Ok(Value::string(text::lower(&s_arg(&a[0])?)))
}
fn f_upper(_: &Ctx, a: &[Value]) -> Result<Value, String> {
    arity(a, 1)?;
    Ok(Value::string(text::upper(&s_arg(&a[0])?)))
}
fn f_title(_: &Ctx, a: &[Value]) -> Result<Value, String> {
    arity(a, 1)?;
    Ok(Value::string(text::title(&s_arg(&a[0])?)))
}
fn f_untitle(_: &Ctx, a: &[Value]) -> Result<Value, String> {
    arity(a, 1)?;
    Ok(Value::string(text::untitle(&s_arg(&a[0])?)))
}
fn f_swapcase(_: &Ctx, a: &[Value]) -> Result<Value, String> {
    arity(a, 1)?;
    Ok(Value::string(text::swapcase(&s_arg(&a[0])?)))
}
fn f_replace(_: &Ctx, a: &[Value]) -> Result<Value, String> {
    arity(a, 3)?;
    let (old, new, s) = (s_arg(&a[0])?, s_arg(&a[1])?, s_arg(&a[2])?);
    if old.is_empty() {
        // Go inserts `new` around every rune.
        let mut out = new.clone();
        for c in s.chars() {
            out.push(c);
            out.push_str(&new);
        }
        return Ok(Value::from(out));
    }
    Ok(Value::string(s.replace(&old, &new)))
}
fn f_contains(_: &Ctx, a: &[Value]) -> Result<Value, String> {
    arity(a, 2)?;
    Ok(Value::Bool(s_arg(&a[1])?.contains(&s_arg(&a[0])?)))
}
fn f_has_prefix(_: &Ctx, a: &[Value]) -> Result<Value, String> {
    arity(a, 2)?;
    Ok(Value::Bool(s_arg(&a[1])?.starts_with(&s_arg(&a[0])?)))
}
fn f_has_suffix(_: &Ctx, a: &[Value]) -> Result<Value, String> {
    arity(a, 2)?;
    Ok(Value::Bool(s_arg(&a[1])?.ends_with(&s_arg(&a[0])?)))
}

fn go_split(s: &str, sep: &str, n: i64) -> Vec<String> {
    if n == 0 {
        return vec![];
    }
    if sep.is_empty() {
        let chars: Vec<String> = s.chars().map(|c| c.to_string()).collect();
        if n > 0 && (n as usize) < chars.len() {
            let mut head: Vec<String> = chars[..n as usize - 1].to_vec();
            let rest: String = chars[n as usize - 1..].concat();
            head.push(rest);
            return head;
        }
        return chars;
    }
    if n < 0 {
        s.split(sep).map(str::to_string).collect()
    } else {
        s.splitn(n as usize, sep).map(str::to_string).collect()
    }
}

fn indexed_map(parts: Vec<String>) -> Value {
    Value::StringMap(std::rc::Rc::new(
        parts
            .into_iter()
            .enumerate()
            .map(|(i, p)| (format!("_{i}"), p))
            .collect(),
    ))
}

fn f_split(_: &Ctx, a: &[Value]) -> Result<Value, String> {
    arity(a, 2)?;
    Ok(indexed_map(go_split(&s_arg(&a[1])?, &s_arg(&a[0])?, -1)))
}
fn f_splitn(_: &Ctx, a: &[Value]) -> Result<Value, String> {
    arity(a, 3)?;
    Ok(indexed_map(go_split(
        &s_arg(&a[2])?,
        &s_arg(&a[0])?,
        i_arg(&a[1])?,
    )))
}
fn f_split_list(_: &Ctx, a: &[Value]) -> Result<Value, String> {
    arity(a, 2)?;
    Ok(Value::from(go_split(&s_arg(&a[1])?, &s_arg(&a[0])?, -1)))
}
fn f_join(_: &Ctx, a: &[Value]) -> Result<Value, String> {
    arity(a, 2)?;
    Ok(Value::string(strslice(&a[1]).join(&s_arg(&a[0])?)))
}
fn f_quote(_: &Ctx, a: &[Value]) -> Result<Value, String> {
    let out: Vec<String> = a
        .iter()
        .filter(|v| !matches!(v, Value::Nil))
        .map(|v| text::go_quote(&strval(v)))
        .collect();
    Ok(Value::string(out.join(" ")))
}
fn f_squote(_: &Ctx, a: &[Value]) -> Result<Value, String> {
    let out: Vec<String> = a
        .iter()
        .filter(|v| !matches!(v, Value::Nil))
        .map(|v| format!("'{}'", strval(v)))
        .collect();
    Ok(Value::string(out.join(" ")))
}
fn f_cat(_: &Ctx, a: &[Value]) -> Result<Value, String> {
    let out: Vec<String> = a
        .iter()
        .filter(|v| !matches!(v, Value::Nil))
        .map(Value::to_v_string)
        .collect();
    Ok(Value::string(out.join(" ")))
}
fn f_indent(_: &Ctx, a: &[Value]) -> Result<Value, String> {
    arity(a, 2)?;
    text::indent(i_arg(&a[0])?, &s_arg(&a[1])?).map(Value::from)
}
fn f_nindent(_: &Ctx, a: &[Value]) -> Result<Value, String> {
    arity(a, 2)?;
    text::nindent(i_arg(&a[0])?, &s_arg(&a[1])?).map(Value::from)
}
fn f_repeat(_: &Ctx, a: &[Value]) -> Result<Value, String> {
    arity(a, 2)?;
    text::repeat(i_arg(&a[0])?, &s_arg(&a[1])?).map(Value::from)
}
fn f_nospace(_: &Ctx, a: &[Value]) -> Result<Value, String> {
    arity(a, 1)?;
    Ok(Value::string(text::nospace(&s_arg(&a[0])?)))
}
fn f_abbrev(_: &Ctx, a: &[Value]) -> Result<Value, String> {
    arity(a, 2)?;
    Ok(Value::string(text::abbrev(i_arg(&a[0])?, &s_arg(&a[1])?)))
}
fn f_abbrevboth(_: &Ctx, a: &[Value]) -> Result<Value, String> {
    arity(a, 3)?;
    Ok(Value::string(text::abbrevboth(
        i_arg(&a[0])?,
        i_arg(&a[1])?,
        &s_arg(&a[2])?,
    )))
}
fn f_initials(_: &Ctx, a: &[Value]) -> Result<Value, String> {
    arity(a, 1)?;
    Ok(Value::string(text::initials(&s_arg(&a[0])?)))
}
fn f_wrap(_: &Ctx, a: &[Value]) -> Result<Value, String> {
    arity(a, 2)?;
    Ok(Value::string(text::wrap_custom(
        &s_arg(&a[1])?,
        i_arg(&a[0])?,
        "",
        false,
    )))
}
fn f_wrap_with(_: &Ctx, a: &[Value]) -> Result<Value, String> {
    arity(a, 3)?;
    Ok(Value::string(text::wrap_custom(
        &s_arg(&a[2])?,
        i_arg(&a[0])?,
        &s_arg(&a[1])?,
        true,
    )))
}
fn f_plural(_: &Ctx, a: &[Value]) -> Result<Value, String> {
    arity(a, 3)?;
    let (one, many) = (s_arg(&a[0])?, s_arg(&a[1])?);
    Ok(Value::string(text::plural(&one, &many, i_arg(&a[2])?)))
}

fn regex(pat: &str) -> Result<regex::Regex, String> {
    regex::Regex::new(pat).map_err(|e| format!("error parsing regexp: {e}"))
}
fn f_regex_match(_: &Ctx, a: &[Value]) -> Result<Value, String> {
    arity(a, 2)?;
    let s = s_arg(&a[1])?;
    Ok(Value::Bool(
        regex(&s_arg(&a[0])?)
            .map(|r| r.is_match(&s))
            .unwrap_or(false),
    ))
}
fn f_must_regex_match(_: &Ctx, a: &[Value]) -> Result<Value, String> {
    arity(a, 2)?;
    Ok(Value::Bool(regex(&s_arg(&a[0])?)?.is_match(&s_arg(&a[1])?)))
}
fn f_regex_find(_: &Ctx, a: &[Value]) -> Result<Value, String> {
    arity(a, 2)?;
    let s = s_arg(&a[1])?;
    let r = regex(&s_arg(&a[0])?)?;
    Ok(Value::string(r.find(&s).map(|m| m.as_str()).unwrap_or("")))
}
fn f_regex_find_all(_: &Ctx, a: &[Value]) -> Result<Value, String> {
    arity(a, 3)?;
    let s = s_arg(&a[1])?;
    let r = regex(&s_arg(&a[0])?)?;
    let n = i_arg(&a[2])?;
    if n == 0 {
        return Ok(Value::from(Vec::<String>::new()));
    }
    let it = r.find_iter(&s).map(|m| m.as_str().to_string());
    let found: Vec<String> = if n < 0 {
        it.collect()
    } else {
        it.take(n as usize).collect()
    };
    Ok(Value::from(found))
}
fn f_regex_replace_all(_: &Ctx, a: &[Value]) -> Result<Value, String> {
    arity(a, 3)?;
    let r = regex(&s_arg(&a[0])?)?;
    Ok(Value::string(
        r.replace_all(&s_arg(&a[1])?, s_arg(&a[2])?.as_str())
            .into_owned(),
    ))
}
fn f_regex_replace_all_literal(_: &Ctx, a: &[Value]) -> Result<Value, String> {
    arity(a, 3)?;
    let r = regex(&s_arg(&a[0])?)?;
    let repl = s_arg(&a[2])?;
    Ok(Value::string(
        r.replace_all(&s_arg(&a[1])?, regex::NoExpand(&repl))
            .into_owned(),
    ))
}
fn f_regex_split(_: &Ctx, a: &[Value]) -> Result<Value, String> {
    arity(a, 3)?;
    let r = regex(&s_arg(&a[0])?)?;
    Ok(Value::from(text::regex_split(
        &r,
        &s_arg(&a[1])?,
        i_arg(&a[2])?,
    )))
}
fn f_regex_quote_meta(_: &Ctx, a: &[Value]) -> Result<Value, String> {
    arity(a, 1)?;
    Ok(Value::string(text::quote_meta(&s_arg(&a[0])?)))
}

fn f_b64enc(_: &Ctx, a: &[Value]) -> Result<Value, String> {
    arity(a, 1)?;
    Ok(Value::string(
        base64::engine::general_purpose::STANDARD.encode(s_arg(&a[0])?),
    ))
}
fn f_b64dec(_: &Ctx, a: &[Value]) -> Result<Value, String> {
    arity(a, 1)?;
    let s = s_arg(&a[0])?;
    Ok(Value::string(
        match base64::engine::general_purpose::STANDARD.decode(&s) {
            Ok(b) => String::from_utf8_lossy(&b).into_owned(),
            Err(base64::DecodeError::InvalidByte(i, _))
            | Err(base64::DecodeError::InvalidLastSymbol(i, _)) => {
                format!("illegal base64 data at input byte {i}")
            }
            Err(_) => format!("illegal base64 data at input byte {}", s.len()),
        },
    ))
}
fn f_sha1sum(_: &Ctx, a: &[Value]) -> Result<Value, String> {
    arity(a, 1)?;
    Ok(Value::string(hex(&Sha1::digest(s_arg(&a[0])?.as_bytes()))))
}
fn f_sha256sum(_: &Ctx, a: &[Value]) -> Result<Value, String> {
    arity(a, 1)?;
    Ok(Value::string(hex(&Sha256::digest(
        s_arg(&a[0])?.as_bytes(),
    ))))
}
fn f_sha512sum(_: &Ctx, a: &[Value]) -> Result<Value, String> {
    arity(a, 1)?;
    Ok(Value::string(hex(&Sha512::digest(
        s_arg(&a[0])?.as_bytes(),
    ))))
}
fn f_adler32sum(_: &Ctx, a: &[Value]) -> Result<Value, String> {
    arity(a, 1)?;
    Ok(Value::string(
        text::adler32(s_arg(&a[0])?.as_bytes()).to_string(),
    ))
}
fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn f_base(_: &Ctx, a: &[Value]) -> Result<Value, String> {
    arity(a, 1)?;
    Ok(Value::string(text::path_base(&s_arg(&a[0])?)))
}
fn f_dir(_: &Ctx, a: &[Value]) -> Result<Value, String> {
    arity(a, 1)?;
    Ok(Value::string(text::path_dir(&s_arg(&a[0])?)))
}
fn f_ext(_: &Ctx, a: &[Value]) -> Result<Value, String> {
    arity(a, 1)?;
    Ok(Value::string(text::path_ext(&s_arg(&a[0])?)))
}
fn f_clean(_: &Ctx, a: &[Value]) -> Result<Value, String> {
    arity(a, 1)?;
    Ok(Value::string(text::path_clean(&s_arg(&a[0])?)))
}
fn f_is_abs(_: &Ctx, a: &[Value]) -> Result<Value, String> {
    arity(a, 1)?;
    Ok(Value::Bool(s_arg(&a[0])?.starts_with('/')))
}

// ------------------------------------------------------------------ conversions

fn f_int(_: &Ctx, a: &[Value]) -> Result<Value, String> {
    arity(a, 1)?;
    Ok(Value::Int(to_i64(&a[0])))
}
fn f_int64(_: &Ctx, a: &[Value]) -> Result<Value, String> {
    arity(a, 1)?;
    Ok(Value::Int64(to_i64(&a[0])))
}
fn f_float64(_: &Ctx, a: &[Value]) -> Result<Value, String> {
    arity(a, 1)?;
    Ok(Value::Float64(to_f64(&a[0])))
}
fn f_atoi(_: &Ctx, a: &[Value]) -> Result<Value, String> {
    arity(a, 1)?;
    let s = s_arg(&a[0])?;
    let t = s.strip_prefix('+').unwrap_or(&s);
    let ok = !t.is_empty()
        && t.strip_prefix('-')
            .unwrap_or(t)
            .bytes()
            .all(|b| b.is_ascii_digit());
    Ok(Value::Int(if ok { s.parse().unwrap_or(0) } else { 0 }))
}
fn f_to_string(_: &Ctx, a: &[Value]) -> Result<Value, String> {
    arity(a, 1)?;
    Ok(Value::string(strval(&a[0])))
}
fn f_to_strings(_: &Ctx, a: &[Value]) -> Result<Value, String> {
    arity(a, 1)?;
    Ok(Value::from(strslice(&a[0])))
}

// ------------------------------------------------------------------ defaults & logic

fn f_default(_: &Ctx, a: &[Value]) -> Result<Value, String> {
    if a.is_empty() {
        return Err("wrong number of args: want at least 1 got 0".into());
    }
    match a.get(1) {
        Some(v) if !is_empty(v) => Ok(v.clone()),
        _ => Ok(a[0].clone()),
    }
}
fn f_empty(_: &Ctx, a: &[Value]) -> Result<Value, String> {
    arity(a, 1)?;
    Ok(Value::Bool(is_empty(&a[0])))
}
fn f_coalesce(_: &Ctx, a: &[Value]) -> Result<Value, String> {
    Ok(a.iter()
        .find(|v| !is_empty(v))
        .cloned()
        .unwrap_or(Value::Nil))
}
fn f_ternary(_: &Ctx, a: &[Value]) -> Result<Value, String> {
    arity(a, 3)?;
    match &a[2] {
        Value::Bool(b) => Ok(if *b { a[0].clone() } else { a[1].clone() }),
        other => Err(format!(
            "wrong type for value; expected bool; got {}",
            other.type_name()
        )),
    }
}
fn f_all(_: &Ctx, a: &[Value]) -> Result<Value, String> {
    Ok(Value::Bool(a.iter().all(|v| !is_empty(v))))
}
fn f_any(_: &Ctx, a: &[Value]) -> Result<Value, String> {
    Ok(Value::Bool(a.iter().any(|v| !is_empty(v))))
}

// ------------------------------------------------------------------ lists

fn f_list(_: &Ctx, a: &[Value]) -> Result<Value, String> {
    Ok(Value::list(a.to_vec()))
}
fn f_append(_: &Ctx, a: &[Value]) -> Result<Value, String> {
    arity(a, 2)?;
    if matches!(a[0], Value::Nil) {
        return Err("runtime error: invalid memory address or nil pointer dereference".into());
    }
    let mut l = list_of(&a[0], "append")
        .map_err(|_| format!("Cannot push on type {}", a[0].type_name()))?;
    l.push(a[1].clone());
    Ok(Value::list(l))
}
fn f_prepend(_: &Ctx, a: &[Value]) -> Result<Value, String> {
    arity(a, 2)?;
    let mut l = list_of(&a[0], "prepend")?;
    l.insert(0, a[1].clone());
    Ok(Value::list(l))
}
fn f_concat(_: &Ctx, a: &[Value]) -> Result<Value, String> {
    let mut out = Vec::new();
    for v in a {
        out.extend(list_of(v, "concat")?);
    }
    Ok(Value::list(out))
}
fn f_first(_: &Ctx, a: &[Value]) -> Result<Value, String> {
    arity(a, 1)?;
    if matches!(a[0], Value::Nil) {
        return Ok(Value::Nil);
    }
    Ok(list_of(&a[0], "find first")?
        .first()
        .cloned()
        .unwrap_or(Value::Nil))
}
fn f_last(_: &Ctx, a: &[Value]) -> Result<Value, String> {
    arity(a, 1)?;
    if matches!(a[0], Value::Nil) {
        return Ok(Value::Nil);
    }
    Ok(list_of(&a[0], "find last")?
        .last()
        .cloned()
        .unwrap_or(Value::Nil))
}
fn f_rest(_: &Ctx, a: &[Value]) -> Result<Value, String> {
    arity(a, 1)?;
    if matches!(a[0], Value::Nil) {
        return Ok(Value::Nil);
    }
    let l = list_of(&a[0], "find rest")?;
    if l.is_empty() {
        return Ok(Value::list(vec![]));
    }
    Ok(Value::list(l[1..].to_vec()))
}
fn f_initial(_: &Ctx, a: &[Value]) -> Result<Value, String> {
    arity(a, 1)?;
    if matches!(a[0], Value::Nil) {
        return Ok(Value::Nil);
    }
    let l = list_of(&a[0], "find initial")?;
    if l.is_empty() {
        return Ok(Value::list(vec![]));
    }
    Ok(Value::list(l[..l.len() - 1].to_vec()))
}
fn f_has(_: &Ctx, a: &[Value]) -> Result<Value, String> {
    arity(a, 2)?;
    if matches!(a[1], Value::Nil) {
        return Ok(Value::Bool(false));
    }
    let l = list_of(&a[1], "find has")?;
    Ok(Value::Bool(l.iter().any(|x| deep_equal(x, &a[0]))))
}
fn f_without(_: &Ctx, a: &[Value]) -> Result<Value, String> {
    if a.is_empty() {
        return Err("wrong number of args: want at least 1 got 0".into());
    }
    let l = list_of(&a[0], "find without")?;
    Ok(Value::list(
        l.into_iter()
            .filter(|x| !a[1..].iter().any(|o| deep_equal(x, o)))
            .collect(),
    ))
}
fn f_uniq(_: &Ctx, a: &[Value]) -> Result<Value, String> {
    arity(a, 1)?;
    let mut out: Vec<Value> = Vec::new();
    for x in list_of(&a[0], "find uniq")? {
        if !out.iter().any(|o| deep_equal(o, &x)) {
            out.push(x);
        }
    }
    Ok(Value::list(out))
}
fn f_compact(_: &Ctx, a: &[Value]) -> Result<Value, String> {
    arity(a, 1)?;
    Ok(Value::list(
        list_of(&a[0], "compact")?
            .into_iter()
            .filter(|x| !is_empty(x))
            .collect(),
    ))
}
fn f_reverse(_: &Ctx, a: &[Value]) -> Result<Value, String> {
    arity(a, 1)?;
    let mut l = list_of(&a[0], "find reverse")?;
    l.reverse();
    Ok(Value::list(l))
}
fn f_sort_alpha(_: &Ctx, a: &[Value]) -> Result<Value, String> {
    arity(a, 1)?;
    let mut l = strslice(&a[0]);
    l.sort();
    Ok(Value::from(l))
}
fn f_slice(_: &Ctx, a: &[Value]) -> Result<Value, String> {
    if a.is_empty() {
        return Err("wrong number of args: want at least 1 got 0".into());
    }
    let l = list_of(&a[0], "slice")?;
    let idx: Vec<i64> = a[1..].iter().map(to_i64).collect();
    let (start, end) = match idx.as_slice() {
        [] => (0, l.len() as i64),
        [s] => (*s, l.len() as i64),
        [s, e, ..] => (*s, *e),
    };
    if start < 0 || end < start || end > l.len() as i64 {
        return Err("reflect.Value.Slice: slice index out of bounds".into());
    }
    Ok(Value::list(l[start as usize..end as usize].to_vec()))
}
fn f_chunk(_: &Ctx, a: &[Value]) -> Result<Value, String> {
    arity(a, 2)?;
    let size = i_arg(&a[0])?;
    let l = list_of(&a[1], "chunk")?;
    if size <= 0 {
        return Err("runtime error: integer divide by zero".into());
    }
    Ok(Value::list(
        l.chunks(size as usize)
            .map(|c| Value::list(c.to_vec()))
            .collect(),
    ))
}
fn f_until(_: &Ctx, a: &[Value]) -> Result<Value, String> {
    arity(a, 1)?;
    text::until(i_arg(&a[0])?).map(|l| Value::object(IntSlice(l)))
}
fn f_until_step(_: &Ctx, a: &[Value]) -> Result<Value, String> {
    arity(a, 3)?;
    text::until_step(i_arg(&a[0])?, i_arg(&a[1])?, i_arg(&a[2])?)
        .map(|l| Value::object(IntSlice(l)))
}
fn f_seq(_: &Ctx, a: &[Value]) -> Result<Value, String> {
    let p: Result<Vec<i64>, String> = a.iter().map(i_arg).collect();
    text::seq(&p?).map(Value::from)
}

// ------------------------------------------------------------------ dicts

fn f_dict(_: &Ctx, a: &[Value]) -> Result<Value, String> {
    let mut m = BTreeMap::new();
    for pair in a.chunks(2) {
        let v = pair.get(1).cloned().unwrap_or(Value::string(""));
        m.insert(strval(&pair[0]), v);
    }
    Ok(Value::map(m))
}
fn f_get(_: &Ctx, a: &[Value]) -> Result<Value, String> {
    arity(a, 2)?;
    let m = map_arg(&a[0])?;
    let k = s_arg(&a[1])?;
    Ok(m.borrow().get(&k).cloned().unwrap_or(Value::string("")))
}
fn f_set(_: &Ctx, a: &[Value]) -> Result<Value, String> {
    arity(a, 3)?;
    let m = map_arg(&a[0])?;
    m.borrow_mut().insert(s_arg(&a[1])?, a[2].clone());
    Ok(a[0].clone())
}
fn f_unset(_: &Ctx, a: &[Value]) -> Result<Value, String> {
    arity(a, 2)?;
    let m = map_arg(&a[0])?;
    m.borrow_mut().remove(&s_arg(&a[1])?);
    Ok(a[0].clone())
}
fn f_has_key(_: &Ctx, a: &[Value]) -> Result<Value, String> {
    arity(a, 2)?;
    let m = map_arg(&a[0])?;
    Ok(Value::Bool(m.borrow().contains_key(&s_arg(&a[1])?)))
}
/// `keys`: Go map order is random; we return sorted keys (stable output).
fn f_keys(_: &Ctx, a: &[Value]) -> Result<Value, String> {
    let mut out = Vec::new();
    for v in a {
        out.extend(map_arg(v)?.borrow().keys().cloned());
    }
    Ok(Value::from(out))
}
fn f_values(_: &Ctx, a: &[Value]) -> Result<Value, String> {
    arity(a, 1)?;
    Ok(Value::list(
        map_arg(&a[0])?.borrow().values().cloned().collect(),
    ))
}
fn f_pluck(_: &Ctx, a: &[Value]) -> Result<Value, String> {
    if a.is_empty() {
        return Err("wrong number of args: want at least 1 got 0".into());
    }
    let k = s_arg(&a[0])?;
    let mut out = Vec::new();
    for d in &a[1..] {
        if let Some(v) = map_arg(d)?.borrow().get(&k) {
            out.push(v.clone());
        }
    }
    Ok(Value::list(out))
}
fn f_pick(_: &Ctx, a: &[Value]) -> Result<Value, String> {
    if a.is_empty() {
        return Err("wrong number of args: want at least 1 got 0".into());
    }
    let m = map_arg(&a[0])?;
    let keys: Vec<String> = a[1..].iter().map(s_arg).collect::<Result<_, _>>()?;
    let src = m.borrow();
    Ok(Value::map(
        keys.iter()
            .filter_map(|k| src.get(k).map(|v| (k.clone(), v.clone())))
            .collect(),
    ))
}
fn f_omit(_: &Ctx, a: &[Value]) -> Result<Value, String> {
    if a.is_empty() {
        return Err("wrong number of args: want at least 1 got 0".into());
    }
    let m = map_arg(&a[0])?;
    let keys: Vec<String> = a[1..].iter().map(s_arg).collect::<Result<_, _>>()?;
    let src = m.borrow();
    Ok(Value::map(
        src.iter()
            .filter(|(k, _)| !keys.contains(k))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
    ))
}

/// mergo `Merge` (overwrite false) / `WithOverride` of `src` into `dst`, in place.
fn mergo(dst: &Map, src: &Map, overwrite: bool) {
    if std::rc::Rc::ptr_eq(dst, src) {
        return;
    }
    let src = src.borrow().clone();
    let mut d = dst.borrow_mut();
    for (k, sv) in src {
        match d.get(&k).cloned() {
            Some(Value::Map(dm)) if matches!(sv, Value::Map(_)) => {
                if let Value::Map(sm) = &sv {
                    mergo(&dm, sm, overwrite);
                }
            }
            // WithOverride replaces element values, empty ones included
            Some(_) if overwrite => {
                d.insert(k, sv);
            }
            Some(dv) => {
                if is_empty(&dv) && !is_empty(&sv) {
                    d.insert(k, sv);
                }
            }
            None => {
                d.insert(k, sv);
            }
        }
    }
}

fn f_merge(_: &Ctx, a: &[Value]) -> Result<Value, String> {
    merge_impl(a, false)
}
fn f_merge_overwrite(_: &Ctx, a: &[Value]) -> Result<Value, String> {
    merge_impl(a, true)
}
fn merge_impl(a: &[Value], overwrite: bool) -> Result<Value, String> {
    if a.is_empty() {
        return Err("wrong number of args: want at least 1 got 0".into());
    }
    let dst = map_arg(&a[0])?;
    for s in &a[1..] {
        let sm = map_arg(s)?;
        mergo(&dst, &sm, overwrite);
    }
    Ok(a[0].clone())
}
fn f_deep_copy(_: &Ctx, a: &[Value]) -> Result<Value, String> {
    arity(a, 1)?;
    if matches!(a[0], Value::Nil) {
        return Err("reflect: call of reflect.Value.Type on zero Value".into());
    }
    Ok(a[0].deep_copy())
}
fn f_dig(_: &Ctx, a: &[Value]) -> Result<Value, String> {
    if a.len() < 3 {
        return Err(format!(
            "wrong number of args: want at least 3 got {}",
            a.len()
        ));
    }
    let keys: Vec<String> = a[..a.len() - 2]
        .iter()
        .map(s_arg)
        .collect::<Result<_, _>>()?;
    let default = &a[a.len() - 2];
    let mut cur = map_arg(&a[a.len() - 1])?;
    for (i, k) in keys.iter().enumerate() {
        let next = cur.borrow().get(k).cloned();
        match next {
            None => return Ok(default.clone()),
            Some(v) if i == keys.len() - 1 => return Ok(v),
            Some(Value::Map(m)) => cur = m,
            Some(other) => {
                return Err(format!(
                    "interface conversion: interface {{}} is {}, not map[string]interface {{}}",
                    other.type_name()
                ));
            }
        }
    }
    Ok(default.clone())
}

// ------------------------------------------------------------------ math

fn fold_i64(a: &[Value], f: impl Fn(i64, i64) -> Result<i64, String>) -> Result<Value, String> {
    let mut it = a.iter().map(to_i64);
    let first = it.next().unwrap_or(0);
    let mut acc = first;
    for x in it {
        acc = f(acc, x)?;
    }
    Ok(Value::Int64(acc))
}
fn f_add(_: &Ctx, a: &[Value]) -> Result<Value, String> {
    fold_i64(a, |x, y| Ok(x.wrapping_add(y)))
}
fn f_add1(_: &Ctx, a: &[Value]) -> Result<Value, String> {
    arity(a, 1)?;
    Ok(Value::Int64(to_i64(&a[0]).wrapping_add(1)))
}
fn f_sub(_: &Ctx, a: &[Value]) -> Result<Value, String> {
    arity(a, 2)?;
    Ok(Value::Int64(to_i64(&a[0]).wrapping_sub(to_i64(&a[1]))))
}
fn f_mul(_: &Ctx, a: &[Value]) -> Result<Value, String> {
    fold_i64(a, |x, y| Ok(x.wrapping_mul(y)))
}
fn f_div(_: &Ctx, a: &[Value]) -> Result<Value, String> {
    arity(a, 2)?;
    let (x, y) = (to_i64(&a[0]), to_i64(&a[1]));
    if y == 0 {
        return Err("runtime error: integer divide by zero".into());
    }
    Ok(Value::Int64(x.wrapping_div(y)))
}
fn f_mod(_: &Ctx, a: &[Value]) -> Result<Value, String> {
    arity(a, 2)?;
    let (x, y) = (to_i64(&a[0]), to_i64(&a[1]));
    if y == 0 {
        return Err("runtime error: integer divide by zero".into());
    }
    Ok(Value::Int64(x.wrapping_rem(y)))
}
fn f_max(_: &Ctx, a: &[Value]) -> Result<Value, String> {
    fold_i64(a, |x, y| Ok(x.max(y)))
}
fn f_min(_: &Ctx, a: &[Value]) -> Result<Value, String> {
    fold_i64(a, |x, y| Ok(x.min(y)))
}
fn f_floor(_: &Ctx, a: &[Value]) -> Result<Value, String> {
    arity(a, 1)?;
    Ok(Value::Float64(to_f64(&a[0]).floor()))
}
fn f_ceil(_: &Ctx, a: &[Value]) -> Result<Value, String> {
    arity(a, 1)?;
    Ok(Value::Float64(to_f64(&a[0]).ceil()))
}
fn f_round(_: &Ctx, a: &[Value]) -> Result<Value, String> {
    if a.len() < 2 {
        return Err(format!(
            "wrong number of args: want at least 2 got {}",
            a.len()
        ));
    }
    let val = to_f64(&a[0]);
    let p = i_arg(&a[1])?;
    let round_on = a.get(2).map(to_f64).unwrap_or(0.5);
    let pow = 10f64.powi(p.clamp(-400, 400) as i32);
    let digit = pow * val;
    let frac = digit - digit.trunc();
    let r = if frac >= round_on {
        digit.ceil()
    } else {
        digit.floor()
    };
    Ok(Value::Float64(r / pow))
}

// ------------------------------------------------------------------ types

fn f_type_of(_: &Ctx, a: &[Value]) -> Result<Value, String> {
    arity(a, 1)?;
    Ok(Value::string(a[0].type_name()))
}
fn f_kind_of(_: &Ctx, a: &[Value]) -> Result<Value, String> {
    arity(a, 1)?;
    Ok(Value::string(a[0].kind().name()))
}
fn f_kind_is(_: &Ctx, a: &[Value]) -> Result<Value, String> {
    arity(a, 2)?;
    Ok(Value::Bool(s_arg(&a[0])? == a[1].kind().name()))
}
fn f_type_is(_: &Ctx, a: &[Value]) -> Result<Value, String> {
    arity(a, 2)?;
    Ok(Value::Bool(s_arg(&a[0])? == a[1].type_name()))
}
fn f_type_is_like(_: &Ctx, a: &[Value]) -> Result<Value, String> {
    arity(a, 2)?;
    let t = s_arg(&a[0])?;
    let n = a[1].type_name();
    Ok(Value::Bool(t == n || format!("*{t}") == n))
}
fn f_deep_equal(_: &Ctx, a: &[Value]) -> Result<Value, String> {
    arity(a, 2)?;
    Ok(Value::Bool(deep_equal(&a[0], &a[1])))
}

// ------------------------------------------------------------------ semver

fn f_semver(_: &Ctx, a: &[Value]) -> Result<Value, String> {
    arity(a, 1)?;
    semver::Version::parse(&s_arg(&a[0])?)
        .map(Value::object)
        .map_err(|e| e.to_string())
}
fn f_semver_compare(_: &Ctx, a: &[Value]) -> Result<Value, String> {
    arity(a, 2)?;
    semver::semver_compare(&s_arg(&a[0])?, &s_arg(&a[1])?)
        .map(Value::Bool)
        .map_err(|e| e.to_string())
}

// ------------------------------------------------------------------ random & crypto

fn rand_string(ctx: &Ctx, a: &[Value], cs: Charset) -> Result<Value, String> {
    arity(a, 1)?;
    let n = i_arg(&a[0])?;
    if n < 0 {
        return Ok(Value::string(""));
    }
    if n as u64 > crate::generator::MAX_RANDOM_STRING_LEN as u64 {
        return Err(format!(
            "random string length {n} exceeds the limit of {}",
            crate::generator::MAX_RANDOM_STRING_LEN
        ));
    }
    Ok(Value::string(ctx.generator.random_string(cs, n as usize)))
}
fn f_rand_alpha_num(c: &Ctx, a: &[Value]) -> Result<Value, String> {
    rand_string(c, a, Charset::AlphaNum)
}
fn f_rand_alpha(c: &Ctx, a: &[Value]) -> Result<Value, String> {
    rand_string(c, a, Charset::Alpha)
}
fn f_rand_numeric(c: &Ctx, a: &[Value]) -> Result<Value, String> {
    rand_string(c, a, Charset::Numeric)
}
fn f_rand_ascii(c: &Ctx, a: &[Value]) -> Result<Value, String> {
    rand_string(c, a, Charset::Ascii)
}
fn f_uuidv4(c: &Ctx, a: &[Value]) -> Result<Value, String> {
    arity(a, 0)?;
    Ok(Value::string(c.generator.uuid_v4()))
}
fn f_shuffle(c: &Ctx, a: &[Value]) -> Result<Value, String> {
    arity(a, 1)?;
    let mut chars: Vec<char> = s_arg(&a[0])?.chars().collect();
    for i in (1..chars.len()).rev() {
        let j = c.generator.below(i as u64 + 1) as usize;
        chars.swap(i, j);
    }
    Ok(Value::string(chars.into_iter().collect::<String>()))
}

fn ip_list(v: &Value) -> Result<Vec<std::net::IpAddr>, String> {
    let items = match v {
        Value::Nil => return Ok(vec![]),
        other => other.items().ok_or_else(|| {
            format!(
                "wrong type for value; expected []interface {{}}; got {}",
                other.type_name()
            )
        })?,
    };
    items
        .iter()
        .map(|x| match x {
            Value::String(s) => s
                .parse::<std::net::IpAddr>()
                .map(|ip| match ip {
                    std::net::IpAddr::V6(v6) => {
                        v6.to_ipv4_mapped().map(std::net::IpAddr::V4).unwrap_or(ip)
                    }
                    v4 => v4,
                })
                .map_err(|_| format!("error parsing ip: {s}")),
            other => Err(format!(
                "error parsing ip: {} is not a string",
                other.to_v_string()
            )),
        })
        .collect()
}
fn dns_list(v: &Value) -> Result<Vec<String>, String> {
    let items = match v {
        Value::Nil => return Ok(vec![]),
        other => other.items().ok_or_else(|| {
            format!(
                "wrong type for value; expected []interface {{}}; got {}",
                other.type_name()
            )
        })?,
    };
    items
        .iter()
        .map(|x| match x {
            Value::String(s) => Ok(s.to_string()),
            other => Err(format!(
                "error processing alternate dns name: {} is not a string",
                other.to_v_string()
            )),
        })
        .collect()
}
fn cert_arg(v: &Value) -> Result<CertPair, String> {
    match v {
        Value::Object(o) if o.as_any().is::<CertPair>() => {
            Ok(downcast::<CertPair>(v).cloned().unwrap_or_default())
        }
        other => Err(format!(
            "wrong type for value; expected sprig.certificate; got {}",
            other.type_name()
        )),
    }
}
fn pki_err(e: crate::pki::PkiError) -> String {
    e.0
}
fn f_gen_private_key(c: &Ctx, a: &[Value]) -> Result<Value, String> {
    arity(a, 1)?;
    let kind = s_arg(&a[0])?;
    // sprig returns the message as the result for an unknown type
    Ok(Value::string(
        c.generator.private_key(&kind).unwrap_or_else(|e| e.0),
    ))
}
fn f_gen_ca(c: &Ctx, a: &[Value]) -> Result<Value, String> {
    arity(a, 2)?;
    c.generator
        .ca(&s_arg(&a[0])?, i_arg(&a[1])?, None)
        .map(Value::object)
        .map_err(pki_err)
}
fn f_gen_ca_with_key(c: &Ctx, a: &[Value]) -> Result<Value, String> {
    arity(a, 3)?;
    let key = s_arg(&a[2])?;
    c.generator
        .ca(&s_arg(&a[0])?, i_arg(&a[1])?, Some(&key))
        .map(Value::object)
        .map_err(pki_err)
}
fn f_gen_self_signed(c: &Ctx, a: &[Value]) -> Result<Value, String> {
    arity(a, 4)?;
    let (ips, dns) = (ip_list(&a[1])?, dns_list(&a[2])?);
    c.generator
        .self_signed(&s_arg(&a[0])?, &ips, &dns, i_arg(&a[3])?, None)
        .map(Value::object)
        .map_err(pki_err)
}
fn f_gen_self_signed_with_key(c: &Ctx, a: &[Value]) -> Result<Value, String> {
    arity(a, 5)?;
    let (ips, dns) = (ip_list(&a[1])?, dns_list(&a[2])?);
    let key = s_arg(&a[4])?;
    c.generator
        .self_signed(&s_arg(&a[0])?, &ips, &dns, i_arg(&a[3])?, Some(&key))
        .map(Value::object)
        .map_err(pki_err)
}
fn f_gen_signed(c: &Ctx, a: &[Value]) -> Result<Value, String> {
    arity(a, 5)?;
    let (ips, dns) = (ip_list(&a[1])?, dns_list(&a[2])?);
    let ca = cert_arg(&a[4])?;
    c.generator
        .signed(&s_arg(&a[0])?, &ips, &dns, i_arg(&a[3])?, &ca, None)
        .map(Value::object)
        .map_err(pki_err)
}
fn f_gen_signed_with_key(c: &Ctx, a: &[Value]) -> Result<Value, String> {
    arity(a, 6)?;
    let (ips, dns) = (ip_list(&a[1])?, dns_list(&a[2])?);
    let ca = cert_arg(&a[4])?;
    let key = s_arg(&a[5])?;
    c.generator
        .signed(&s_arg(&a[0])?, &ips, &dns, i_arg(&a[3])?, &ca, Some(&key))
        .map(Value::object)
        .map_err(pki_err)
}
fn f_build_custom_cert(_: &Ctx, a: &[Value]) -> Result<Value, String> {
    arity(a, 2)?;
    let eng = base64::engine::general_purpose::STANDARD;
    let cert = eng
        .decode(s_arg(&a[0])?)
        .map_err(|_| "unable to decode base64 certificate".to_string())?;
    let key = eng
        .decode(s_arg(&a[1])?)
        .map_err(|_| "unable to decode base64 private key".to_string())?;
    let cert = String::from_utf8_lossy(&cert).into_owned();
    let key = String::from_utf8_lossy(&key).into_owned();
    match crate::pki::pem_decode(&cert) {
        Some((label, _)) if label == "CERTIFICATE" => {}
        _ => return Err("unable to decode certificate".into()),
    }
    if crate::pki::pem_decode(&key).is_none() {
        return Err("unable to decode private key".into());
    }
    Ok(Value::object(CertPair { cert, key }))
}

// ------------------------------------------------------------------ dates

fn time_value(t: Timestamp) -> Value {
    Value::object(t)
}
fn time_arg(v: &Value) -> Option<Timestamp> {
    match v {
        Value::Object(_) => downcast::<Timestamp>(v).copied(),
        Value::Int(i) | Value::Int64(i) => Some(Timestamp { secs: *i, nanos: 0 }),
        _ => None,
    }
}
fn f_now(c: &Ctx, a: &[Value]) -> Result<Value, String> {
    arity(a, 0)?;
    Ok(time_value(c.generator.now()))
}
fn add_ns(t: Timestamp, ns: i64) -> Timestamp {
    let total = t.secs as i128 * 1_000_000_000 + t.nanos as i128 + ns as i128;
    Timestamp {
        secs: total.div_euclid(1_000_000_000) as i64,
        nanos: total.rem_euclid(1_000_000_000) as u32,
    }
}
fn f_date_modify(_: &Ctx, a: &[Value]) -> Result<Value, String> {
    arity(a, 2)?;
    let t = time_arg(&a[1]).ok_or("wrong type for value; expected time.Time")?;
    Ok(time_value(match duration::parse_duration(&s_arg(&a[0])?) {
        Ok(d) => add_ns(t, d),
        Err(_) => t,
    }))
}
fn f_must_date_modify(_: &Ctx, a: &[Value]) -> Result<Value, String> {
    arity(a, 2)?;
    let t = time_arg(&a[1]).ok_or("wrong type for value; expected time.Time")?;
    let d = duration::parse_duration(&s_arg(&a[0])?)?;
    Ok(time_value(add_ns(t, d)))
}
fn f_date(_: &Ctx, a: &[Value]) -> Result<Value, String> {
    arity(a, 2)?;
    let t = time_arg(&a[1]).unwrap_or_default();
    Ok(Value::string(format_in_zone(t, &s_arg(&a[0])?, "Local")))
}

/// `t.In(loc).Format(layout)` for the zone `name` loads, UTC when it loads nothing (as
/// sprig's `dateInZone` falls back).
fn format_in_zone(t: Timestamp, layout: &str, name: &str) -> String {
    match crate::tz::load(name) {
        Some(zone) => {
            let (offset, abbrev) = zone.lookup(t.secs);
            layout::format_in(t, layout, offset, &abbrev)
        }
        None => layout::format(t, layout),
    }
}
fn f_html_date(_: &Ctx, a: &[Value]) -> Result<Value, String> {
    arity(a, 1)?;
    let t = time_arg(&a[0]).unwrap_or_default();
    Ok(Value::string(layout::format(t, "2006-01-02")))
}
fn f_to_date(_: &Ctx, a: &[Value]) -> Result<Value, String> {
    arity(a, 2)?;
    Ok(time_value(
        layout::parse(&s_arg(&a[0])?, &s_arg(&a[1])?).unwrap_or(crate::value::GO_ZERO_TIME),
    ))
}
fn f_must_to_date(_: &Ctx, a: &[Value]) -> Result<Value, String> {
    arity(a, 2)?;
    layout::parse(&s_arg(&a[0])?, &s_arg(&a[1])?).map(time_value)
}
fn f_unix_epoch(_: &Ctx, a: &[Value]) -> Result<Value, String> {
    arity(a, 1)?;
    let t = time_arg(&a[0]).ok_or("wrong type for value; expected time.Time")?;
    Ok(Value::string(t.secs.to_string()))
}
fn f_duration(_: &Ctx, a: &[Value]) -> Result<Value, String> {
    arity(a, 1)?;
    // sprig only understands int64 and (base-10) string seconds; anything else is 0.
    let n = match &a[0] {
        Value::Int64(i) => *i,
        Value::String(s) => s.parse::<i64>().unwrap_or(0),
        _ => 0,
    };
    Ok(Value::string(duration::format_duration(
        n.wrapping_mul(1_000_000_000),
    )))
}

/// Every function of this module, by template name.
pub fn functions() -> Vec<(&'static str, Func)> {
    let mut v = base_functions();
    v.extend(more_functions());
    v.extend(json_functions());
    v.extend(date_functions());
    v.extend(rand_functions());
    v
}

fn base_functions() -> Vec<(&'static str, Func)> {
    vec![
        ("trim", f_trim),
        ("trimAll", f_trim_all),
        ("trimall", f_trim_all),
        ("trimPrefix", f_trim_prefix),
        ("trimSuffix", f_trim_suffix),
        ("trunc", f_trunc),
        ("substr", f_substr),
        ("lower", f_lower),
        ("upper", f_upper),
        ("title", f_title),
        ("untitle", f_untitle),
        ("swapcase", f_swapcase),
        ("replace", f_replace),
        ("contains", f_contains),
        ("hasPrefix", f_has_prefix),
        ("hasSuffix", f_has_suffix),
        ("split", f_split),
        ("splitn", f_splitn),
        ("splitList", f_split_list),
        ("join", f_join),
        ("quote", f_quote),
        ("squote", f_squote),
        ("cat", f_cat),
        ("indent", f_indent),
        ("nindent", f_nindent),
        ("repeat", f_repeat),
        ("nospace", f_nospace),
        ("abbrev", f_abbrev),
        ("abbrevboth", f_abbrevboth),
        ("initials", f_initials),
        ("wrap", f_wrap),
        ("wrapWith", f_wrap_with),
        ("plural", f_plural),
        ("regexMatch", f_regex_match),
        ("mustRegexMatch", f_must_regex_match),
        ("regexFind", f_regex_find),
        ("mustRegexFind", f_regex_find),
        ("regexFindAll", f_regex_find_all),
        ("mustRegexFindAll", f_regex_find_all),
        ("regexReplaceAll", f_regex_replace_all),
        ("mustRegexReplaceAll", f_regex_replace_all),
        ("regexReplaceAllLiteral", f_regex_replace_all_literal),
        ("mustRegexReplaceAllLiteral", f_regex_replace_all_literal),
        ("regexSplit", f_regex_split),
        ("mustRegexSplit", f_regex_split),
        ("regexQuoteMeta", f_regex_quote_meta),
        ("b64enc", f_b64enc),
        ("b64dec", f_b64dec),
        ("sha1sum", f_sha1sum),
        ("sha256sum", f_sha256sum),
        ("sha512sum", f_sha512sum),
        ("adler32sum", f_adler32sum),
        ("base", f_base),
        ("osBase", f_base),
        ("osDir", f_dir),
        ("osExt", f_ext),
        ("osClean", f_clean),
        ("osIsAbs", f_is_abs),
        ("snakecase", f_snakecase),
        ("kebabcase", f_kebabcase),
        ("camelcase", f_camelcase),
        ("hello", f_hello),
        ("urlParse", f_url_parse),
        ("urlJoin", f_url_join),
        ("getHostByName", f_get_host_by_name),
        ("derivePassword", f_derive_password),
        ("encryptAES", f_encrypt_aes),
        ("decryptAES", f_decrypt_aes),
        ("bcrypt", f_bcrypt),
        ("htpasswd", f_htpasswd),
        ("randBytes", f_rand_bytes),
        ("toDecimal", f_to_decimal),
        ("htmlDateInZone", f_html_date_in_zone),
        ("dir", f_dir),
        ("ext", f_ext),
        ("clean", f_clean),
        ("isAbs", f_is_abs),
        ("int", f_int),
        ("int64", f_int64),
        ("float64", f_float64),
        ("atoi", f_atoi),
        ("toString", f_to_string),
        ("toStrings", f_to_strings),
        ("default", f_default),
        ("empty", f_empty),
        ("coalesce", f_coalesce),
        ("ternary", f_ternary),
        ("all", f_all),
        ("any", f_any),
        ("list", f_list),
        ("tuple", f_list),
        ("append", f_append),
        ("push", f_append),
        ("mustAppend", f_append),
        ("mustPush", f_append),
        ("prepend", f_prepend),
        ("mustPrepend", f_prepend),
        ("concat", f_concat),
        ("first", f_first),
        ("mustFirst", f_first),
        ("last", f_last),
        ("mustLast", f_last),
        ("rest", f_rest),
        ("mustRest", f_rest),
        ("initial", f_initial),
        ("mustInitial", f_initial),
        ("has", f_has),
        ("mustHas", f_has),
        ("without", f_without),
        ("mustWithout", f_without),
        ("uniq", f_uniq),
        ("mustUniq", f_uniq),
        ("compact", f_compact),
        ("mustCompact", f_compact),
        ("reverse", f_reverse),
        ("mustReverse", f_reverse),
        ("sortAlpha", f_sort_alpha),
        ("slice", f_slice),
        ("mustSlice", f_slice),
        ("chunk", f_chunk),
        ("mustChunk", f_chunk),
        ("until", f_until),
        ("untilStep", f_until_step),
        ("seq", f_seq),
        ("dict", f_dict),
        ("get", f_get),
        ("set", f_set),
        ("unset", f_unset),
        ("hasKey", f_has_key),
        ("keys", f_keys),
        ("values", f_values),
        ("pluck", f_pluck),
        ("pick", f_pick),
        ("omit", f_omit),
        ("merge", f_merge),
        ("mustMerge", f_merge),
        ("mergeOverwrite", f_merge_overwrite),
        ("mustMergeOverwrite", f_merge_overwrite),
        ("deepCopy", f_deep_copy),
        ("mustDeepCopy", f_deep_copy),
        ("dig", f_dig),
        ("add", f_add),
        ("add1", f_add1),
        ("sub", f_sub),
        ("mul", f_mul),
        ("div", f_div),
        ("mod", f_mod),
        ("max", f_max),
        ("biggest", f_max),
        ("min", f_min),
        ("floor", f_floor),
        ("ceil", f_ceil),
        ("round", f_round),
        ("typeOf", f_type_of),
        ("kindOf", f_kind_of),
        ("kindIs", f_kind_is),
        ("typeIs", f_type_is),
        ("typeIsLike", f_type_is_like),
        ("deepEqual", f_deep_equal),
        ("semver", f_semver),
        ("semverCompare", f_semver_compare),
        ("randAlphaNum", f_rand_alpha_num),
        ("randAlpha", f_rand_alpha),
        ("randNumeric", f_rand_numeric),
        ("randAscii", f_rand_ascii),
        ("uuidv4", f_uuidv4),
        ("shuffle", f_shuffle),
        ("genPrivateKey", f_gen_private_key),
        ("genCA", f_gen_ca),
        ("genCAWithKey", f_gen_ca_with_key),
        ("genSelfSignedCert", f_gen_self_signed),
        ("genSelfSignedCertWithKey", f_gen_self_signed_with_key),
        ("genSignedCert", f_gen_signed),
        ("genSignedCertWithKey", f_gen_signed_with_key),
        ("buildCustomCert", f_build_custom_cert),
        ("now", f_now),
        ("dateModify", f_date_modify),
        ("mustDateModify", f_must_date_modify),
        ("date_modify", f_date_modify),
        ("must_date_modify", f_must_date_modify),
        ("date", f_date),
        ("htmlDate", f_html_date),
        ("toDate", f_to_date),
        ("mustToDate", f_must_to_date),
        ("unixEpoch", f_unix_epoch),
        ("duration", f_duration),
    ]
}

// ------------------------------------------------------------------ decimal float math

/// A finite decimal `mantissa * 10^exp` taken from the shortest representation of a float
/// (what shopspring/decimal's `NewFromFloat` does).
fn to_decimal(f: f64) -> Option<(i128, i32)> {
    if !f.is_finite() {
        return None;
    }
    if f == 0.0 {
        return Some((0, 0));
    }
    let e = format!("{:e}", f);
    let (mant, exp) = e.split_once('e')?;
    let exp: i32 = exp.parse().ok()?;
    let neg = mant.starts_with('-');
    let digits: String = mant.chars().filter(|c| c.is_ascii_digit()).collect();
    let m: i128 = digits.parse().ok()?;
    let scale = exp - (digits.len() as i32 - 1);
    Some((if neg { -m } else { m }, scale))
}

fn dec_to_f64((m, e): (i128, i32)) -> f64 {
    format!("{m}e{e}").parse().unwrap_or(f64::NAN)
}

fn dec_align(a: (i128, i32), b: (i128, i32)) -> Option<(i128, i128, i32)> {
    let e = a.1.min(b.1);
    let sa = 10i128.checked_pow((a.1 - e) as u32)?;
    let sb = 10i128.checked_pow((b.1 - e) as u32)?;
    Some((a.0.checked_mul(sa)?, b.0.checked_mul(sb)?, e))
}

fn dec_op(x: f64, y: f64, op: char) -> Result<f64, String> {
    if op == '/' && y == 0.0 {
        return Err("decimal division by 0".into());
    }
    let exact = (|| {
        let (a, b) = (to_decimal(x)?, to_decimal(y)?);
        match op {
            '+' | '-' => {
                let (ma, mb, e) = dec_align(a, b)?;
                let m = if op == '+' {
                    ma.checked_add(mb)?
                } else {
                    ma.checked_sub(mb)?
                };
                Some(dec_to_f64((m, e)))
            }
            '*' => Some(dec_to_f64((a.0.checked_mul(b.0)?, a.1.checked_add(b.1)?))),
            _ => {
                // 16 fractional digits, rounded half away from zero
                let k = 16 + a.1 - b.1;
                let (num, den) = if k >= 0 {
                    (a.0.checked_mul(10i128.checked_pow(k as u32)?)?, b.0)
                } else {
                    (a.0, b.0.checked_mul(10i128.checked_pow((-k) as u32)?)?)
                };
                let (q, r) = (num / den, num % den);
                let q = if r.unsigned_abs() * 2 >= den.unsigned_abs() {
                    if (num < 0) != (den < 0) { q - 1 } else { q + 1 }
                } else {
                    q
                };
                Some(dec_to_f64((q, -16)))
            }
        }
    })();
    Ok(match exact {
        Some(v) => v,
        None => match op {
            '+' => x + y,
            '-' => x - y,
            '*' => x * y,
            // decimal division keeps 16 fractional digits
            _ => {
                let q = x / y;
                format!("{q:.16}").parse().unwrap_or(q)
            }
        },
    })
}

fn dec_fold(start: f64, rest: &[Value], op: char) -> Result<Value, String> {
    let mut acc = start;
    for v in rest {
        acc = dec_op(acc, to_f64(v), op)?;
    }
    Ok(Value::Float64(acc))
}
fn f_addf(_: &Ctx, a: &[Value]) -> Result<Value, String> {
    dec_fold(0.0, a, '+')
}
fn f_add1f(_: &Ctx, a: &[Value]) -> Result<Value, String> {
    arity(a, 1)?;
    dec_fold(to_f64(&a[0]), &[Value::Float64(1.0)], '+')
}
fn f_subf(_: &Ctx, a: &[Value]) -> Result<Value, String> {
    match a.split_first() {
        Some((first, rest)) => dec_fold(to_f64(first), rest, '-'),
        None => Err("wrong number of args: want at least 1 got 0".into()),
    }
}
fn f_mulf(_: &Ctx, a: &[Value]) -> Result<Value, String> {
    match a.split_first() {
        Some((first, rest)) => dec_fold(to_f64(first), rest, '*'),
        None => Err("wrong number of args: want at least 1 got 0".into()),
    }
}
fn f_divf(_: &Ctx, a: &[Value]) -> Result<Value, String> {
    match a.split_first() {
        Some((first, rest)) => dec_fold(to_f64(first), rest, '/'),
        None => Err("wrong number of args: want at least 1 got 0".into()),
    }
}
fn f_maxf(_: &Ctx, a: &[Value]) -> Result<Value, String> {
    let mut it = a.iter().map(to_f64);
    let first = it.next().unwrap_or(0.0);
    Ok(Value::Float64(it.fold(first, go_max)))
}
fn f_minf(_: &Ctx, a: &[Value]) -> Result<Value, String> {
    let mut it = a.iter().map(to_f64);
    let first = it.next().unwrap_or(0.0);
    Ok(Value::Float64(it.fold(first, go_min)))
}
fn go_max(x: f64, y: f64) -> f64 {
    if x.is_nan() || y.is_nan() {
        f64::NAN
    } else {
        x.max(y)
    }
}
fn go_min(x: f64, y: f64) -> f64 {
    if x.is_nan() || y.is_nan() {
        f64::NAN
    } else {
        x.min(y)
    }
}

// ------------------------------------------------------------------ base32

const B32: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

fn b32_encode(data: &[u8]) -> String {
    let mut out = String::new();
    for chunk in data.chunks(5) {
        let mut buf = [0u8; 5];
        buf[..chunk.len()].copy_from_slice(chunk);
        let v = buf.iter().fold(0u64, |acc, b| (acc << 8) | *b as u64);
        let chars = match chunk.len() {
            1 => 2,
            2 => 4,
            3 => 5,
            4 => 7,
            _ => 8,
        };
        for i in 0..8 {
            if i < chars {
                out.push(B32[((v >> (35 - i * 5)) & 31) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn b32_decode(s: &str) -> Result<Vec<u8>, String> {
    let s = s.trim_end_matches('=');
    let mut out = Vec::new();
    let (mut acc, mut bits) = (0u64, 0u32);
    for (i, c) in s.bytes().enumerate() {
        let v = B32
            .iter()
            .position(|x| *x == c)
            .ok_or_else(|| format!("illegal base32 data at input byte {i}"))?;
        acc = (acc << 5) | v as u64;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Ok(out)
}

fn f_b32enc(_: &Ctx, a: &[Value]) -> Result<Value, String> {
    arity(a, 1)?;
    Ok(Value::string(b32_encode(s_arg(&a[0])?.as_bytes())))
}
fn f_b32dec(_: &Ctx, a: &[Value]) -> Result<Value, String> {
    arity(a, 1)?;
    // like b64dec, sprig returns the error text as the result
    Ok(Value::string(match b32_decode(&s_arg(&a[0])?) {
        Ok(b) => String::from_utf8_lossy(&b).into_owned(),
        Err(e) => e,
    }))
}

/// Functions added after the first table.
pub fn more_functions() -> Vec<(&'static str, Func)> {
    vec![
        ("addf", f_addf),
        ("add1f", f_add1f),
        ("subf", f_subf),
        ("mulf", f_mulf),
        ("divf", f_divf),
        ("maxf", f_maxf),
        ("minf", f_minf),
        ("b32enc", f_b32enc),
        ("b32dec", f_b32dec),
    ]
}

// ------------------------------------------------------------------ JSON

fn f_to_json(_: &Ctx, a: &[Value]) -> Result<Value, String> {
    arity(a, 1)?;
    crate::json::encode(&a[0], true, None).map(Value::from)
}
fn f_to_raw_json(_: &Ctx, a: &[Value]) -> Result<Value, String> {
    arity(a, 1)?;
    crate::json::encode(&a[0], false, None).map(Value::from)
}
fn f_to_pretty_json(_: &Ctx, a: &[Value]) -> Result<Value, String> {
    arity(a, 1)?;
    crate::json::encode(&a[0], true, Some("  ")).map(Value::from)
}

/// JSON encoders (`toJson` is usually replaced by the host's own, e.g. Helm's).
pub fn json_functions() -> Vec<(&'static str, Func)> {
    vec![
        ("toJson", f_to_json),
        ("mustToJson", f_to_json),
        ("toRawJson", f_to_raw_json),
        ("mustToRawJson", f_to_raw_json),
        ("toPrettyJson", f_to_pretty_json),
        ("mustToPrettyJson", f_to_pretty_json),
    ]
}

// ------------------------------------------------------------------ more dates

fn f_date_in_zone(_: &Ctx, a: &[Value]) -> Result<Value, String> {
    arity(a, 3)?;
    let t = time_arg(&a[1]).unwrap_or_default();
    Ok(Value::string(format_in_zone(
        t,
        &s_arg(&a[0])?,
        &s_arg(&a[2])?,
    )))
}
fn since_ns(now: Timestamp, t: Timestamp) -> i64 {
    let d =
        (now.secs as i128 - t.secs as i128) * 1_000_000_000 + now.nanos as i128 - t.nanos as i128;
    d.clamp(i64::MIN as i128, i64::MAX as i128) as i64
}
fn f_duration_round(c: &Ctx, a: &[Value]) -> Result<Value, String> {
    arity(a, 1)?;
    let d: i64 = match &a[0] {
        Value::String(s) => duration::parse_duration(s).unwrap_or(0),
        Value::Int64(i) => *i,
        v @ Value::Object(_) => match downcast::<Timestamp>(v) {
            Some(t) => since_ns(c.generator.now(), *t),
            None => 0,
        },
        _ => 0,
    };
    let u = d.unsigned_abs();
    const H: u64 = 3_600_000_000_000;
    let units: [(u64, &str); 6] = [
        (H * 24 * 365, "y"),
        (H * 24 * 30, "mo"),
        (H * 24, "d"),
        (H, "h"),
        (60_000_000_000, "m"),
        (1_000_000_000, "s"),
    ];
    for (size, name) in units {
        if u > size {
            return Ok(Value::string(format!("{}{name}", u / size)));
        }
    }
    Ok(Value::string("0s"))
}
fn f_ago(c: &Ctx, a: &[Value]) -> Result<Value, String> {
    arity(a, 1)?;
    let t = time_arg(&a[0]).ok_or("wrong type for value; expected time.Time")?;
    let d = since_ns(c.generator.now(), t);
    // Round(time.Second): half away from zero
    let r = ((d as i128 + if d >= 0 { 500_000_000 } else { -500_000_000 }) / 1_000_000_000)
        * 1_000_000_000;
    Ok(Value::string(duration::format_duration(
        r.clamp(i64::MIN as i128, i64::MAX as i128) as i64,
    )))
}

/// Date functions beyond the first table.
pub fn date_functions() -> Vec<(&'static str, Func)> {
    vec![
        ("dateInZone", f_date_in_zone),
        ("date_in_zone", f_date_in_zone),
        ("durationRound", f_duration_round),
        ("ago", f_ago),
    ]
}

fn f_rand_int(c: &Ctx, a: &[Value]) -> Result<Value, String> {
    arity(a, 2)?;
    let (lo, hi) = (to_i64(&a[0]), to_i64(&a[1]));
    let span = hi.wrapping_sub(lo);
    if span <= 0 {
        return Err("invalid argument to Intn".into());
    }
    Ok(Value::Int(
        lo.wrapping_add(c.generator.below(span as u64) as i64),
    ))
}

/// Random integers (`randInt MIN MAX`: MIN <= n < MAX).
pub fn rand_functions() -> Vec<(&'static str, Func)> {
    vec![("randInt", f_rand_int)]
}

// ------------------------------------------------------------------ Go signatures

// ------------------------------------------------------------------ added: cases, URLs, paths, crypto

fn f_snakecase(_: &Ctx, a: &[Value]) -> Result<Value, String> {
    arity(a, 1)?;
    Ok(Value::from(crate::case::to_lower_words(
        &s_arg(&a[0])?,
        '_',
    )))
}
fn f_kebabcase(_: &Ctx, a: &[Value]) -> Result<Value, String> {
    arity(a, 1)?;
    Ok(Value::from(crate::case::to_lower_words(
        &s_arg(&a[0])?,
        '-',
    )))
}
fn f_camelcase(_: &Ctx, a: &[Value]) -> Result<Value, String> {
    arity(a, 1)?;
    Ok(Value::from(crate::case::to_camel(&s_arg(&a[0])?)))
}
fn f_hello(_: &Ctx, a: &[Value]) -> Result<Value, String> {
    arity(a, 0)?;
    Ok(Value::string("Hello!"))
}
fn f_url_parse(_: &Ctx, a: &[Value]) -> Result<Value, String> {
    arity(a, 1)?;
    let u = crate::url::parse(&s_arg(&a[0])?).map_err(|e| format!("unable to parse url: {e}"))?;
    let mut m = BTreeMap::new();
    let mut put = |k: &str, v: String| {
        m.insert(k.to_string(), Value::from(v));
    };
    put("scheme", u.scheme.clone());
    put("host", u.host.clone());
    put("hostname", u.hostname());
    put("path", u.path.clone());
    put("query", u.raw_query.clone());
    put("opaque", u.opaque.clone());
    put("fragment", u.fragment.clone());
    put("userinfo", u.userinfo_string());
    Ok(Value::map(m))
}
fn f_url_join(_: &Ctx, a: &[Value]) -> Result<Value, String> {
    arity(a, 1)?;
    let m = map_arg(&a[0])?;
    let m = m.borrow();
    let key = |k: &str| -> Result<String, String> {
        match m.get(k) {
            None => Ok(String::new()),
            Some(Value::String(s)) => Ok(s.to_string()),
            Some(v) => Err(format!(
                "unable to parse {k} key, must be of type string, but {} found",
                v.type_name()
            )),
        }
    };
    let mut u = crate::url::Url {
        scheme: key("scheme")?,
        host: key("host")?,
        path: key("path")?,
        raw_query: key("query")?,
        opaque: key("opaque")?,
        fragment: key("fragment")?,
        ..Default::default()
    };
    let userinfo = key("userinfo")?;
    if !userinfo.is_empty() {
        let tmp = crate::url::parse(&format!("proto://{userinfo}@host"))
            .map_err(|e| format!("unable to parse userinfo in dict: {e}"))?;
        u.user = tmp.user;
    }
    Ok(Value::from(u.to_string()))
}
fn f_get_host_by_name(_: &Ctx, a: &[Value]) -> Result<Value, String> {
    arity(a, 1)?;
    // Helm answers "" unless DNS lookups are enabled (--enable-dns); renders here never
    // resolve names.
    s_arg(&a[0])?;
    Ok(Value::string(""))
}
fn f_derive_password(_: &Ctx, a: &[Value]) -> Result<Value, String> {
    arity(a, 5)?;
    // Go's parameter is uint32: integer constants convert, other values do not.
    let counter = match &a[0] {
        Value::Int(i) if (0..=u32::MAX as i64).contains(i) => *i as u32,
        Value::Int(i) => return Err(format!("constant {i} overflows uint32")),
        Value::Nil => return Err("cannot assign nil to uint32".into()),
        other => {
            return Err(format!(
                "wrong type for value; expected uint32; got {}",
                other.type_name()
            ));
        }
    };
    Ok(Value::from(crate::crypto::derive_password(
        counter,
        &s_arg(&a[1])?,
        &s_arg(&a[2])?,
        &s_arg(&a[3])?,
        &s_arg(&a[4])?,
    )))
}
fn f_encrypt_aes(c: &Ctx, a: &[Value]) -> Result<Value, String> {
    arity(a, 2)?;
    let (key, text) = (s_arg(&a[0])?, s_arg(&a[1])?);
    if text.is_empty() {
        return Ok(Value::string(""));
    }
    let mut iv = [0u8; 16];
    let b = c.generator.random_bytes("encryptAES", 16);
    iv.copy_from_slice(&b[..16]);
    Ok(Value::from(crate::crypto::encrypt_aes(&key, &text, iv)))
}
fn f_decrypt_aes(_: &Ctx, a: &[Value]) -> Result<Value, String> {
    arity(a, 2)?;
    crate::crypto::decrypt_aes(&s_arg(&a[0])?, &s_arg(&a[1])?).map(Value::from)
}
fn bcrypt_with(c: &Ctx, input: &str) -> String {
    let mut salt = [0u8; 16];
    salt.copy_from_slice(&c.generator.random_bytes("bcrypt", 16)[..16]);
    crate::crypto::bcrypt_hash(input, salt)
}
fn f_bcrypt(c: &Ctx, a: &[Value]) -> Result<Value, String> {
    arity(a, 1)?;
    Ok(Value::from(bcrypt_with(c, &s_arg(&a[0])?)))
}
fn f_htpasswd(c: &Ctx, a: &[Value]) -> Result<Value, String> {
    arity(a, 2)?;
    let (user, password) = (s_arg(&a[0])?, s_arg(&a[1])?);
    if user.contains(':') {
        return Ok(Value::from(format!("invalid username: {user}")));
    }
    Ok(Value::from(format!("{user}:{}", bcrypt_with(c, &password))))
}
fn f_rand_bytes(c: &Ctx, a: &[Value]) -> Result<Value, String> {
    arity(a, 1)?;
    let n = i_arg(&a[0])?;
    if n < 0 {
        return Err(format!("runtime error: makeslice: len out of range ({n})"));
    }
    let n = (n as usize).min(crate::generator::MAX_RANDOM_STRING_LEN);
    Ok(Value::from(
        base64::engine::general_purpose::STANDARD.encode(c.generator.random_bytes("randBytes", n)),
    ))
}
fn f_to_decimal(_: &Ctx, a: &[Value]) -> Result<Value, String> {
    arity(a, 1)?;
    // strconv.ParseInt(fmt.Sprint(v), 8, 64); any error gives 0
    let s = a[0].to_v_string();
    let (neg, digits) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s.as_str()),
    };
    let n = if digits.is_empty() || !digits.bytes().all(|c| (b'0'..=b'7').contains(&c)) {
        0
    } else {
        match i128::from_str_radix(digits, 8) {
            Ok(v) => {
                let v = if neg { -v } else { v };
                i64::try_from(v).unwrap_or(0)
            }
            Err(_) => 0,
        }
    };
    Ok(Value::Int64(n))
}
fn f_html_date_in_zone(_: &Ctx, a: &[Value]) -> Result<Value, String> {
    arity(a, 2)?;
    let t = time_arg(&a[0]).unwrap_or_default();
    Ok(Value::string(format_in_zone(
        t,
        "2006-01-02",
        &s_arg(&a[1])?,
    )))
}

/// The Go parameter types of a function, as a compact code: `s` string, `i` int, `I` int64,
/// `f` float64, `b` bool, `a` interface {}, `m` map[string]interface {}, `l` []interface {},
/// `c` sprig.certificate, `t` time.Time; a trailing `...` makes the last one variadic.
/// `None` for a name this module does not define.
pub fn go_signature(name: &str) -> Option<&'static str> {
    Some(match name {
        "trim" | "lower" | "upper" | "title" | "untitle" | "swapcase" | "nospace" | "initials"
        | "regexQuoteMeta" | "b64enc" | "b64dec" | "b32enc" | "b32dec" | "sha1sum"
        | "sha256sum" | "sha512sum" | "adler32sum" | "base" | "dir" | "ext" | "clean" | "isAbs"
        | "atoi" | "semver" | "shuffle" | "genPrivateKey" | "osBase" | "osDir" | "osExt"
        | "osClean" | "osIsAbs" | "snakecase" | "kebabcase" | "camelcase" | "urlParse"
        | "getHostByName" | "bcrypt" => "s",
        "hello" => "",
        "urlJoin" => "m",
        "derivePassword" => "assss",
        "encryptAES" | "decryptAES" | "htpasswd" => "ss",
        "randBytes" => "i",
        "toDecimal" => "a",
        "htmlDateInZone" => "as",
        "trimAll" | "trimall" | "trimPrefix" | "trimSuffix" | "contains" | "hasPrefix"
        | "hasSuffix" | "split" | "splitList" | "regexMatch" | "mustRegexMatch" | "regexFind"
        | "mustRegexFind" | "semverCompare" | "buildCustomCert" | "toDate" | "mustToDate" => "ss",
        "trunc" | "indent" | "nindent" | "repeat" | "abbrev" | "wrap" => "is",
        "substr" | "abbrevboth" => "iis",
        "replace"
        | "regexReplaceAll"
        | "mustRegexReplaceAll"
        | "regexReplaceAllLiteral"
        | "mustRegexReplaceAllLiteral" => "sss",
        "splitn" => "sis",
        "join" | "kindIs" | "typeIs" | "typeIsLike" | "date" => "sa",
        "wrapWith" => "iss",
        "plural" => "ssi",
        "regexFindAll" | "mustRegexFindAll" | "regexSplit" | "mustRegexSplit" => "ssi",
        "quote" | "squote" | "cat" | "coalesce" | "all" | "any" | "list" | "tuple" | "concat"
        | "dict" | "dig" | "add" | "addf" => "a...",
        "int" | "int64" | "float64" | "toString" | "toStrings" | "empty" | "first"
        | "mustFirst" | "last" | "mustLast" | "rest" | "mustRest" | "initial" | "mustInitial"
        | "uniq" | "mustUniq" | "compact" | "mustCompact" | "reverse" | "mustReverse"
        | "sortAlpha" | "deepCopy" | "mustDeepCopy" | "add1" | "add1f" | "floor" | "ceil"
        | "typeOf" | "kindOf" | "htmlDate" | "duration" | "durationRound" | "ago" | "toJson"
        | "mustToJson" | "toRawJson" | "mustToRawJson" | "toPrettyJson" | "mustToPrettyJson" => "a",
        "default" | "without" | "mustWithout" | "slice" | "mustSlice" | "mul" | "max"
        | "biggest" | "min" | "subf" | "mulf" | "divf" | "maxf" | "minf" => "aa...",
        "ternary" => "aab",
        "append" | "push" | "mustAppend" | "mustPush" | "prepend" | "mustPrepend" | "has"
        | "mustHas" | "sub" | "div" | "mod" | "deepEqual" => "aa",
        "chunk" | "mustChunk" => "ia",
        "until" | "randAlphaNum" | "randAlpha" | "randNumeric" | "randAscii" => "i",
        "untilStep" => "iii",
        "seq" => "i...",
        "get" | "unset" | "hasKey" => "ms",
        "set" => "msa",
        "keys" => "m...",
        "values" => "m",
        "pluck" => "sm...",
        "pick" | "omit" => "ms...",
        "merge" | "mustMerge" | "mergeOverwrite" | "mustMergeOverwrite" => "mm...",
        "round" => "aif...",
        "uuidv4" | "now" => "",
        "randInt" => "ii",
        "genCA" => "si",
        "genCAWithKey" => "sis",
        "genSelfSignedCert" => "slli",
        "genSelfSignedCertWithKey" => "sllis",
        "genSignedCert" => "sllic",
        "genSignedCertWithKey" => "sllics",
        "dateModify" | "mustDateModify" | "date_modify" | "must_date_modify" => "st",
        "unixEpoch" => "t",
        "dateInZone" | "date_in_zone" => "sas",
        _ => return None,
    })
}
