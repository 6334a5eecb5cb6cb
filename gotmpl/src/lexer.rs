//! Tokenizer with Go `text/template`'s rules: delimiters, trim markers (`{{- ` / ` -}}`, the
//! space is required), comments, quoted/raw strings, character constants, numbers, fields,
//! variables and keywords.

use crate::error::Error;

#[derive(Debug, Clone, PartialEq)]
pub enum Tok {
    /// Literal text outside actions (already trimmed by neighbouring trim markers).
    Text(String),
    LeftDelim,
    RightDelim,
    /// A bare identifier (function name).
    Ident(String),
    /// `.Name` (the name without the dot).
    Field(String),
    /// `$` or `$name` (with the `$`).
    Variable(String),
    /// `.` alone.
    Dot,
    /// A quoted or raw string, unescaped.
    Str(String),
    /// A character constant's value.
    Char(char),
    /// Any other printable ASCII character inside an action (Go's `itemChar`); the parser
    /// rejects it where it appears.
    Punct(char),
    /// A number as written.
    Number(String),
    Bool(bool),
    Nil,
    Keyword(Keyword),
    Pipe,
    LeftParen,
    RightParen,
    Comma,
    Declare,
    Assign,
    /// Whitespace inside an action (separates arguments).
    Space,
    Eof,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Keyword {
    If,
    Else,
    End,
    Range,
    With,
    Define,
    Template,
    Block,
    Break,
    Continue,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Token {
    pub tok: Tok,
    /// Byte offset in the source.
    pub pos: usize,
    /// 1-based line.
    pub line: usize,
}

fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\r' | b'\n')
}

fn is_alnum(c: char) -> bool {
    c == '_' || c.is_alphanumeric()
}

pub struct Lexer<'a> {
    name: &'a str,
    src: &'a str,
    left: &'a str,
    right: &'a str,
    pos: usize,
    line: usize,
    tokens: Vec<Token>,
    paren_depth: usize,
}

/// Tokenizes a whole template.
pub fn tokenize(name: &str, src: &str, left: &str, right: &str) -> Result<Vec<Token>, Error> {
    match tokenize_partial(name, src, left, right) {
        (_, Some(e)) => Err(e),
        (tokens, None) => Ok(tokens),
    }
}

/// Like [`tokenize`], but a lexing error does not discard the tokens before it: they are
/// returned followed by an `Eof` at the error, with the error. Go's parser reads tokens as
/// the lexer makes them, so a parse error before the bad character is the one reported.
pub fn tokenize_partial(
    name: &str,
    src: &str,
    left: &str,
    right: &str,
) -> (Vec<Token>, Option<Error>) {
    let mut lx = Lexer {
        name,
        src,
        left: if left.is_empty() { "{{" } else { left },
        right: if right.is_empty() { "}}" } else { right },
        pos: 0,
        line: 1,
        tokens: Vec::new(),
        paren_depth: 0,
    };
    match lx.run() {
        Ok(()) => (lx.tokens, None),
        Err(e) => {
            let (pos, line) = (lx.pos, lx.line);
            lx.push(Tok::Eof, pos, line);
            (lx.tokens, Some(e))
        }
    }
}

impl<'a> Lexer<'a> {
    fn err(&self, line: usize, msg: impl Into<String>) -> Error {
        Error::syntax(self.name, line, msg)
    }

    fn push(&mut self, tok: Tok, pos: usize, line: usize) {
        self.tokens.push(Token { tok, pos, line });
    }

    fn advance_to(&mut self, new_pos: usize) {
        self.line += self.src[self.pos..new_pos].matches('\n').count();
        self.pos = new_pos;
    }

    fn rest(&self) -> &'a str {
        &self.src[self.pos..]
    }

    fn run(&mut self) -> Result<(), Error> {
        loop {
            // text up to the next left delimiter
            let start = self.pos;
            let start_line = self.line;
            let Some(off) = self.rest().find(self.left) else {
                if start < self.src.len() {
                    let text = self.src[start..].to_string();
                    self.advance_to(self.src.len());
                    self.push(Tok::Text(text), start, start_line);
                }
                self.push(Tok::Eof, self.pos, self.line);
                return Ok(());
            };
            let delim_pos = start + off;
            let after = &self.src[delim_pos + self.left.len()..];
            let trim_left =
                after.len() >= 2 && after.as_bytes()[0] == b'-' && is_space(after.as_bytes()[1]);
            let mut text = &self.src[start..delim_pos];
            if trim_left {
                text = text.trim_end_matches([' ', '\t', '\r', '\n']);
            }
            self.advance_to(delim_pos);
            if !text.is_empty() {
                self.push(Tok::Text(text.to_string()), start, start_line);
            }
            let mut p = delim_pos + self.left.len();
            if trim_left {
                p += 2;
            }
            self.advance_to(p);
            // comment?
            if self.rest().starts_with("/*") {
                self.comment(delim_pos)?;
                continue;
            }
            self.push(Tok::LeftDelim, delim_pos, self.line);
            self.paren_depth = 0;
            self.action()?;
        }
    }

    /// Consumes a right delimiter (optionally preceded by ` -`) at the current position,
    /// returning whether it trims.
    fn at_right_delim(&self) -> Option<(bool, usize)> {
        let r = self.rest();
        let b = r.as_bytes();
        if b.len() >= 2 && is_space(b[0]) && b[1] == b'-' && r[2..].starts_with(self.right) {
            return Some((true, 2 + self.right.len()));
        }
        if r.starts_with(self.right) {
            return Some((false, self.right.len()));
        }
        None
    }

    fn trim_following_text(&mut self) {
        let r = self.rest();
        let t = r.trim_start_matches([' ', '\t', '\r', '\n']);
        let n = r.len() - t.len();
        self.advance_to(self.pos + n);
    }

    fn comment(&mut self, delim_pos: usize) -> Result<(), Error> {
        let line = self.line;
        let Some(end) = self.rest().find("*/") else {
            return Err(self.err(line, "unclosed comment"));
        };
        let _ = delim_pos;
        self.advance_to(self.pos + end + 2);
        match self.at_right_delim() {
            Some((trim, n)) => {
                self.advance_to(self.pos + n);
                if trim {
                    self.trim_following_text();
                }
                Ok(())
            }
            None => Err(self.err(line, "comment ends before closing delimiter")),
        }
    }

    fn action(&mut self) -> Result<(), Error> {
        let action_line = self.line;
        loop {
            if let Some((trim, n)) = self.at_right_delim() {
                if self.paren_depth > 0 {
                    return Err(self.err(self.line, "unclosed left paren"));
                }
                let p = self.pos;
                self.push(Tok::RightDelim, p, self.line);
                self.advance_to(p + n);
                if trim {
                    self.trim_following_text();
                }
                return Ok(());
            }
            let p = self.pos;
            let line = self.line;
            let Some(c) = self.rest().chars().next() else {
                return Err(self.err(action_line, "unclosed action"));
            };
            match c {
                ' ' | '\t' | '\r' | '\n' => {
                    let r = self.rest();
                    let mut n = r.len() - r.trim_start_matches([' ', '\t', '\r', '\n']).len();
                    // the last space before `-}}` belongs to the trim marker
                    if r[n..].starts_with('-') && r[n + 1..].starts_with(self.right) {
                        n -= 1;
                    }
                    self.advance_to(p + n);
                    self.push(Tok::Space, p, line);
                }
                '=' => {
                    self.advance_to(p + 1);
                    self.push(Tok::Assign, p, line);
                }
                ':' => {
                    if self.rest().starts_with(":=") {
                        self.advance_to(p + 2);
                        self.push(Tok::Declare, p, line);
                    } else {
                        return Err(self.err(line, "expected :="));
                    }
                }
                '|' => {
                    self.advance_to(p + 1);
                    self.push(Tok::Pipe, p, line);
                }
                '"' => {
                    let s = self.quoted(line)?;
                    self.push(Tok::Str(s), p, line);
                }
                '`' => {
                    let Some(end) = self.rest()[1..].find('`') else {
                        return Err(self.err(line, "unterminated raw quoted string"));
                    };
                    let s = self.rest()[1..1 + end].to_string();
                    self.advance_to(p + end + 2);
                    self.push(Tok::Str(s), p, line);
                }
                '\'' => {
                    let ch = self.char_const(line)?;
                    self.push(Tok::Char(ch), p, line);
                }
                '$' => {
                    let n = self.rest()[1..]
                        .char_indices()
                        .find(|(_, c)| !is_alnum(*c))
                        .map(|(i, _)| i)
                        .unwrap_or(self.rest().len() - 1);
                    let name = self.rest()[..1 + n].to_string();
                    self.advance_to(p + 1 + n);
                    self.push(Tok::Variable(name), p, line);
                }
                '.' => {
                    let next = self.rest()[1..].chars().next();
                    match next {
                        Some(d) if d.is_ascii_digit() => self.number(line)?,
                        Some(a) if is_alnum(a) => {
                            let n = self.rest()[1..]
                                .char_indices()
                                .find(|(_, c)| !is_alnum(*c))
                                .map(|(i, _)| i)
                                .unwrap_or(self.rest().len() - 1);
                            let name = self.rest()[1..1 + n].to_string();
                            self.advance_to(p + 1 + n);
                            self.push(Tok::Field(name), p, line);
                        }
                        _ => {
                            self.advance_to(p + 1);
                            self.push(Tok::Dot, p, line);
                        }
                    }
                }
                '+' | '-' | '0'..='9' => self.number(line)?,
                '(' => {
                    self.paren_depth += 1;
                    self.advance_to(p + 1);
                    self.push(Tok::LeftParen, p, line);
                }
                ')' => {
                    if self.paren_depth == 0 {
                        return Err(self.err(line, "unexpected right paren"));
                    }
                    self.paren_depth -= 1;
                    self.advance_to(p + 1);
                    self.push(Tok::RightParen, p, line);
                }
                ',' => {
                    self.advance_to(p + 1);
                    self.push(Tok::Comma, p, line);
                }
                c if is_alnum(c) => {
                    let n = self
                        .rest()
                        .char_indices()
                        .find(|(_, c)| !is_alnum(*c))
                        .map(|(i, _)| i)
                        .unwrap_or(self.rest().len());
                    let word = &self.rest()[..n];
                    let tok = match word {
                        "if" => Tok::Keyword(Keyword::If),
                        "else" => Tok::Keyword(Keyword::Else),
                        "end" => Tok::Keyword(Keyword::End),
                        "range" => Tok::Keyword(Keyword::Range),
                        "with" => Tok::Keyword(Keyword::With),
                        "define" => Tok::Keyword(Keyword::Define),
                        "template" => Tok::Keyword(Keyword::Template),
                        "block" => Tok::Keyword(Keyword::Block),
                        "break" => Tok::Keyword(Keyword::Break),
                        "continue" => Tok::Keyword(Keyword::Continue),
                        "true" => Tok::Bool(true),
                        "false" => Tok::Bool(false),
                        "nil" => Tok::Nil,
                        w => Tok::Ident(w.to_string()),
                    };
                    self.advance_to(p + n);
                    self.push(tok, p, line);
                }
                other if other.is_ascii_graphic() => {
                    self.advance_to(p + 1);
                    self.push(Tok::Punct(other), p, line);
                }
                other => {
                    return Err(self.err(
                        line,
                        format!(
                            "unrecognized character in action: U+{:04X} {:?}",
                            other as u32, other
                        ),
                    ));
                }
            }
        }
    }

    fn quoted(&mut self, line: usize) -> Result<String, Error> {
        let r = self.rest();
        let mut out = String::new();
        let mut chars = r.char_indices().skip(1);
        while let Some((i, c)) = chars.next() {
            match c {
                '"' => {
                    self.advance_to(self.pos + i + 1);
                    return Ok(out);
                }
                '\n' => break,
                '\\' => {
                    let Some((_, e)) = chars.next() else { break };
                    match e {
                        'n' => out.push('\n'),
                        't' => out.push('\t'),
                        'r' => out.push('\r'),
                        'a' => out.push('\x07'),
                        'b' => out.push('\x08'),
                        'f' => out.push('\x0c'),
                        'v' => out.push('\x0b'),
                        '\\' => out.push('\\'),
                        '"' => out.push('"'),
                        'x' | 'u' | 'U' => {
                            let n = match e {
                                'x' => 2,
                                'u' => 4,
                                _ => 8,
                            };
                            let mut v: u32 = 0;
                            for _ in 0..n {
                                let Some((_, h)) = chars.next() else {
                                    return Err(self.err(line, "invalid syntax"));
                                };
                                let Some(d) = h.to_digit(16) else {
                                    return Err(self.err(line, "invalid syntax"));
                                };
                                v = v * 16 + d;
                            }
                            if e == 'x' {
                                // a byte; only ASCII bytes keep the string valid UTF-8
                                if v < 0x80 {
                                    out.push(v as u8 as char);
                                } else {
                                    out.push(char::REPLACEMENT_CHARACTER);
                                }
                            } else {
                                match char::from_u32(v) {
                                    Some(ch) => out.push(ch),
                                    None => return Err(self.err(line, "invalid syntax")),
                                }
                            }
                        }
                        '0'..='7' => {
                            let mut v = e.to_digit(8).unwrap_or(0);
                            for _ in 0..2 {
                                let Some((_, h)) = chars.next() else {
                                    return Err(self.err(line, "invalid syntax"));
                                };
                                let Some(d) = h.to_digit(8) else {
                                    return Err(self.err(line, "invalid syntax"));
                                };
                                v = v * 8 + d;
                            }
                            if v < 0x80 {
                                out.push(v as u8 as char);
                            } else {
                                out.push(char::REPLACEMENT_CHARACTER);
                            }
                        }
                        _ => return Err(self.err(line, "invalid syntax")),
                    }
                }
                c => out.push(c),
            }
        }
        Err(self.err(line, "unterminated quoted string"))
    }

    fn char_const(&mut self, line: usize) -> Result<char, Error> {
        let r = self.rest();
        // Go's lexChar: a backslash escapes the next character; the constant ends at the
        // first unescaped quote.
        let mut end = None;
        let mut chars = r.char_indices().skip(1);
        while let Some((i, c)) = chars.next() {
            match c {
                '\\' if chars.next().is_none() => break,
                '\'' => {
                    end = Some(i);
                    break;
                }
                '\n' => break,
                _ => {}
            }
        }
        let Some(end) = end else {
            return Err(self.err(line, "unterminated character constant"));
        };
        let mut body = &r[1..end];
        if body == "\\'" {
            self.advance_to(self.pos + end + 1);
            return Ok('\'');
        }
        let ch = if let Some(esc) = body.strip_prefix('\\') {
            body = esc;
            // a one-character escape followed by more text (Go: UnquoteChar leaves a tail)
            if body.len() > 1
                && body.starts_with(['n', 't', 'r', '\\', '"', '\'', 'a', 'b', 'f', 'v'])
            {
                return Err(self.err(
                    line,
                    format!("malformed character constant: {}", &r[..=end]),
                ));
            }
            match body {
                "n" => '\n',
                "t" => '\t',
                "r" => '\r',
                "\\" => '\\',
                "\"" => '"',
                "a" => '\x07',
                "b" => '\x08',
                "f" => '\x0c',
                "v" => '\x0b',
                "0" => '\0',
                _ => {
                    let (radix, digits) = match body.chars().next() {
                        Some('x') | Some('u') | Some('U') => (16, &body[1..]),
                        _ => (8, body),
                    };
                    u32::from_str_radix(digits, radix)
                        .ok()
                        .and_then(char::from_u32)
                        .ok_or_else(|| self.err(line, "invalid syntax"))?
                }
            }
        } else {
            let mut it = body.chars();
            match (it.next(), it.next()) {
                (Some(c), None) => c,
                _ => {
                    return Err(self.err(
                        line,
                        format!("malformed character constant: {}", &r[..=end]),
                    ));
                }
            }
        };
        self.advance_to(self.pos + end + 1);
        Ok(ch)
    }

    fn number(&mut self, line: usize) -> Result<(), Error> {
        let p = self.pos;
        let r = self.rest();
        let b = r.as_bytes();
        let hex = r.trim_start_matches(['+', '-']).len() >= 2
            && matches!(
                &r.trim_start_matches(['+', '-']).as_bytes()[..2],
                b"0x" | b"0X"
            );
        let mut n = 0;
        while n < b.len() {
            let c = b[n];
            let ok = c.is_ascii_alphanumeric()
                || c == b'_'
                || c == b'.'
                || ((c == b'+' || c == b'-')
                    && (n == 0
                        || (!hex && matches!(b[n - 1], b'e' | b'E'))
                        || (hex && matches!(b[n - 1], b'p' | b'P'))));
            if !ok {
                break;
            }
            n += 1;
        }
        let text = &r[..n];
        if text == "+" || text == "-" {
            return Err(self.err(line, format!("bad number syntax: {:?}", text)));
        }
        self.advance_to(p + n);
        self.push(Tok::Number(text.to_string()), p, line);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(src: &str) -> Vec<Tok> {
        tokenize("t", src, "{{", "}}")
            .unwrap()
            .into_iter()
            .map(|t| t.tok)
            .collect()
    }

    fn err(src: &str) -> String {
        tokenize("t", src, "{{", "}}").unwrap_err().to_string()
    }

    #[test]
    fn text_and_actions() {
        use Tok::*;
        assert_eq!(
            toks("a {{ .X.Y | f $v 1 }} b"),
            vec![
                Text("a ".into()),
                LeftDelim,
                Space,
                Field("X".into()),
                Field("Y".into()),
                Space,
                Pipe,
                Space,
                Ident("f".into()),
                Space,
                Variable("$v".into()),
                Space,
                Number("1".into()),
                Space,
                RightDelim,
                Text(" b".into()),
                Eof
            ]
        );
    }

    #[test]
    fn trim_markers_need_the_space() {
        use Tok::*;
        assert_eq!(
            toks("a \n {{- 3 -}} \n b"),
            vec![
                Text("a".into()),
                LeftDelim,
                Number("3".into()),
                RightDelim,
                Text("b".into()),
                Eof
            ]
        );
        // `{{-3}}` is the number -3, no trimming
        assert_eq!(
            toks("a {{-3}}"),
            vec![
                Text("a ".into()),
                LeftDelim,
                Number("-3".into()),
                RightDelim,
                Eof
            ]
        );
    }

    #[test]
    fn comments() {
        use Tok::*;
        assert_eq!(
            toks("a {{/* c */}} b"),
            vec![Text("a ".into()), Text(" b".into()), Eof]
        );
        assert_eq!(
            toks("a  {{- /* c */ -}}  b"),
            vec![Text("a".into()), Text("b".into()), Eof]
        );
        assert_eq!(
            err("{{/* c */ x}}"),
            "template: t:1: comment ends before closing delimiter"
        );
        assert_eq!(err("{{/* c "), "template: t:1: unclosed comment");
    }

    #[test]
    fn literals() {
        use Tok::*;
        assert_eq!(
            toks(r#"{{"a\n\x41\u00e9" `r\n` 'x' '\n' 0x1F 1_000 1.5e+3 true nil $ . $x}}"#),
            vec![
                LeftDelim,
                Str("a\nAé".into()),
                Space,
                Str("r\\n".into()),
                Space,
                Char('x'),
                Space,
                Char('\n'),
                Space,
                Number("0x1F".into()),
                Space,
                Number("1_000".into()),
                Space,
                Number("1.5e+3".into()),
                Space,
                Bool(true),
                Space,
                Nil,
                Space,
                Variable("$".into()),
                Space,
                Dot,
                Space,
                Variable("$x".into()),
                RightDelim,
                Eof
            ]
        );
    }

    #[test]
    fn keywords_and_declarations() {
        use Tok::*;
        assert_eq!(
            toks("{{range $i, $v := .L}}{{end}}"),
            vec![
                LeftDelim,
                Keyword(self::Keyword::Range),
                Space,
                Variable("$i".into()),
                Comma,
                Space,
                Variable("$v".into()),
                Space,
                Declare,
                Space,
                Field("L".into()),
                RightDelim,
                LeftDelim,
                Keyword(self::Keyword::End),
                RightDelim,
                Eof
            ]
        );
    }

    #[test]
    fn errors() {
        assert_eq!(
            err("{{ \"abc }}"),
            "template: t:1: unterminated quoted string"
        );
        assert_eq!(err("\n{{ .X "), "template: t:2: unclosed action");
        assert_eq!(err("{{ ) }}"), "template: t:1: unexpected right paren");
        assert_eq!(err("{{ (x }}"), "template: t:1: unclosed left paren");
    }

    #[test]
    fn lines_are_counted() {
        let t = tokenize("t", "a\nb\n{{ .X }}", "{{", "}}").unwrap();
        assert_eq!(t[1].line, 3);
    }

    #[test]
    fn custom_delimiters() {
        use Tok::*;
        assert_eq!(
            tokenize("t", "[[ .X ]]{{", "[[", "]]")
                .unwrap()
                .into_iter()
                .map(|t| t.tok)
                .collect::<Vec<_>>(),
            vec![
                LeftDelim,
                Space,
                Field("X".into()),
                Space,
                RightDelim,
                Text("{{".into()),
                Eof
            ]
        );
    }
}
