//! go-yaml v2 `Marshal` output (block style, natural key order, libyaml's scalar analysis
//! and 80-column folding), and Helm's `toYaml` on top of it.

use crate::error::{Error, ErrorKind};
use crate::float::{format_float_g, format_float_json};
use crate::resolve::{ResolvedScalar, is_base60_float, resolve_plain};
use crate::value::{Yaml, natural_key_cmp};

const BEST_WIDTH: usize = 80;
const BEST_INDENT: i32 = 2;
/// Deepest value tree accepted by the writers.
pub(crate) const MAX_WRITE_DEPTH: usize = 256;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Style {
    Plain,
    Single,
    Double,
    Literal,
}

fn is_break(c: char) -> bool {
    matches!(c, '\r' | '\n' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

fn is_blankz(c: Option<char>) -> bool {
    match c {
        None => true,
        Some(c) => c == ' ' || c == '\t' || c == '\0' || is_break(c),
    }
}

fn is_printable(c: char) -> bool {
    let v = c as u32;
    v == 0x0A
        || (0x20..=0x7E).contains(&v)
        || (0xA0..=0xD7FF).contains(&v)
        || ((0xE000..=0xFFFD).contains(&v) && v != 0xFEFF)
}

#[derive(Debug, Clone, Copy)]
struct Analysis {
    multiline: bool,
    flow_plain: bool,
    block_plain: bool,
    single: bool,
    block: bool,
}

fn analyze(value: &str) -> Analysis {
    if value.is_empty() {
        return Analysis {
            multiline: false,
            flow_plain: false,
            block_plain: true,
            single: true,
            block: false,
        };
    }
    let (mut flow_ind, mut block_ind) = (false, false);
    if value.starts_with("---") || value.starts_with("...") {
        flow_ind = true;
        block_ind = true;
    }
    let (mut line_breaks, mut special) = (false, false);
    let (mut leading_space, mut leading_break) = (false, false);
    let (mut trailing_space, mut trailing_break) = (false, false);
    let (mut break_space, mut space_break) = (false, false);
    let (mut prev_space, mut prev_break) = (false, false);
    let mut preceded_by_ws = true;
    let mut iter = value.chars().peekable();
    let mut first = true;
    while let Some(c) = iter.next() {
        let next = iter.peek().copied();
        let last = next.is_none();
        let followed_by_ws = is_blankz(next);
        if first {
            match c {
                '#' | ',' | '[' | ']' | '{' | '}' | '&' | '*' | '!' | '|' | '>' | '\'' | '"'
                | '%' | '@' | '`' => {
                    flow_ind = true;
                    block_ind = true;
                }
                '?' | ':' => {
                    flow_ind = true;
                    if followed_by_ws {
                        block_ind = true;
                    }
                }
                '-' if followed_by_ws => {
                    flow_ind = true;
                    block_ind = true;
                }
                _ => {}
            }
        } else {
            match c {
                ',' | '?' | '[' | ']' | '{' | '}' => flow_ind = true,
                ':' => {
                    flow_ind = true;
                    if followed_by_ws {
                        block_ind = true;
                    }
                }
                '#' if preceded_by_ws => {
                    flow_ind = true;
                    block_ind = true;
                }
                _ => {}
            }
        }
        if !is_printable(c) {
            special = true;
        }
        if is_break(c) {
            line_breaks = true;
        }
        if c == ' ' {
            leading_space |= first;
            trailing_space |= last;
            break_space |= prev_break;
            prev_space = true;
            prev_break = false;
        } else if is_break(c) {
            leading_break |= first;
            trailing_break |= last;
            space_break |= prev_space;
            prev_break = true;
            prev_space = false;
        } else {
            prev_space = false;
            prev_break = false;
        }
        preceded_by_ws = is_blankz(Some(c));
        first = false;
    }
    let mut a = Analysis {
        multiline: line_breaks,
        flow_plain: true,
        block_plain: true,
        single: true,
        block: true,
    };
    if leading_space || leading_break || trailing_space || trailing_break {
        a.flow_plain = false;
        a.block_plain = false;
    }
    if trailing_space {
        a.block = false;
    }
    if break_space {
        a.flow_plain = false;
        a.block_plain = false;
        a.single = false;
    }
    if space_break || special {
        a.flow_plain = false;
        a.block_plain = false;
        a.single = false;
        a.block = false;
    }
    if line_breaks {
        a.flow_plain = false;
        a.block_plain = false;
    }
    if flow_ind {
        a.flow_plain = false;
    }
    if block_ind {
        a.block_plain = false;
    }
    a
}

/// The style go-yaml v2's encoder asks for when marshalling a string.
fn requested_style(s: &str) -> Style {
    if s.contains('\n') {
        return Style::Literal;
    }
    let can_plain = resolve_plain(s) == ResolvedScalar::Str && !is_base60_float(s);
    if can_plain {
        Style::Plain
    } else {
        Style::Double
    }
}

struct Emitter {
    out: String,
    column: usize,
    indent: i32,
    indents: Vec<i32>,
    whitespace: bool,
    indention: bool,
    flow_level: usize,
    json_numbers: bool,
    /// yaml.v3 with indent 2 (Helm's `toYamlPretty`): a sequence under a mapping key is
    /// indented; yaml.v2 writes it at the key's column.
    indent_sequences: bool,
    /// Column after which long scalars fold (yaml.v3 as Helm uses it: never).
    width: usize,
}

#[derive(Clone, Copy, Default)]
struct Ctx {
    mapping: bool,
    simple_key: bool,
}

impl Emitter {
    fn new(json_numbers: bool) -> Self {
        Emitter {
            out: String::new(),
            column: 0,
            indent: -1,
            indents: Vec::new(),
            whitespace: true,
            indention: true,
            flow_level: 0,
            json_numbers,
            indent_sequences: false,
            width: BEST_WIDTH,
        }
    }

    fn put(&mut self, c: char) {
        self.out.push(c);
        self.column += 1;
    }

    fn put_break(&mut self) {
        self.out.push('\n');
        self.column = 0;
    }

    fn write_break(&mut self, c: char) {
        if c == '\n' {
            self.put_break();
        } else {
            self.out.push(c);
            self.column = 0;
        }
    }

    fn write_indicator(&mut self, ind: &str, need_ws: bool, is_ws: bool, is_indention: bool) {
        if need_ws && !self.whitespace {
            self.put(' ');
        }
        self.out.push_str(ind);
        self.column += ind.chars().count();
        self.whitespace = is_ws;
        self.indention = self.indention && is_indention;
    }

    fn write_indent(&mut self) {
        let indent = self.indent.max(0) as usize;
        if !self.indention || self.column > indent || (self.column == indent && !self.whitespace) {
            self.put_break();
        }
        while self.column < indent {
            self.put(' ');
        }
        self.whitespace = true;
        self.indention = true;
    }

    fn increase_indent(&mut self, flow: bool, indentless: bool) {
        self.indents.push(self.indent);
        if self.indent < 0 {
            self.indent = if flow { BEST_INDENT } else { 0 };
        } else if !indentless {
            self.indent += BEST_INDENT;
        }
    }

    fn pop_indent(&mut self) {
        self.indent = self.indents.pop().unwrap_or(-1);
    }

    fn node(&mut self, v: &Yaml, ctx: Ctx, depth: usize) -> Result<(), Error> {
        if depth > MAX_WRITE_DEPTH {
            return Err(Error::new(
                ErrorKind::Limit,
                format!("yaml: value nested deeper than {MAX_WRITE_DEPTH} levels"),
            ));
        }
        match v {
            Yaml::Null => self.plain_scalar("null"),
            Yaml::Bool(b) => self.plain_scalar(if *b { "true" } else { "false" }),
            Yaml::Int(i) => self.plain_scalar(&i.to_string()),
            Yaml::Uint(u) => self.plain_scalar(&u.to_string()),
            Yaml::Float(f) => {
                let text = self.float_text(*f)?;
                self.plain_scalar(&text)
            }
            Yaml::String(s) => self.string_scalar(s, ctx),
            Yaml::Seq(items) if items.is_empty() => self.empty_flow("[", "]"),
            Yaml::Map(m) if m.is_empty() => self.empty_flow("{", "}"),
            Yaml::Seq(items) => {
                let indentless = ctx.mapping && !self.indention && !self.indent_sequences;
                self.increase_indent(false, indentless);
                for item in items {
                    self.write_indent();
                    self.write_indicator("-", true, false, true);
                    self.node(item, Ctx::default(), depth + 1)?;
                }
                self.pop_indent();
                Ok(())
            }
            Yaml::Map(m) => {
                let mut keys: Vec<&String> = m.keys().collect();
                keys.sort_by(|a, b| natural_key_cmp(a, b));
                self.increase_indent(false, false);
                let map_ctx = Ctx {
                    mapping: true,
                    simple_key: false,
                };
                for k in keys {
                    self.write_indent();
                    let a = analyze(k);
                    if !a.multiline && k.len() <= 128 {
                        self.string_scalar(
                            k,
                            Ctx {
                                mapping: true,
                                simple_key: true,
                            },
                        )?;
                        self.write_indicator(":", false, false, false);
                    } else {
                        self.write_indicator("?", true, false, true);
                        self.string_scalar(k, map_ctx)?;
                        self.write_indent();
                        self.write_indicator(":", true, false, true);
                    }
                    self.node(&m[k], map_ctx, depth + 1)?;
                }
                self.pop_indent();
                Ok(())
            }
        }
    }

    fn float_text(&self, f: f64) -> Result<String, Error> {
        if !self.json_numbers {
            return Ok(match format_float_g(f).as_str() {
                "+Inf" => ".inf".into(),
                "-Inf" => "-.inf".into(),
                "NaN" => ".nan".into(),
                s => s.to_string(),
            });
        }
        // Helm's toYaml goes through json.Marshal, then yaml.v2 re-reads the number.
        let Some(json) = format_float_json(f) else {
            return Err(Error::new(
                ErrorKind::Json,
                format!("json: unsupported value: {}", format_float_g(f)),
            ));
        };
        Ok(match resolve_plain(&json) {
            ResolvedScalar::Int(i) => i.to_string(),
            ResolvedScalar::Uint(u) => u.to_string(),
            ResolvedScalar::Float(g) => format_float_g(g),
            _ => json,
        })
    }

    fn empty_flow(&mut self, open: &str, close: &str) -> Result<(), Error> {
        self.write_indicator(open, true, true, false);
        self.increase_indent(true, false);
        self.flow_level += 1;
        self.flow_level -= 1;
        self.pop_indent();
        self.write_indicator(close, false, false, false);
        Ok(())
    }

    fn plain_scalar(&mut self, text: &str) -> Result<(), Error> {
        self.increase_indent(true, false);
        self.write_plain(text, true);
        self.pop_indent();
        Ok(())
    }

    fn string_scalar(&mut self, s: &str, ctx: Ctx) -> Result<(), Error> {
        let a = analyze(s);
        let mut style = requested_style(s);
        if ctx.simple_key && a.multiline {
            style = Style::Double;
        }
        if style == Style::Plain {
            if (self.flow_level > 0 && !a.flow_plain) || (self.flow_level == 0 && !a.block_plain) {
                style = Style::Single;
            }
            if s.is_empty() && (self.flow_level > 0 || ctx.simple_key) {
                style = Style::Single;
            }
        }
        if style == Style::Single && !a.single {
            style = Style::Double;
        }
        if style == Style::Literal && (!a.block || self.flow_level > 0 || ctx.simple_key) {
            style = Style::Double;
        }
        self.increase_indent(true, false);
        let allow_breaks = !ctx.simple_key;
        match style {
            Style::Plain => self.write_plain(s, allow_breaks),
            Style::Single => self.write_single(s, allow_breaks),
            Style::Double => self.write_double(s, allow_breaks),
            Style::Literal => self.write_literal(s),
        }
        self.pop_indent();
        Ok(())
    }

    fn write_plain(&mut self, value: &str, allow_breaks: bool) {
        if !self.whitespace {
            self.put(' ');
        }
        let chars: Vec<char> = value.chars().collect();
        let (mut spaces, mut breaks) = (false, false);
        for (i, &c) in chars.iter().enumerate() {
            if c == ' ' {
                if allow_breaks
                    && !spaces
                    && self.column > self.width
                    && chars.get(i + 1) != Some(&' ')
                {
                    self.write_indent();
                } else {
                    self.put(c);
                }
                spaces = true;
            } else if is_break(c) {
                if !breaks && c == '\n' {
                    self.put_break();
                }
                self.write_break(c);
                self.indention = true;
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                }
                self.put(c);
                self.indention = false;
                spaces = false;
                breaks = false;
            }
        }
        self.whitespace = false;
        self.indention = false;
    }

    fn write_single(&mut self, value: &str, allow_breaks: bool) {
        self.write_indicator("'", true, false, false);
        let chars: Vec<char> = value.chars().collect();
        let n = chars.len();
        let (mut spaces, mut breaks) = (false, false);
        for (i, &c) in chars.iter().enumerate() {
            if c == ' ' {
                if allow_breaks
                    && !spaces
                    && self.column > self.width
                    && i != 0
                    && i + 1 != n
                    && chars.get(i + 1) != Some(&' ')
                {
                    self.write_indent();
                } else {
                    self.put(c);
                }
                spaces = true;
            } else if is_break(c) {
                if !breaks && c == '\n' {
                    self.put_break();
                }
                self.write_break(c);
                self.indention = true;
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                }
                if c == '\'' {
                    self.put('\'');
                }
                self.put(c);
                self.indention = false;
                spaces = false;
                breaks = false;
            }
        }
        self.write_indicator("'", false, false, false);
    }

    fn write_double(&mut self, value: &str, allow_breaks: bool) {
        self.write_indicator("\"", true, false, false);
        let chars: Vec<char> = value.chars().collect();
        let n = chars.len();
        let mut spaces = false;
        // go-yaml v2 tests for a byte order mark at the start of the value instead of at the
        // current position, so a value starting with one gets every character escaped.
        let leading_bom = value.starts_with('\u{FEFF}');
        for (i, &c) in chars.iter().enumerate() {
            if leading_bom
                || !is_printable(c)
                || c == '\u{FEFF}'
                || is_break(c)
                || c == '"'
                || c == '\\'
            {
                self.put('\\');
                let esc = match c {
                    '\0' => Some('0'),
                    '\u{07}' => Some('a'),
                    '\u{08}' => Some('b'),
                    '\t' => Some('t'),
                    '\n' => Some('n'),
                    '\u{0B}' => Some('v'),
                    '\u{0C}' => Some('f'),
                    '\r' => Some('r'),
                    '\u{1B}' => Some('e'),
                    '"' => Some('"'),
                    '\\' => Some('\\'),
                    '\u{85}' => Some('N'),
                    '\u{A0}' => Some('_'),
                    '\u{2028}' => Some('L'),
                    '\u{2029}' => Some('P'),
                    _ => None,
                };
                match esc {
                    Some(e) => self.put(e),
                    None => {
                        let v = c as u32;
                        let (lead, width) = if v <= 0xFF {
                            ('x', 2)
                        } else if v <= 0xFFFF {
                            ('u', 4)
                        } else {
                            ('U', 8)
                        };
                        self.put(lead);
                        for s in (0..width).rev() {
                            let d = (v >> (4 * s)) & 0xF;
                            self.put(char::from_digit(d, 16).unwrap_or('0').to_ascii_uppercase());
                        }
                    }
                }
                spaces = false;
            } else if c == ' ' {
                if allow_breaks && !spaces && self.column > self.width && i != 0 && i + 1 != n {
                    self.write_indent();
                    if chars.get(i + 1) == Some(&' ') {
                        self.put('\\');
                    }
                } else {
                    self.put(c);
                }
                spaces = true;
            } else {
                self.put(c);
                spaces = false;
            }
        }
        self.write_indicator("\"", false, false, false);
    }

    fn write_literal(&mut self, value: &str) {
        self.write_indicator("|", true, false, false);
        // Block scalar hints: explicit indentation when the text starts with a space or a
        // break, then the chomping indicator.
        let first = value.chars().next();
        if matches!(first, Some(c) if c == ' ' || is_break(c)) {
            self.write_indicator("2", false, false, false);
        }
        let mut rev = value.chars().rev();
        let chomp = match (rev.next(), rev.next()) {
            (None, _) => Some("-"),
            (Some(l), _) if !is_break(l) => Some("-"),
            (Some(_), None) => Some("+"),
            (Some(_), Some(p)) if is_break(p) => Some("+"),
            _ => None,
        };
        if let Some(ch) = chomp {
            self.write_indicator(ch, false, false, false);
        }
        self.put_break();
        self.indention = true;
        self.whitespace = true;
        let mut breaks = true;
        for c in value.chars() {
            if is_break(c) {
                self.write_break(c);
                self.indention = true;
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                    breaks = false;
                }
                self.put(c);
                self.indention = false;
            }
        }
    }

    fn finish(mut self) -> String {
        // Implicit document end.
        self.write_indent();
        self.out
    }
}

fn odd_char(c: char) -> bool {
    matches!(c, '\u{7F}'..='\u{9F}' | '\u{FFFE}' | '\u{FFFF}')
}

fn needs_reparse(v: &Yaml, depth: usize) -> bool {
    if depth > MAX_WRITE_DEPTH {
        return false;
    }
    match v {
        Yaml::String(s) => s.chars().any(odd_char),
        Yaml::Seq(items) => items.iter().any(|i| needs_reparse(i, depth + 1)),
        Yaml::Map(m) => m
            .iter()
            .any(|(k, i)| k.chars().any(odd_char) || needs_reparse(i, depth + 1)),
        _ => false,
    }
}

/// `yaml.Marshal` of go-yaml v2 over a typed tree (numbers printed as typed; floats with
/// `'g'`, infinities as `.inf`). The result ends with a newline.
pub fn marshal_v2(v: &Yaml) -> Result<String, Error> {
    let mut e = Emitter::new(false);
    e.node(v, Ctx::default(), 0)?;
    Ok(e.finish())
}

/// Helm's `toYamlPretty`: the yaml.v3 encoder with indent 2 on the value itself (no JSON
/// round trip), trailing newline trimmed. It differs from yaml.v2's layout in indenting
/// sequences under mapping keys and in never folding long scalars; otherwise scalars are
/// written as yaml.v2 writes them.
pub fn to_yaml_pretty(v: &Yaml) -> Result<String, Error> {
    let mut e = Emitter::new(false);
    e.indent_sequences = true;
    e.width = usize::MAX;
    e.node(v, Ctx::default(), 0)?;
    let mut s = e.finish();
    if s.ends_with('\n') {
        s.pop();
    }
    Ok(s)
}

/// Helm's `toYaml`: `json.Marshal`, yaml.v2 `Unmarshal`, yaml.v2 `Marshal`, trailing newline
/// trimmed. Integral floats print as integers, others with `'g'`; Inf/NaN are an error
/// (Helm then renders an empty string).
pub fn to_yaml(v: &Yaml) -> Result<String, Error> {
    let mut e = Emitter::new(true);
    if needs_reparse(v, 0) {
        // The JSON text holds characters go-yaml's reader rejects (DEL, C1 controls,
        // U+FFFE/U+FFFF) or folds (NEL): run the real JSON -> YAML reader step.
        let json = crate::json::to_json(v)?;
        let limits = crate::parse::Limits::default();
        let reread = crate::parse::parse_first(json.as_bytes(), &limits)?.unwrap_or(Yaml::Null);
        e.json_numbers = false;
        e.node(&reread, Ctx::default(), 0)?;
    } else {
        e.node(v, Ctx::default(), 0)?;
    }
    let mut s = e.finish();
    if s.ends_with('\n') {
        s.pop();
    }
    Ok(s)
}
