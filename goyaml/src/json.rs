//! Go `encoding/json` compatible writer and reader over [`Yaml`].

use crate::emit::MAX_WRITE_DEPTH;
use crate::error::{Error, ErrorKind};
use crate::float::{format_float_g, format_float_json};
use crate::value::{Map, Yaml};

struct Writer {
    out: String,
    escape_html: bool,
    indent: Option<&'static str>,
}

const HEX: &[u8; 16] = b"0123456789abcdef";

impl Writer {
    fn string(&mut self, s: &str) {
        self.out.push('"');
        for c in s.chars() {
            match c {
                '"' => self.out.push_str("\\\""),
                '\\' => self.out.push_str("\\\\"),
                '\n' => self.out.push_str("\\n"),
                '\r' => self.out.push_str("\\r"),
                '\t' => self.out.push_str("\\t"),
                '\u{08}' => self.out.push_str("\\b"),
                '\u{0C}' => self.out.push_str("\\f"),
                '<' | '>' | '&' if self.escape_html => self.unicode_escape(c as u32),
                '\u{2028}' | '\u{2029}' => self.unicode_escape(c as u32),
                c if (c as u32) < 0x20 => self.unicode_escape(c as u32),
                c => self.out.push(c),
            }
        }
        self.out.push('"');
    }

    fn unicode_escape(&mut self, v: u32) {
        self.out.push_str("\\u");
        for s in (0..4).rev() {
            self.out.push(HEX[((v >> (4 * s)) & 0xF) as usize] as char);
        }
    }

    fn newline(&mut self, depth: usize) {
        if let Some(ind) = self.indent {
            self.out.push('\n');
            for _ in 0..depth {
                self.out.push_str(ind);
            }
        }
    }

    fn value(&mut self, v: &Yaml, depth: usize) -> Result<(), Error> {
        if depth > MAX_WRITE_DEPTH {
            return Err(Error::new(
                ErrorKind::Limit,
                format!("json: value nested deeper than {MAX_WRITE_DEPTH} levels"),
            ));
        }
        match v {
            Yaml::Null => self.out.push_str("null"),
            Yaml::Bool(b) => self.out.push_str(if *b { "true" } else { "false" }),
            Yaml::Int(i) => self.out.push_str(&i.to_string()),
            Yaml::Uint(u) => self.out.push_str(&u.to_string()),
            Yaml::Float(f) => match format_float_json(*f) {
                Some(s) => self.out.push_str(&s),
                None => {
                    return Err(Error::new(
                        ErrorKind::Json,
                        format!("json: unsupported value: {}", format_float_g(*f)),
                    ));
                }
            },
            Yaml::String(s) => self.string(s),
            Yaml::Seq(items) => {
                self.out.push('[');
                if !items.is_empty() {
                    for (i, item) in items.iter().enumerate() {
                        if i > 0 {
                            self.out.push(',');
                        }
                        self.newline(depth + 1);
                        self.value(item, depth + 1)?;
                    }
                    self.newline(depth);
                }
                self.out.push(']');
            }
            Yaml::Map(m) => {
                self.out.push('{');
                if !m.is_empty() {
                    for (i, (k, item)) in m.iter().enumerate() {
                        if i > 0 {
                            self.out.push(',');
                        }
                        self.newline(depth + 1);
                        self.string(k);
                        self.out.push(':');
                        if self.indent.is_some() {
                            self.out.push(' ');
                        }
                        self.value(item, depth + 1)?;
                    }
                    self.newline(depth);
                }
                self.out.push('}');
            }
        }
        Ok(())
    }
}

fn write(v: &Yaml, escape_html: bool, indent: Option<&'static str>) -> Result<String, Error> {
    let mut w = Writer {
        out: String::new(),
        escape_html,
        indent,
    };
    w.value(v, 0)?;
    Ok(w.out)
}

/// `json.Marshal` (sprig/Helm `toJson`): sorted keys, `<>&` and U+2028/U+2029 escaped.
pub fn to_json(v: &Yaml) -> Result<String, Error> {
    write(v, true, None)
}

/// sprig `toRawJson`: like [`to_json`] without HTML escaping.
pub fn to_raw_json(v: &Yaml) -> Result<String, Error> {
    write(v, false, None)
}

/// sprig `toPrettyJson`: `json.MarshalIndent(v, "", "  ")`.
pub fn to_pretty_json(v: &Yaml) -> Result<String, Error> {
    write(v, true, Some("  "))
}

// ------------------------------------------------------------------ reader

struct Reader<'a> {
    s: &'a str,
    b: &'a [u8],
    i: usize,
    depth: usize,
    /// Go keeps decoding after a number that does not fit a float64 (the value becomes nil)
    /// and reports the first such error at the end.
    type_error: Option<Error>,
}

/// Go's `quoteChar` used in syntax error messages.
fn quote_char(c: char) -> String {
    match c {
        '\'' => "'\\''".into(),
        '"' => "'\"'".into(),
        c => {
            let q = format!("{:?}", c.to_string());
            format!("'{}'", &q[1..q.len() - 1])
        }
    }
}

impl Reader<'_> {
    fn cur(&self) -> Option<char> {
        self.s.get(self.i..).and_then(|r| r.chars().next())
    }

    fn syntax(&self, context: &str) -> Error {
        // At the end of input Go's scanner is fed a space: states that reject it report
        // "invalid character ' '", the others "unexpected end of JSON input".
        let space_rejected = context.starts_with("in literal")
            || context.contains("numeric literal")
            || context.contains("escape");
        let msg = match self.cur() {
            None if space_rejected => format!("invalid character ' ' {context}"),
            None => "unexpected end of JSON input".to_string(),
            Some(c) => format!("invalid character {} {context}", quote_char(c)),
        };
        let (line, col) = self.position();
        Error::new(ErrorKind::Syntax, msg).at(line, col)
    }

    fn position(&self) -> (usize, usize) {
        let before = &self.s[..self.i.min(self.s.len())];
        let line = before.matches('\n').count() + 1;
        let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        (line, col)
    }

    fn ws(&mut self) {
        while self.i < self.b.len() && matches!(self.b[self.i], b' ' | b'\t' | b'\n' | b'\r') {
            self.i += 1;
        }
    }

    fn value(&mut self) -> Result<Yaml, Error> {
        self.ws();
        match self.b.get(self.i) {
            None => Err(self.syntax("")),
            Some(b'{') => self.object(),
            Some(b'[') => self.array(),
            Some(b'"') => Ok(Yaml::String(self.string()?)),
            Some(b't') => self.literal("true", Yaml::Bool(true)),
            Some(b'f') => self.literal("false", Yaml::Bool(false)),
            Some(b'n') => self.literal("null", Yaml::Null),
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(_) => Err(self.syntax("looking for beginning of value")),
        }
    }

    fn enter(&mut self) -> Result<(), Error> {
        self.depth += 1;
        if self.depth > MAX_WRITE_DEPTH {
            let (l, c) = self.position();
            return Err(Error::new(ErrorKind::Limit, "exceeded max depth").at(l, c));
        }
        Ok(())
    }

    fn literal(&mut self, word: &str, v: Yaml) -> Result<Yaml, Error> {
        for (k, expected) in word.bytes().enumerate() {
            if self.b.get(self.i) != Some(&expected) {
                return Err(self.syntax(&format!(
                    "in literal {word} (expecting {})",
                    quote_char(word.as_bytes()[k] as char)
                )));
            }
            self.i += 1;
        }
        Ok(v)
    }

    fn number(&mut self) -> Result<Yaml, Error> {
        let start = self.i;
        let digits = |r: &mut Self| {
            let st = r.i;
            while r.i < r.b.len() && r.b[r.i].is_ascii_digit() {
                r.i += 1;
            }
            r.i - st
        };
        if self.b[self.i] == b'-' {
            self.i += 1;
        }
        match self.b.get(self.i) {
            Some(b'0') => self.i += 1,
            Some(b'1'..=b'9') => {
                digits(self);
            }
            _ => return Err(self.syntax("in numeric literal")),
        }
        if self.b.get(self.i) == Some(&b'.') {
            self.i += 1;
            if digits(self) == 0 {
                return Err(self.syntax("after decimal point in numeric literal"));
            }
        }
        if matches!(self.b.get(self.i), Some(b'e' | b'E')) {
            self.i += 1;
            if matches!(self.b.get(self.i), Some(b'+' | b'-')) {
                self.i += 1;
            }
            if digits(self) == 0 {
                return Err(self.syntax("in exponent of numeric literal"));
            }
        }
        let text = &self.s[start..self.i];
        match text.parse::<f64>() {
            Ok(f) if f.is_finite() => Ok(Yaml::Float(f)),
            _ => {
                if self.type_error.is_none() {
                    self.type_error = Some(Error::new(
                        ErrorKind::Json,
                        format!(
                            "json: cannot unmarshal number {text} into Go value of type float64"
                        ),
                    ));
                }
                Ok(Yaml::Null)
            }
        }
    }

    fn hex4(&mut self) -> Result<u32, Error> {
        let mut v = 0;
        for _ in 0..4 {
            let d = match self.b.get(self.i) {
                Some(c) if c.is_ascii_hexdigit() => (*c as char).to_digit(16).unwrap_or(0),
                _ => return Err(self.syntax("in \\u hexadecimal character escape")),
            };
            v = v * 16 + d;
            self.i += 1;
        }
        Ok(v)
    }

    fn string(&mut self) -> Result<String, Error> {
        self.i += 1; // opening quote
        let mut out = String::new();
        loop {
            let Some(c) = self.cur() else {
                return Err(self.syntax(""));
            };
            match c {
                '"' => {
                    self.i += 1;
                    return Ok(out);
                }
                '\\' => {
                    self.i += 1;
                    let Some(&e) = self.b.get(self.i) else {
                        return Err(self.syntax("in string escape code"));
                    };
                    self.i += 1;
                    match e {
                        b'"' => out.push('"'),
                        b'\\' => out.push('\\'),
                        b'/' => out.push('/'),
                        b'b' => out.push('\u{08}'),
                        b'f' => out.push('\u{0C}'),
                        b'n' => out.push('\n'),
                        b'r' => out.push('\r'),
                        b't' => out.push('\t'),
                        b'u' => {
                            let v = self.hex4()?;
                            if (0xD800..0xDC00).contains(&v)
                                && self.b.get(self.i) == Some(&b'\\')
                                && self.b.get(self.i + 1) == Some(&b'u')
                            {
                                let save = self.i;
                                self.i += 2;
                                let lo = self.hex4()?;
                                if (0xDC00..0xE000).contains(&lo) {
                                    let cp = 0x10000 + ((v - 0xD800) << 10) + (lo - 0xDC00);
                                    out.push(char::from_u32(cp).unwrap_or('\u{FFFD}'));
                                    continue;
                                }
                                self.i = save;
                            }
                            out.push(char::from_u32(v).unwrap_or('\u{FFFD}'));
                        }
                        _ => {
                            self.i -= 1;
                            return Err(self.syntax("in string escape code"));
                        }
                    }
                }
                c if (c as u32) < 0x20 => return Err(self.syntax("in string literal")),
                c => {
                    out.push(c);
                    self.i += c.len_utf8();
                }
            }
        }
    }

    fn array(&mut self) -> Result<Yaml, Error> {
        self.enter()?;
        self.i += 1;
        let mut items = Vec::new();
        self.ws();
        if self.b.get(self.i) == Some(&b']') {
            self.i += 1;
            self.depth -= 1;
            return Ok(Yaml::Seq(items));
        }
        loop {
            items.push(self.value()?);
            self.ws();
            match self.b.get(self.i) {
                Some(b',') => self.i += 1,
                Some(b']') => {
                    self.i += 1;
                    self.depth -= 1;
                    return Ok(Yaml::Seq(items));
                }
                _ => return Err(self.syntax("after array element")),
            }
        }
    }

    fn object(&mut self) -> Result<Yaml, Error> {
        self.enter()?;
        self.i += 1;
        let mut m = Map::new();
        self.ws();
        if self.b.get(self.i) == Some(&b'}') {
            self.i += 1;
            self.depth -= 1;
            return Ok(Yaml::Map(m));
        }
        loop {
            self.ws();
            if self.b.get(self.i) != Some(&b'"') {
                return Err(self.syntax("looking for beginning of object key string"));
            }
            let k = self.string()?;
            self.ws();
            if self.b.get(self.i) != Some(&b':') {
                return Err(self.syntax("after object key"));
            }
            self.i += 1;
            let v = self.value()?;
            m.insert(k, v);
            self.ws();
            match self.b.get(self.i) {
                Some(b',') => self.i += 1,
                Some(b'}') => {
                    self.i += 1;
                    self.depth -= 1;
                    return Ok(Yaml::Map(m));
                }
                _ => return Err(self.syntax("after object key:value pair")),
            }
        }
    }
}

/// `json.Unmarshal` into `interface{}`: numbers become float64 (`Yaml::Float`), duplicate
/// keys keep the last value; errors use Go's messages.
pub fn from_json(input: &str) -> Result<Yaml, Error> {
    let (v, type_error) = read(input)?;
    match type_error {
        Some(e) => Err(e),
        None => Ok(v),
    }
}

fn read(input: &str) -> Result<(Yaml, Option<Error>), Error> {
    let mut r = Reader {
        s: input,
        b: input.as_bytes(),
        i: 0,
        depth: 0,
        type_error: None,
    };
    let v = r.value()?;
    r.ws();
    if r.i < r.b.len() {
        return Err(r.syntax("after top-level value"));
    }
    Ok((v, r.type_error))
}

/// `json.Unmarshal` into a `map[string]interface{}` the way Helm's `fromJson` calls it:
/// returns what the map holds afterwards (`Null` for a JSON `null`, which makes the map nil)
/// and the error, if any. Syntax errors and non-object input leave the map empty; a number
/// too large for a float64 leaves that entry `null` and decoding goes on.
pub fn unmarshal_json_object(input: &str) -> (Yaml, Option<Error>) {
    match read(input) {
        Err(e) => (Yaml::Map(Map::new()), Some(e)),
        Ok((Yaml::Map(m), err)) => (Yaml::Map(m), err),
        Ok((Yaml::Null, err)) => (Yaml::Null, err),
        Ok((other, _)) => {
            let kind = match other {
                Yaml::Seq(_) => "array",
                Yaml::String(_) => "string",
                Yaml::Bool(_) => "bool",
                _ => "number",
            };
            (
                Yaml::Map(Map::new()),
                Some(Error::new(
                    ErrorKind::Shape,
                    format!(
                        "json: cannot unmarshal {kind} into Go value of type map[string]interface {{}}"
                    ),
                )),
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encode() {
        let v = from_json(r#"{"b":[1,2.5,1e21,1e-7],"a":"<x>&\u2028","c":{},"d":[],"e":null}"#)
            .unwrap();
        assert_eq!(
            to_json(&v).unwrap(),
            r#"{"a":"\u003cx\u003e\u0026\u2028","b":[1,2.5,1e+21,1e-7],"c":{},"d":[],"e":null}"#
        );
        assert_eq!(
            to_raw_json(&v).unwrap(),
            r#"{"a":"<x>&\u2028","b":[1,2.5,1e+21,1e-7],"c":{},"d":[],"e":null}"#
        );
        assert_eq!(
            to_pretty_json(&from_json(r#"{"a":[1,{}],"b":[]}"#).unwrap()).unwrap(),
            "{\n  \"a\": [\n    1,\n    {}\n  ],\n  \"b\": []\n}"
        );
        assert!(to_json(&Yaml::Float(f64::INFINITY)).is_err());
        assert_eq!(
            to_json(&Yaml::String("\u{1}\t\u{7f}".into())).unwrap(),
            "\"\\u0001\\t\u{7f}\""
        );
    }

    #[test]
    fn decode_errors() {
        for (input, msg) in [
            ("", "unexpected end of JSON input"),
            ("{", "unexpected end of JSON input"),
            ("x", "invalid character 'x' looking for beginning of value"),
            ("{\"a\" 1}", "invalid character '1' after object key"),
            ("[1 2]", "invalid character '2' after array element"),
            (
                "{1:2}",
                "invalid character '1' looking for beginning of object key string",
            ),
            ("1 2", "invalid character '2' after top-level value"),
            (
                "tru",
                "invalid character ' ' in literal true (expecting 'e')",
            ),
            (
                "1e400",
                "json: cannot unmarshal number 1e400 into Go value of type float64",
            ),
            ("-", "invalid character ' ' in numeric literal"),
            ("\"\\", "invalid character ' ' in string escape code"),
            ("\"abc", "unexpected end of JSON input"),
        ] {
            assert_eq!(from_json(input).unwrap_err().go_message(), msg, "{input}");
        }
    }

    #[test]
    fn decode_values() {
        assert_eq!(
            from_json(r#"{"a":1,"a":2,"s":"\ud83d\ude00\ud800"}"#).unwrap(),
            Yaml::Map(Map::from([
                ("a".to_string(), Yaml::Float(2.0)),
                ("s".to_string(), Yaml::String("😀\u{FFFD}".into())),
            ]))
        );
        assert_eq!(
            from_json("12345678901234567890").unwrap(),
            Yaml::Float(12345678901234567890.0)
        );
    }
}

/// [`from_json`] over bytes: invalid UTF-8 inside strings becomes U+FFFD, one per invalid
/// byte, as Go's decoder does.
pub fn from_json_bytes(input: &[u8]) -> Result<Yaml, Error> {
    match std::str::from_utf8(input) {
        Ok(s) => from_json(s),
        Err(_) => {
            let mut s = String::with_capacity(input.len() + 8);
            for chunk in input.utf8_chunks() {
                s.push_str(chunk.valid());
                for _ in chunk.invalid() {
                    s.push('\u{FFFD}');
                }
            }
            from_json(&s)
        }
    }
}

#[cfg(test)]
mod byte_tests {
    use super::*;

    #[test]
    fn invalid_utf8_in_strings_is_replaced_per_byte() {
        assert_eq!(
            from_json_bytes(b"\"a\xe2\x82b\xff\"").unwrap(),
            Yaml::String("a\u{FFFD}\u{FFFD}b\u{FFFD}".into())
        );
    }
}
