//! A tiny YAML writer for the documents this crate generates.
//!
//! Maps keep insertion order, so output is deterministic. Strings are written
//! plain only when no YAML 1.1 or 1.2 resolver can read them as anything but
//! a string; otherwise they are double-quoted with escapes.

/// A YAML value as this crate builds it.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    Bool(bool),
    Int(i64),
    Str(String),
    Seq(Vec<Node>),
    Map(Vec<(String, Node)>),
}

impl Node {
    pub fn str(s: impl Into<String>) -> Node {
        Node::Str(s.into())
    }
    pub fn map<K: Into<String>>(entries: impl IntoIterator<Item = (K, Node)>) -> Node {
        Node::Map(entries.into_iter().map(|(k, v)| (k.into(), v)).collect())
    }
    pub fn strs<S: AsRef<str>>(items: impl IntoIterator<Item = S>) -> Node {
        Node::Seq(items.into_iter().map(|s| Node::str(s.as_ref())).collect())
    }
    /// Looks up a key in a map.
    pub fn get(&self, key: &str) -> Option<&Node> {
        match self {
            Node::Map(m) => m.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }
}

const RESERVED: &[&str] = &[
    "true", "false", "yes", "no", "y", "n", "on", "off", "null", "~",
];

/// True when `s` can be written as a plain scalar and read back as the same string.
pub fn is_plain_safe(s: &str) -> bool {
    if s.is_empty() || RESERVED.iter().any(|r| r.eq_ignore_ascii_case(s)) {
        return false;
    }
    let mut chars = s.chars();
    let first = match chars.next() {
        Some(c) => c,
        None => return false,
    };
    // Identifiers, paths, keys like `$patch`.
    if (first.is_ascii_alphabetic() || first == '$' || first == '/')
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '/' | '-' | '$'))
    {
        // `.inf`/`.nan` start with '.', excluded by the first char rule.
        return true;
    }
    // CIDRs and similar: contain '/', so never a number, bool or timestamp.
    first.is_ascii_alphanumeric()
        && s.contains('/')
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | ':' | '/'))
}

fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20
                || c == '\u{7f}'
                || c == '\u{85}'
                || c == '\u{2028}'
                || c == '\u{2029}'
                || c == '\u{feff}' =>
            {
                out.push_str(&format!("\\u{:04x}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn scalar(s: &str) -> String {
    if is_plain_safe(s) {
        s.to_string()
    } else {
        quote(s)
    }
}

fn inline(node: &Node) -> Option<String> {
    match node {
        Node::Bool(b) => Some(b.to_string()),
        Node::Int(i) => Some(i.to_string()),
        Node::Str(s) => Some(scalar(s)),
        Node::Seq(v) if v.is_empty() => Some("[]".into()),
        Node::Map(m) if m.is_empty() => Some("{}".into()),
        _ => None,
    }
}

fn write_map(out: &mut String, m: &[(String, Node)], indent: usize, first_line_prefixed: bool) {
    for (i, (k, v)) in m.iter().enumerate() {
        if !(i == 0 && first_line_prefixed) {
            out.push_str(&" ".repeat(indent));
        }
        out.push_str(&scalar(k));
        out.push(':');
        match inline(v) {
            Some(s) => {
                out.push(' ');
                out.push_str(&s);
                out.push('\n');
            }
            None => {
                out.push('\n');
                write_block(out, v, indent + 2);
            }
        }
    }
}

fn write_block(out: &mut String, node: &Node, indent: usize) {
    match node {
        Node::Map(m) => write_map(out, m, indent, false),
        Node::Seq(items) => {
            for item in items {
                out.push_str(&" ".repeat(indent));
                out.push_str("- ");
                match (inline(item), item) {
                    (Some(s), _) => {
                        out.push_str(&s);
                        out.push('\n');
                    }
                    (None, Node::Map(m)) => write_map(out, m, indent + 2, true),
                    (None, other) => {
                        // nested non-empty sequence
                        out.push('\n');
                        write_block(out, other, indent + 2);
                    }
                }
            }
        }
        other => {
            out.push_str(&" ".repeat(indent));
            out.push_str(&inline(other).unwrap_or_default());
            out.push('\n');
        }
    }
}

/// Writes one YAML document (no `---` marker), ending in a newline.
pub fn to_string(node: &Node) -> String {
    let mut out = String::new();
    match inline(node) {
        Some(s) => {
            out.push_str(&s);
            out.push('\n');
        }
        None => write_block(&mut out, node, 0),
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_and_quoted() {
        for s in [
            "kubernetes",
            "$patch",
            "/sys/fs/cgroup",
            "10.244.0.0/16",
            "fc00:db8:10::/56",
            "v1alpha1",
            "SYS_ADMIN",
        ] {
            assert!(is_plain_safe(s), "{s}");
        }
        for s in [
            "",
            "true",
            "No",
            "on",
            "null",
            "~",
            "7445",
            "1.5",
            "0x10",
            "1:20",
            "a: b",
            "#x",
            "- x",
            " x",
            "x ",
            "2024-01-01",
            ".inf",
            "é",
            "a b",
            "*x",
            "&x",
            "!x",
            "%x",
            "@x",
            "`x",
            "{x",
            "[x",
        ] {
            assert!(!is_plain_safe(s), "{s}");
        }
        assert_eq!(quote("a\"b\\c\n\u{1}"), "\"a\\\"b\\\\c\\n\\u0001\"");
    }

    #[test]
    fn block_layout() {
        let n = Node::map([
            (
                "a",
                Node::map([("b", Node::Int(1)), ("c", Node::Bool(false))]),
            ),
            ("l", Node::strs(["x", "true"])),
            (
                "m",
                Node::Seq(vec![Node::map([
                    ("k", Node::str("v")),
                    ("k2", Node::str("")),
                ])]),
            ),
            ("e", Node::Map(vec![])),
            ("s", Node::Seq(vec![])),
        ]);
        let text = to_string(&n);
        assert_eq!(
            text,
            "a:\n  b: 1\n  c: false\nl:\n  - x\n  - \"true\"\nm:\n  - k: v\n    k2: \"\"\ne: {}\ns: []\n"
        );
    }
}

#[cfg(test)]
mod roundtrip {
    use super::*;

    fn to_node(v: &serde_yaml_ng::Value) -> Node {
        match v {
            serde_yaml_ng::Value::Bool(b) => Node::Bool(*b),
            serde_yaml_ng::Value::Number(n) => Node::Int(n.as_i64().expect("int")),
            serde_yaml_ng::Value::String(s) => Node::Str(s.clone()),
            serde_yaml_ng::Value::Sequence(s) => Node::Seq(s.iter().map(to_node).collect()),
            serde_yaml_ng::Value::Mapping(m) => Node::Map(
                m.iter()
                    .map(|(k, v)| (k.as_str().expect("string key").to_string(), to_node(v)))
                    .collect(),
            ),
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn tricky_strings_parse_back_as_the_same_string() {
        let tricky = [
            "",
            " ",
            "true",
            "False",
            "YES",
            "no",
            "on",
            "Off",
            "y",
            "N",
            "null",
            "Null",
            "~",
            "0",
            "-1",
            "1e3",
            "0x1F",
            "0o17",
            "017",
            "1_000",
            "1:20:30",
            ".5",
            ".inf",
            "-.INF",
            ".NaN",
            "2024-01-01",
            "2001-12-14t21:59:43.10-05:00",
            "a: b",
            "a #b",
            "#c",
            "- x",
            "? x",
            "[x]",
            "{x}",
            "*a",
            "&a",
            "!tag",
            "%p",
            "@x",
            "`x",
            "|",
            ">",
            "'q'",
            "\"q\"",
            "multi\nline",
            "tab\there",
            "back\\slash",
            "trailing ",
            " leading",
            "ünïcode",
            "\u{1}",
            "\u{85}",
            "\u{2028}",
            "$patch",
            "/sys/fs/cgroup",
            "10.244.0.0/16",
            "fc00:db8:10::/56",
            "::1",
            "localhost",
            "=",
            "<<",
            "---",
            "...",
        ];
        for s in tricky {
            let doc = Node::map([(s, Node::str(s)), ("list", Node::strs([s, s]))]);
            let text = to_string(&doc);
            let parsed: serde_yaml_ng::Value =
                serde_yaml_ng::from_str(&text).unwrap_or_else(|e| panic!("{s:?}: {e}\n{text}"));
            assert_eq!(to_node(&parsed), doc, "{s:?}\n{text}");
        }
    }

    #[test]
    fn nested_structures_roundtrip() {
        let doc = Node::map([
            (
                "a",
                Node::Seq(vec![Node::map([
                    ("x", Node::Int(-5)),
                    (
                        "y",
                        Node::Seq(vec![Node::strs(["p", "q"]), Node::Bool(true)]),
                    ),
                ])]),
            ),
            (
                "b",
                Node::map([("c", Node::map([("d", Node::Map(vec![]))]))]),
            ),
            ("e", Node::Seq(vec![Node::Seq(vec![]), Node::Map(vec![])])),
        ]);
        let text = to_string(&doc);
        let parsed: serde_yaml_ng::Value = serde_yaml_ng::from_str(&text).unwrap();
        assert_eq!(to_node(&parsed), doc, "{text}");
    }
}
