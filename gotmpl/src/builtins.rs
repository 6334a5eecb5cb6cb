//! Go's predefined template functions (except `and`/`or`, which the evaluator runs lazily).

use crate::error::Error;
use crate::value::Value;

fn err(msg: impl Into<String>) -> Error {
    Error::function(msg)
}

/// Runs a builtin; `None` when `name` is not one.
pub(crate) fn call_builtin(name: &str, args: &[Value]) -> Option<Result<Value, Error>> {
    Some(match name {
        "not" => arity(name, args, 1).map(|_| Value::Bool(!args[0].is_true())),
        "len" => arity(name, args, 1).and_then(|_| match args[0].go_len() {
            Some(n) => Ok(Value::Int(n as i64)),
            None if args[0].is_nil() => Err(err("len of nil pointer")),
            None => Err(err(format!("len of type {}", args[0].type_name()))),
        }),
        "index" => index(args),
        "eq" => eq(args).map(Value::Bool),
        "ne" => arity(name, args, 2).and_then(|_| eq(args).map(|b| Value::Bool(!b))),
        "lt" | "le" | "gt" | "ge" => arity(name, args, 2).and_then(|_| {
            let lt = less(&args[0], &args[1])?;
            Ok(Value::Bool(match name {
                "lt" => lt,
                "ge" => !lt,
                _ => {
                    let e = eq(args)?;
                    if name == "le" { lt || e } else { !lt && !e }
                }
            }))
        }),
        "print" => Ok(Value::from(sprint(args))),
        "println" => {
            let mut s = args
                .iter()
                .map(Value::to_v_string)
                .collect::<Vec<_>>()
                .join(" ");
            s.push('\n');
            Ok(Value::from(s))
        }
        "printf" => match args.first() {
            Some(Value::String(f)) => Ok(Value::from(crate::printf::sprintf(f, &args[1..]))),
            Some(other) => Err(err(format!(
                "wrong type for value; expected string; got {}",
                other.type_name()
            ))),
            None => Err(err(
                "wrong number of args for printf: want at least 1 got 0",
            )),
        },
        "html" => Ok(Value::from(html_escape(&eval_args(args)))),
        "urlquery" => Ok(Value::from(url_query(&eval_args(args)))),
        "js" => Ok(Value::from(js_escape(&eval_args(args)))),
        "slice" | "call" => Err(err(format!("{name} is not supported"))),
        _ => return None,
    })
}

fn arity(name: &str, args: &[Value], n: usize) -> Result<(), Error> {
    if args.len() != n {
        return Err(err(format!(
            "wrong number of args for {name}: want {n} got {}",
            args.len()
        )));
    }
    Ok(())
}

/// `fmt.Sprint`: spaces between operands when neither side is a string.
pub(crate) fn sprint(args: &[Value]) -> String {
    let mut s = String::new();
    for (i, a) in args.iter().enumerate() {
        if i > 0 && !matches!(a, Value::String(_)) && !matches!(args[i - 1], Value::String(_)) {
            s.push(' ');
        }
        a.format_v(&mut s);
    }
    s
}

fn eval_args(args: &[Value]) -> String {
    if let [Value::String(s)] = args {
        return s.to_string();
    }
    sprint(args)
}

fn html_escape(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '"' => o.push_str("&#34;"),
            '\'' => o.push_str("&#39;"),
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '\0' => o.push('\u{FFFD}'),
            c => o.push(c),
        }
    }
    o
}

fn url_query(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                o.push(b as char)
            }
            b' ' => o.push('+'),
            _ => o.push_str(&format!("%{b:02X}")),
        }
    }
    o
}

fn js_escape(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => o.push_str("\\\\"),
            '\'' => o.push_str("\\'"),
            '"' => o.push_str("\\\""),
            '<' => o.push_str("\\u003C"),
            '>' => o.push_str("\\u003E"),
            '&' => o.push_str("\\u0026"),
            '=' => o.push_str("\\u003D"),
            '\n' => o.push_str("\\n"),
            '\r' => o.push_str("\\r"),
            '\t' => o.push_str("\\t"),
            c if (c as u32) < 0x20 => o.push_str(&format!("\\u{:04X}", c as u32)),
            c => o.push(c),
        }
    }
    o
}

fn index(args: &[Value]) -> Result<Value, Error> {
    let Some((first, idx)) = args.split_first() else {
        return Err(err("wrong number of args for index: want at least 1 got 0"));
    };
    let mut cur = first.clone();
    for i in idx {
        cur = match (&cur, i) {
            (Value::Nil, _) => return Err(err("index of untyped nil")),
            (Value::Object(o), k) => match o.index(k) {
                Some(r) => r?,
                None => {
                    return Err(err(format!(
                        "can't index item of type {}",
                        o.go_type_name()
                    )));
                }
            },
            (Value::Map(m), Value::String(k)) => {
                m.borrow().get(&**k).cloned().unwrap_or(Value::Nil)
            }
            (Value::StringMap(m), Value::String(k)) => {
                Value::from(m.get(&**k).cloned().unwrap_or_default())
            }
            (Value::Map(_) | Value::StringMap(_), Value::Nil) => {
                return Err(err("value is nil; should be of type string"));
            }
            (Value::Map(_) | Value::StringMap(_), k) => {
                return Err(err(format!(
                    "value has type {}; should be string",
                    k.type_name()
                )));
            }
            (Value::List(_) | Value::StringList(_) | Value::Bytes(_) | Value::String(_), k) => {
                let n = match k {
                    Value::Int(n) | Value::Int64(n) => *n,
                    Value::Uint64(u) => i64::try_from(*u).unwrap_or(i64::MAX),
                    Value::Nil => return Err(err("cannot index slice/array with nil")),
                    other => {
                        return Err(err(format!(
                            "cannot index slice/array with type {}",
                            other.type_name()
                        )));
                    }
                };
                let len = cur.go_len().unwrap_or(0) as i64;
                if n < 0 || n >= len {
                    return Err(err(format!("index out of range: {n}")));
                }
                let n = n as usize;
                match &cur {
                    Value::List(l) => l.borrow()[n].clone(),
                    Value::StringList(l) => Value::from(l[n].as_str()),
                    Value::Bytes(b) => Value::Int(b[n] as i64),
                    Value::String(s) => Value::Int(s.as_bytes()[n] as i64),
                    _ => Value::Nil,
                }
            }
            (other, _) => {
                return Err(err(format!(
                    "can't index item of type {}",
                    other.type_name()
                )));
            }
        };
    }
    Ok(cur)
}

#[derive(PartialEq, Clone, Copy)]
enum BasicKind {
    Invalid,
    Bool,
    Int,
    Uint,
    Float,
    String,
    Other,
}

fn basic_kind(v: &Value) -> BasicKind {
    match v {
        Value::Nil => BasicKind::Invalid,
        Value::Bool(_) => BasicKind::Bool,
        Value::Int(_) | Value::Int64(_) => BasicKind::Int,
        Value::Uint64(_) => BasicKind::Uint,
        Value::Float64(_) => BasicKind::Float,
        Value::String(_) => BasicKind::String,
        _ => BasicKind::Other,
    }
}

fn int_of(v: &Value) -> i64 {
    match v {
        Value::Int(i) | Value::Int64(i) => *i,
        _ => 0,
    }
}

fn eq(args: &[Value]) -> Result<bool, Error> {
    let Some((a, rest)) = args.split_first() else {
        return Err(err("wrong number of args for eq: want at least 1 got 0"));
    };
    if rest.is_empty() {
        return Err(err("missing argument for comparison"));
    }
    let k1 = basic_kind(a);
    for b in rest {
        let k2 = basic_kind(b);
        let truth = if k1 != k2 {
            match (k1, k2, a, b) {
                (BasicKind::Int, BasicKind::Uint, _, Value::Uint64(u)) => {
                    int_of(a) >= 0 && int_of(a) as u64 == *u
                }
                (BasicKind::Uint, BasicKind::Int, Value::Uint64(u), _) => {
                    int_of(b) >= 0 && int_of(b) as u64 == *u
                }
                _ => {
                    if !a.is_nil() && !b.is_nil() {
                        return Err(err("incompatible types for comparison"));
                    }
                    false
                }
            }
        } else {
            match (a, b) {
                (Value::Bool(x), Value::Bool(y)) => x == y,
                (Value::Float64(x), Value::Float64(y)) => x == y,
                (Value::Uint64(x), Value::Uint64(y)) => x == y,
                (Value::String(x), Value::String(y)) => x == y,
                _ if k1 == BasicKind::Int => int_of(a) == int_of(b),
                (Value::Nil, Value::Nil) => true,
                // Go compares pointers by address and comparable structs field by field.
                (Value::Object(x), Value::Object(y)) if x.kind() == crate::value::Kind::Ptr => {
                    std::ptr::addr_eq(std::rc::Rc::as_ptr(x), std::rc::Rc::as_ptr(y))
                }
                (Value::Object(x), Value::Object(y)) if x.equals(y.as_ref()).is_some() => {
                    x.equals(y.as_ref()).unwrap_or(false)
                }
                _ => {
                    return Err(err(format!(
                        "non-comparable type {}: {}",
                        a.to_v_string(),
                        a.type_name()
                    )));
                }
            }
        };
        if truth {
            return Ok(true);
        }
    }
    Ok(false)
}

fn less(a: &Value, b: &Value) -> Result<bool, Error> {
    let (k1, k2) = (basic_kind(a), basic_kind(b));
    let invalid = |k| matches!(k, BasicKind::Invalid | BasicKind::Bool | BasicKind::Other);
    if invalid(k1) || invalid(k2) {
        return Err(err("invalid type for comparison"));
    }
    if k1 != k2 {
        return match (a, b) {
            (_, Value::Uint64(u)) if k1 == BasicKind::Int => {
                Ok(int_of(a) < 0 || (int_of(a) as u64) < *u)
            }
            (Value::Uint64(u), _) if k2 == BasicKind::Int => {
                Ok(int_of(b) >= 0 && *u < int_of(b) as u64)
            }
            _ => Err(err("incompatible types for comparison")),
        };
    }
    Ok(match (a, b) {
        (Value::Float64(x), Value::Float64(y)) => x < y,
        (Value::Uint64(x), Value::Uint64(y)) => x < y,
        (Value::String(x), Value::String(y)) => x < y,
        _ => int_of(a) < int_of(b),
    })
}
