//! Go `encoding/json` output for sprig's `toJson`, `toRawJson` and `toPrettyJson`: sorted
//! map keys, Go float formatting, `<>&` escaped unless raw, U+2028/U+2029 always escaped.

use crate::value::Value;

/// Go's JSON float: `'f'` unless |x| < 1e-6 or >= 1e21, exponent without padding (`1e-7`).
pub fn json_float(f: f64) -> Result<String, String> {
    if !f.is_finite() {
        return Err(format!(
            "json: unsupported value: {}",
            crate::cast::format_float_v(f)
        ));
    }
    let a = f.abs();
    if a != 0.0 && !(1e-6..1e21).contains(&a) {
        // shortest digits in exponent form, Go style "1e-07" → "1e-7", "1e+21"
        let e = format!("{:e}", f);
        let (m, x) = e.split_once('e').unwrap_or((&e, "0"));
        let x: i32 = x.parse().unwrap_or(0);
        let sign = if x < 0 { '-' } else { '+' };
        return Ok(format!("{m}e{sign}{}", x.abs()));
    }
    let s = format!("{f}");
    Ok(if s == "-0" { "-0".into() } else { s })
}

fn json_string(s: &str, escape_html: bool, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '<' | '>' | '&' if escape_html => out.push_str(&format!("\\u{:04x}", c as u32)),
            '\u{2028}' | '\u{2029}' => out.push_str(&format!("\\u{:04x}", c as u32)),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Encodes `v`; `indent` is the per-level indent (`None` = compact).
pub fn encode(v: &Value, escape_html: bool, indent: Option<&str>) -> Result<String, String> {
    let mut out = String::new();
    enc(v, escape_html, indent, 0, &mut out, 0)?;
    Ok(out)
}

const MAX_DEPTH: usize = 1000;

fn newline(out: &mut String, indent: Option<&str>, level: usize) {
    if let Some(ind) = indent {
        out.push('\n');
        for _ in 0..level {
            out.push_str(ind);
        }
    }
}

fn enc(
    v: &Value,
    html: bool,
    indent: Option<&str>,
    level: usize,
    out: &mut String,
    depth: usize,
) -> Result<(), String> {
    if depth > MAX_DEPTH {
        return Err("json: value nested too deeply".into());
    }
    let colon = if indent.is_some() { ": " } else { ":" };
    let obj = |pairs: Vec<(String, Value)>, out: &mut String| -> Result<(), String> {
        if pairs.is_empty() {
            out.push_str("{}");
            return Ok(());
        }
        out.push('{');
        for (i, (k, val)) in pairs.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            newline(out, indent, level + 1);
            json_string(k, html, out);
            out.push_str(colon);
            enc(val, html, indent, level + 1, out, depth + 1)?;
        }
        newline(out, indent, level);
        out.push('}');
        Ok(())
    };
    let list = |items: Vec<Value>, out: &mut String| -> Result<(), String> {
        if items.is_empty() {
            out.push_str("[]");
            return Ok(());
        }
        out.push('[');
        for (i, x) in items.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            newline(out, indent, level + 1);
            enc(x, html, indent, level + 1, out, depth + 1)?;
        }
        newline(out, indent, level);
        out.push(']');
        Ok(())
    };
    match v {
        Value::Nil => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Int(i) | Value::Int64(i) => out.push_str(&i.to_string()),
        Value::Uint64(u) => out.push_str(&u.to_string()),
        Value::Float64(f) => out.push_str(&json_float(*f)?),
        Value::String(s) => json_string(s, html, out),
        Value::List(_) | Value::StringList(_) => list(v.items().unwrap_or_default(), out)?,
        Value::Map(m) => {
            let pairs: Vec<(String, Value)> = m
                .borrow()
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            obj(pairs, out)?;
        }
        Value::StringMap(m) => {
            let pairs = m
                .iter()
                .map(|(k, v)| (k.clone(), Value::string(v.as_str())))
                .collect();
            obj(pairs, out)?;
        }
        Value::Bytes(b) => {
            use base64::Engine;
            json_string(
                &base64::engine::general_purpose::STANDARD.encode(b),
                html,
                out,
            )
        }
        Value::Object(o) => {
            let any = o.as_any();
            if let Some(s) = any.downcast_ref::<crate::semver::Version>() {
                json_string(&s.canonical(), html, out)
            } else if let Some(c) = any.downcast_ref::<crate::pki::CertPair>() {
                obj(
                    vec![
                        ("Cert".into(), Value::string(c.cert.as_str())),
                        ("Key".into(), Value::string(c.key.as_str())),
                    ],
                    out,
                )?
            } else if let Some(t) = any.downcast_ref::<crate::time::Timestamp>() {
                json_string(
                    &crate::layout::format(*t, "2006-01-02T15:04:05.999999999Z07:00"),
                    html,
                    out,
                )
            } else if let Some(items) = v.items() {
                list(items, out)?
            } else {
                return Err(format!("json: unsupported type: {}", o.go_type_name()));
            }
        }
    }
    Ok(())
}
