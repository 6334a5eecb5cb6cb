//! A small YAML writer for the documents this crate produces: block style,
//! two-space indentation, keys in the order given, strings quoted whenever a
//! YAML 1.1 or 1.2 reader could take them for anything but a string.

use std::fmt::Write;

/// A YAML node.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    Str(String),
    Int(i64),
    Bool(bool),
    Seq(Vec<Node>),
    Map(Vec<(String, Node)>),
}

impl Node {
    pub fn str(s: impl Into<String>) -> Node {
        Node::Str(s.into())
    }
    pub fn map<const N: usize>(entries: [(&str, Node); N]) -> Node {
        Node::Map(entries.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
    }
    pub fn strs<S: AsRef<str>>(items: &[S]) -> Node {
        Node::Seq(items.iter().map(|s| Node::str(s.as_ref())).collect())
    }
}

/// Renders a document (no `---`), ending with a newline.
pub fn to_string(node: &Node) -> String {
    let mut out = String::new();
    match node {
        Node::Map(entries) if !entries.is_empty() => write_map(&mut out, entries, 0),
        Node::Seq(items) if !items.is_empty() => write_seq(&mut out, items, 0),
        scalar => {
            write_scalar(&mut out, scalar, 0);
            out.push('\n');
        }
    }
    out
}

fn pad(out: &mut String, n: usize) {
    for _ in 0..n {
        out.push(' ');
    }
}

fn write_map(out: &mut String, entries: &[(String, Node)], indent: usize) {
    for (k, v) in entries {
        pad(out, indent);
        write_string(out, k, indent);
        out.push(':');
        write_value(out, v, indent);
    }
}

fn write_seq(out: &mut String, items: &[Node], indent: usize) {
    for item in items {
        pad(out, indent);
        out.push('-');
        match item {
            Node::Map(entries) if !entries.is_empty() => {
                // first entry on the dash line, the rest aligned under it
                out.push(' ');
                let (k, v) = &entries[0];
                write_string(out, k, indent + 2);
                out.push(':');
                write_value(out, v, indent + 2);
                write_map(out, &entries[1..], indent + 2);
            }
            other => write_value(out, other, indent),
        }
    }
}

/// Writes what follows `key:` or `-`.
fn write_value(out: &mut String, v: &Node, indent: usize) {
    match v {
        Node::Map(entries) if !entries.is_empty() => {
            out.push('\n');
            write_map(out, entries, indent + 2);
        }
        Node::Seq(items) if !items.is_empty() => {
            out.push('\n');
            write_seq(out, items, indent + 2);
        }
        scalar => {
            out.push(' ');
            write_scalar(out, scalar, indent);
            out.push('\n');
        }
    }
}

fn write_scalar(out: &mut String, v: &Node, indent: usize) {
    match v {
        Node::Str(s) => write_string(out, s, indent),
        Node::Int(i) => {
            let _ = write!(out, "{i}");
        }
        Node::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Node::Seq(_) => out.push_str("[]"),
        Node::Map(_) => out.push_str("{}"),
    }
}

fn write_string(out: &mut String, s: &str, indent: usize) {
    if s.contains('\n') && !s.contains('\r') && s.chars().all(|c| c == '\n' || !c.is_control()) {
        write_block(out, s, indent);
    } else if is_plain_safe(s) {
        out.push_str(s);
    } else {
        write_double_quoted(out, s);
    }
}

/// A literal block scalar (`|`), with the chomping indicator that keeps the
/// string's trailing newlines exact.
fn write_block(out: &mut String, s: &str, indent: usize) {
    out.push('|');
    if s.starts_with(' ') || s.starts_with('\n') {
        out.push('2');
    }
    let trailing = s.len() - s.trim_end_matches('\n').len();
    match trailing {
        0 => out.push('-'),
        1 => {}
        _ => out.push('+'),
    }
    out.push('\n');
    let body = s.strip_suffix('\n').unwrap_or(s);
    for line in body.split('\n') {
        if !line.is_empty() {
            pad(out, indent + 2);
            out.push_str(line);
        }
        out.push('\n');
    }
    // `write_value` adds the newline after scalars; a block already ends with one.
    out.pop();
}

fn write_double_quoted(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Plain scalars are used only for strings that no YAML reader (1.1 or 1.2)
/// would resolve to a boolean, number, null or timestamp.
fn is_plain_safe(s: &str) -> bool {
    if s.is_empty() {
        return false;
    }
    let ok_chars = s.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'/' | b'$'));
    if !ok_chars || s.starts_with('-') || s.starts_with('.') {
        return false;
    }
    let lower = s.to_ascii_lowercase();
    if matches!(lower.as_str(), "y" | "n" | "yes" | "no" | "on" | "off" | "true" | "false" | "null" | "nan" | "inf") {
        return false;
    }
    // anything that starts like a number is quoted (ints, floats, octal, hex, dates)
    !s.as_bytes()[0].is_ascii_digit()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_nested_block_style() {
        let doc = Node::map([
            ("cluster", Node::map([("network", Node::map([("cni", Node::map([("name", Node::str("none"))]))]))])),
            ("list", Node::strs(&["a", "10.0.0.0/8"])),
            ("empty", Node::Seq(vec![])),
            ("num", Node::Int(7445)),
            ("b", Node::Bool(false)),
        ]);
        let text = to_string(&doc);
        assert_eq!(
            text,
            "cluster:\n  network:\n    cni:\n      name: none\nlist:\n  - a\n  - \"10.0.0.0/8\"\nempty: []\nnum: 7445\nb: false\n"
        );
    }

    #[test]
    fn ambiguous_strings_are_quoted_and_read_back_as_strings() {
        for s in ["yes", "on", "1", "1.0", "0777", "null", "", "~", " x", "a: b", "#x", "2001-12-14", "-x", "true"] {
            let text = to_string(&Node::map([("k", Node::str(s))]));
            let back: serde_yaml_ng::Value = serde_yaml_ng::from_str(&text).unwrap();
            assert_eq!(back["k"].as_str(), Some(s), "{text}");
        }
    }

    #[test]
    fn multi_line_strings_keep_their_exact_text() {
        for s in ["a\nb\n", "a\nb", "a\n\n", " lead\nx\n", "\nx\n"] {
            let text = to_string(&Node::map([("k", Node::Seq(vec![Node::map([("contents", Node::str(s))])]))]));
            let back: serde_yaml_ng::Value = serde_yaml_ng::from_str(&text).unwrap();
            assert_eq!(back["k"][0]["contents"].as_str(), Some(s), "{text}");
        }
    }
}
