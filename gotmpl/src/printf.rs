//! A subset of Go's `fmt.Sprintf` (`%v %s %d %q %t %f %x %%`, width, `-` and `0` flags,
//! precision), with Go's `%!verb(type=value)`, `%!v(MISSING)` and `%!(EXTRA …)` forms.

use crate::format::format_float_v;
use crate::value::Value;

pub fn sprintf(fmt: &str, args: &[Value]) -> String {
    let mut out = String::with_capacity(fmt.len() + 16);
    let mut ai = 0;
    let mut chars = fmt.char_indices().peekable();
    while let Some((_, c)) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let mut minus = false;
        let mut zero = false;
        let mut plus = false;
        while let Some(&(_, f)) = chars.peek() {
            match f {
                '-' => minus = true,
                '0' => zero = true,
                '+' => plus = true,
                ' ' | '#' => {}
                _ => break,
            }
            chars.next();
        }
        let mut width: Option<usize> = None;
        while let Some(&(_, d)) = chars.peek() {
            if let Some(v) = d.to_digit(10) {
                width = Some(
                    width
                        .unwrap_or(0)
                        .saturating_mul(10)
                        .saturating_add(v as usize)
                        .min(1 << 16),
                );
                chars.next();
            } else {
                break;
            }
        }
        let mut prec: Option<usize> = None;
        if let Some(&(_, '.')) = chars.peek() {
            chars.next();
            let mut p = 0usize;
            while let Some(&(_, d)) = chars.peek() {
                if let Some(v) = d.to_digit(10) {
                    p = p.saturating_mul(10).saturating_add(v as usize).min(1 << 16);
                    chars.next();
                } else {
                    break;
                }
            }
            prec = Some(p);
        }
        let Some((_, verb)) = chars.next() else {
            out.push_str("%!(NOVERB)");
            break;
        };
        if verb == '%' {
            out.push('%');
            continue;
        }
        if verb == 'T' {
            if let Some(arg) = args.get(ai) {
                ai += 1;
                pad(&mut out, &arg.type_name(), width, minus, false);
            } else {
                out.push_str("%!T(MISSING)");
            }
            continue;
        }
        let Some(arg) = args.get(ai) else {
            out.push_str(&format!("%!{verb}(MISSING)"));
            continue;
        };
        ai += 1;
        let body = match (verb, arg) {
            ('v', Value::Float64(f)) if prec.is_none() => sign(plus, format_float_v(*f)),
            ('v', _) | ('s', Value::String(_)) => arg.to_v_string(),
            ('s', Value::List(_) | Value::StringList(_) | Value::Map(_) | Value::StringMap(_)) => {
                arg.to_v_string()
            }
            ('s', Value::Bytes(b)) => String::from_utf8_lossy(b).into_owned(),
            ('d', Value::Int(i) | Value::Int64(i)) => sign(plus, i.to_string()),
            ('d', Value::Uint64(u)) => sign(plus, u.to_string()),
            ('t', Value::Bool(b)) => b.to_string(),
            ('q', Value::String(s)) => go_quote(s),
            ('x', Value::Int(i) | Value::Int64(i)) => {
                if *i < 0 {
                    format!("-{:x}", i.unsigned_abs())
                } else {
                    format!("{i:x}")
                }
            }
            ('X', Value::Int(i) | Value::Int64(i)) => {
                if *i < 0 {
                    format!("-{:X}", i.unsigned_abs())
                } else {
                    format!("{i:X}")
                }
            }
            ('x', Value::String(s)) => s.bytes().map(|b| format!("{b:02x}")).collect(),
            ('X', Value::String(s)) => s.bytes().map(|b| format!("{b:02X}")).collect(),
            ('g', Value::Float64(f)) if prec.is_none() => sign(plus, format_float_v(*f)),
            ('e', Value::Float64(f)) => {
                sign(plus, go_exp(&format!("{:.*e}", prec.unwrap_or(6), f)))
            }
            ('f' | 'F', Value::Float64(f)) => sign(plus, format!("{:.*}", prec.unwrap_or(6), f)),
            ('c', Value::Int(i) | Value::Int64(i)) => {
                char::from_u32(*i as u32).unwrap_or('\u{FFFD}').to_string()
            }
            ('o', Value::Int(i) | Value::Int64(i)) => format!("{i:o}"),
            ('b', Value::Int(i) | Value::Int64(i)) => format!("{i:b}"),
            (_, Value::Nil) => format!("%!{verb}(<nil>)"),
            _ => format!("%!{verb}({}={})", arg.type_name(), arg.to_v_string()),
        };
        let body = match (verb, prec) {
            ('s' | 'v', Some(p)) if !matches!(arg, Value::Float64(_)) => {
                body.chars().take(p).collect()
            }
            _ => body,
        };
        pad(
            &mut out,
            &body,
            width,
            minus,
            zero && !minus && verb != 's' && verb != 'q',
        );
    }
    if ai < args.len() {
        out.push_str("%!(EXTRA ");
        let extra: Vec<String> = args[ai..]
            .iter()
            .map(|a| format!("{}={}", a.type_name(), a.to_v_string()))
            .collect();
        out.push_str(&extra.join(", "));
        out.push(')');
    }
    out
}

/// Rust's `1.5e3` exponent form to Go's `1.5e+03`.
fn go_exp(s: &str) -> String {
    match s.split_once('e') {
        Some((m, e)) => {
            let (sg, digits) = match e.strip_prefix('-') {
                Some(d) => ('-', d),
                None => ('+', e),
            };
            let pad = if digits.len() < 2 { "0" } else { "" };
            format!("{m}e{sg}{pad}{digits}")
        }
        None => s.to_string(),
    }
}

fn sign(plus: bool, s: String) -> String {
    if plus && !s.starts_with('-') {
        format!("+{s}")
    } else {
        s
    }
}

fn pad(out: &mut String, body: &str, width: Option<usize>, left: bool, zero: bool) {
    let n = body.chars().count();
    let w = width.unwrap_or(0);
    if n >= w {
        out.push_str(body);
        return;
    }
    let fill = w - n;
    if left {
        out.push_str(body);
        out.extend(std::iter::repeat_n(' ', fill));
    } else if zero {
        let (s, rest) = match body.strip_prefix('-') {
            Some(r) => ("-", r),
            None => ("", body),
        };
        out.push_str(s);
        out.extend(std::iter::repeat_n('0', fill));
        out.push_str(rest);
    } else {
        out.extend(std::iter::repeat_n(' ', fill));
        out.push_str(body);
    }
}

/// `strconv.Quote`.
pub fn go_quote(s: &str) -> String {
    let mut o = String::with_capacity(s.len() + 2);
    o.push('"');
    for c in s.chars() {
        match c {
            '"' => o.push_str("\\\""),
            '\\' => o.push_str("\\\\"),
            '\n' => o.push_str("\\n"),
            '\t' => o.push_str("\\t"),
            '\r' => o.push_str("\\r"),
            '\x07' => o.push_str("\\a"),
            '\x08' => o.push_str("\\b"),
            '\x0c' => o.push_str("\\f"),
            '\x0b' => o.push_str("\\v"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                o.push_str(&format!("\\x{:02x}", c as u32))
            }
            c => o.push(c),
        }
    }
    o.push('"');
    o
}
