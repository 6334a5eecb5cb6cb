//! Helm's `toToml` and `fromToml` over the template value model.
//!
//! `toToml` reproduces the encoder Helm v4 calls (github.com/BurntSushi/toml, `Encoder` with
//! its default two-space indent), checked byte for byte against the reference library
//! (`tests/charts/toml`, goldens from Helm v4.2.3):
//! * in a table, keys whose values are not tables come first, then tables and arrays of
//!   tables, each group in byte order of the keys; nil values are left out;
//! * a top-level table header is preceded by a blank line, every `[[array]]` element too,
//!   and a nested header or key is indented two spaces per level below the top;
//! * a list is an array of tables when it is non-empty and every element is a map;
//!   otherwise maps inside it are inline tables (`{k = v, ...}`); a nil anywhere in a list
//!   is the error `toml: cannot encode array with nil element`;
//! * keys are bare when made of `A-Z a-z 0-9 _ -`, otherwise quoted; strings escape `"`,
//!   `\`, `\b \t \n \f \r` and other control characters as `\u00XX`;
//! * floats are Go's `%g` (shortest) with `.0` added when there is neither a `.` nor an
//!   exponent; `[]byte` is an array of numbers;
//! * a top-level list is the error `toml: top-level values must be Go maps or structs`,
//!   a top-level scalar is written as a bare value, and a top-level nil fails the template
//!   (`reflect: call of reflect.Value.Type on zero Value`, Go's recovered panic).
//!
//! Encoding errors are returned as the function's text, as Helm's `toTOML` does.
//!
//! `fromToml` parses TOML (1.0; the `toml_edit` parser) into `map[string]interface {}`:
//! integers as int64, floats as float64, tables as maps, arrays as lists; date-times are
//! kept as their TOML text (Helm decodes them to `time.Time`). A parse error is returned as
//! a map with the single key `Error`, as Helm does; the message is the parser's, not
//! BurntSushi's wording.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

use gotmpl::Value;

/// Go panic text for `toToml nil` (the template error Helm reports).
pub const NIL_PANIC: &str = "reflect: call of reflect.Value.Type on zero Value";

const NIL_ELEMENT: &str = "toml: cannot encode array with nil element";
const TOP_LEVEL: &str = "toml: top-level values must be Go maps or structs";

/// `toToml v`: the encoded text or the encoder's error text; `Err` when Go would panic.
pub fn to_toml(v: &Value) -> Result<String, String> {
    let mut enc = Encoder { out: String::new() };
    let done = match v {
        Value::Nil => return Err(NIL_PANIC.into()),
        Value::Map(_) | Value::StringMap(_) => enc.table(&[], v),
        Value::List(_) | Value::StringList(_) | Value::Bytes(_) => Err(TOP_LEVEL.into()),
        other => enc.element(other),
    };
    Ok(match done {
        Ok(()) => enc.out,
        Err(e) => e,
    })
}

/// How a value is laid out in its table.
#[derive(PartialEq)]
enum Kind {
    Nil,
    Table,
    ArrayOfTables,
    Plain,
}

/// The layout of `v`, checking lists (and lists in lists) for nil elements as the
/// encoder's type inspection does.
fn kind(v: &Value) -> Result<Kind, String> {
    Ok(match v {
        Value::Nil => Kind::Nil,
        Value::Map(_) | Value::StringMap(_) => Kind::Table,
        Value::List(items) => {
            let items = items.borrow();
            let mut all_tables = !items.is_empty();
            for item in items.iter() {
                match kind(item)? {
                    Kind::Nil => return Err(NIL_ELEMENT.into()),
                    Kind::Table => {}
                    _ => all_tables = false,
                }
            }
            if all_tables {
                Kind::ArrayOfTables
            } else {
                Kind::Plain
            }
        }
        _ => Kind::Plain,
    })
}

/// A map's entries in key order (both map types).
fn entries(v: &Value) -> Vec<(String, Value)> {
    match v {
        Value::Map(m) => m
            .borrow()
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
        Value::StringMap(m) => m
            .iter()
            .map(|(k, v)| (k.clone(), Value::from(v.as_str())))
            .collect(),
        _ => Vec::new(),
    }
}

struct Encoder {
    out: String,
}

impl Encoder {
    /// A line break, unless nothing has been written yet.
    fn newline(&mut self) {
        if !self.out.is_empty() {
            self.out.push('\n');
        }
    }

    fn indent(&mut self, key: &[String]) {
        for _ in 1..key.len() {
            self.out.push_str("  ");
        }
    }

    fn dotted(&mut self, key: &[String]) {
        for (i, part) in key.iter().enumerate() {
            if i > 0 {
                self.out.push('.');
            }
            push_key(&mut self.out, part);
        }
    }

    /// `[key]` (unless top level) and the table's contents.
    fn table(&mut self, key: &[String], v: &Value) -> Result<(), String> {
        if key.len() == 1 {
            self.newline();
        }
        if !key.is_empty() {
            self.indent(key);
            self.out.push('[');
            self.dotted(key);
            self.out.push(']');
            self.newline();
        }
        self.map_body(key, v, false)
    }

    /// The entries of a map: plain values, then tables (each group in key order), as
    /// `key = value` lines or, inline, as `{k = v, ...}`.
    fn map_body(&mut self, key: &[String], v: &Value, inline: bool) -> Result<(), String> {
        let mut direct = Vec::new();
        let mut sub = Vec::new();
        for (k, val) in entries(v) {
            match kind(&val)? {
                Kind::Table | Kind::ArrayOfTables => sub.push((k, val)),
                Kind::Nil | Kind::Plain => direct.push((k, val)),
            }
        }
        if inline {
            self.out.push('{');
        }
        let has_sub = !sub.is_empty();
        for (group, trailing_comma) in [(direct, has_sub), (sub, false)] {
            let last = group.len().saturating_sub(1);
            for (i, (k, val)) in group.into_iter().enumerate() {
                if matches!(val, Value::Nil) {
                    continue;
                }
                if inline {
                    self.key_value(&[k], &val, true)?;
                    if trailing_comma || i != last {
                        self.out.push_str(", ");
                    }
                } else {
                    let mut path = key.to_vec();
                    path.push(k);
                    self.encode(&path, &val)?;
                }
            }
        }
        if inline {
            self.out.push('}');
        }
        Ok(())
    }

    fn encode(&mut self, key: &[String], v: &Value) -> Result<(), String> {
        match kind(v)? {
            Kind::Nil => Ok(()),
            Kind::Table => self.table(key, v),
            Kind::ArrayOfTables => {
                let Value::List(items) = v else {
                    unreachable!("only lists are arrays of tables")
                };
                for item in items.borrow().iter() {
                    self.newline();
                    self.indent(key);
                    self.out.push_str("[[");
                    self.dotted(key);
                    self.out.push_str("]]");
                    self.newline();
                    self.map_body(key, item, false)?;
                }
                Ok(())
            }
            Kind::Plain => self.key_value(key, v, false),
        }
    }

    fn key_value(&mut self, key: &[String], v: &Value, inline: bool) -> Result<(), String> {
        self.indent(key);
        push_key(&mut self.out, key.last().map_or("", String::as_str));
        self.out.push_str(" = ");
        self.element(v)?;
        if !inline {
            self.newline();
        }
        Ok(())
    }

    fn element(&mut self, v: &Value) -> Result<(), String> {
        match v {
            Value::Bool(b) => self.out.push_str(if *b { "true" } else { "false" }),
            Value::Int(i) | Value::Int64(i) => self.out.push_str(&i.to_string()),
            Value::Uint64(u) => self.out.push_str(&u.to_string()),
            Value::Float64(f) => self.out.push_str(&format_float(*f)),
            Value::String(s) => push_quoted(&mut self.out, s),
            Value::Bytes(b) => {
                let items: Vec<String> = b.iter().map(u8::to_string).collect();
                self.out.push('[');
                self.out.push_str(&items.join(", "));
                self.out.push(']');
            }
            Value::List(_) | Value::StringList(_) => {
                kind(v)?;
                let items: Vec<Value> = match v {
                    Value::List(l) => l.borrow().clone(),
                    Value::StringList(l) => l.iter().map(|s| Value::from(s.as_str())).collect(),
                    _ => unreachable!("matched above"),
                };
                self.out.push('[');
                for (i, item) in items.iter().enumerate() {
                    self.element(item)?;
                    if i + 1 != items.len() {
                        self.out.push_str(", ");
                    }
                }
                self.out.push(']');
            }
            Value::Map(_) | Value::StringMap(_) => self.map_body(&[], v, true)?,
            Value::Nil => return Err(NIL_ELEMENT.into()),
            Value::Object(o) => {
                return Err(format!(
                    "toml: cannot encode a value of type {}",
                    o.go_type_name()
                ));
            }
        }
        Ok(())
    }
}

/// Go `%g` (shortest), `.0` added to integral forms; `nan`, `inf`, `-inf`.
fn format_float(f: f64) -> String {
    if f.is_nan() {
        return if f.is_sign_negative() { "-nan" } else { "nan" }.into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "inf" } else { "-inf" }.into();
    }
    let s = goyaml::format_float_g(f);
    if s.contains(['.', 'e']) { s } else { s + ".0" }
}

fn push_key(out: &mut String, k: &str) {
    let bare = !k.is_empty()
        && k.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    if bare {
        out.push_str(k);
    } else {
        push_quoted(out, k);
    }
}

fn push_quoted(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\u{c}' => out.push_str("\\f"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                out.push_str(&format!("\\u{:04x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// `fromToml s`: the document as a map, or `{"Error": message}`.
pub fn from_toml(s: &str) -> Value {
    match s.parse::<toml_edit::DocumentMut>() {
        Ok(doc) => table_value(doc.as_table()),
        Err(e) => {
            let msg = e.to_string();
            let first = msg.lines().next().unwrap_or("").trim().to_string();
            let mut m = BTreeMap::new();
            m.insert("Error".to_string(), Value::from(format!("toml: {first}")));
            Value::Map(Rc::new(RefCell::new(m)))
        }
    }
}

fn table_value(t: &toml_edit::Table) -> Value {
    let m: BTreeMap<String, Value> = t
        .iter()
        .filter_map(|(k, item)| item_value(item).map(|v| (k.to_string(), v)))
        .collect();
    Value::Map(Rc::new(RefCell::new(m)))
}

fn item_value(item: &toml_edit::Item) -> Option<Value> {
    match item {
        toml_edit::Item::None => None,
        toml_edit::Item::Value(v) => Some(value(v)),
        toml_edit::Item::Table(t) => Some(table_value(t)),
        toml_edit::Item::ArrayOfTables(a) => Some(Value::list(a.iter().map(table_value).collect())),
    }
}

fn value(v: &toml_edit::Value) -> Value {
    use toml_edit::Value as T;
    match v {
        T::String(s) => Value::from(s.value().as_str()),
        T::Integer(i) => Value::Int64(*i.value()),
        T::Float(f) => Value::Float64(*f.value()),
        T::Boolean(b) => Value::Bool(*b.value()),
        T::Datetime(d) => Value::from(d.value().to_string()),
        T::Array(a) => Value::list(a.iter().map(value).collect()),
        T::InlineTable(t) => {
            let m: BTreeMap<String, Value> =
                t.iter().map(|(k, v)| (k.to_string(), value(v))).collect();
            Value::Map(Rc::new(RefCell::new(m)))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nil_fails_and_errors_are_text() {
        assert_eq!(to_toml(&Value::Nil), Err(NIL_PANIC.to_string()));
        let list = Value::list(vec![Value::Int(1)]);
        assert_eq!(to_toml(&list).unwrap(), TOP_LEVEL);
        let m = Value::map(BTreeMap::from([(
            "a".to_string(),
            Value::list(vec![Value::list(vec![Value::Nil])]),
        )]));
        assert_eq!(to_toml(&m).unwrap(), NIL_ELEMENT);
    }

    #[test]
    fn special_floats() {
        let m = Value::map(BTreeMap::from([(
            "f".to_string(),
            Value::list(vec![
                Value::Float64(f64::NAN),
                Value::Float64(f64::INFINITY),
                Value::Float64(f64::NEG_INFINITY),
                Value::Float64(2.0),
            ]),
        )]));
        assert_eq!(to_toml(&m).unwrap(), "f = [nan, inf, -inf, 2.0]\n");
    }

    #[test]
    fn from_toml_errors_as_a_map() {
        let Value::Map(m) = from_toml("a = = 1") else {
            panic!("not a map")
        };
        let m = m.borrow();
        assert_eq!(m.len(), 1);
        match m.get("Error") {
            Some(Value::String(e)) => assert!(e.starts_with("toml: "), "{e}"),
            other => panic!("{other:?}"),
        }
    }
}
