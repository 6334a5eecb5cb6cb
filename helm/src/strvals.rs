//! `--set` family parsing with Helm's strvals rules.
//!
//! `a.b=1` nests, `,` separates pairs (`\,` escapes), `\.` escapes a dot in a key,
//! `{a,b}` is a list, `a[2]=x` pads with nulls. Typed values (`--set`): `true`/`false`
//! (any case) → bool, `null` → nil, `0` and decimals without a leading zero that fit an
//! int64 → int (`Yaml::Int`), everything else a string.

use goyaml::{Map, Yaml};

/// Largest list index accepted in `a[N]=…`.
pub const MAX_INDEX: usize = 65_536;
/// Deepest key nesting accepted.
pub const MAX_NESTING: usize = 30;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Mode {
    /// `--set`: typed scalars.
    Typed,
    /// `--set-string`: every scalar a string.
    String,
    /// `--set-literal`: the whole rest of the expression is the value, verbatim.
    Literal,
    /// `--set-json`: the value is JSON.
    Json,
}

/// Parse `expr` into `base` (in place, as Helm's `ParseInto`).
pub fn parse_into(expr: &str, base: &mut Map, mode: Mode) -> Result<(), String> {
    let chars: Vec<char> = expr.chars().collect();
    let mut p = Parser {
        s: &chars,
        i: 0,
        mode,
    };
    while p.i < p.s.len() {
        p.key_into(base, 0)?;
    }
    Ok(())
}

/// `--set-file`: like `--set-string` but every value names a file; `read` returns its
/// content.
pub fn parse_file_into(
    expr: &str,
    base: &mut Map,
    read: &mut dyn FnMut(&str) -> Result<String, String>,
) -> Result<(), String> {
    let mut tmp = Map::new();
    parse_into(expr, &mut tmp, Mode::String)?;
    fn walk(
        v: &mut Yaml,
        read: &mut dyn FnMut(&str) -> Result<String, String>,
    ) -> Result<(), String> {
        match v {
            Yaml::String(s) => {
                *s = read(s)?;
                Ok(())
            }
            Yaml::Map(m) => m.values_mut().try_for_each(|v| walk(v, read)),
            Yaml::Seq(l) => l.iter_mut().try_for_each(|v| walk(v, read)),
            _ => Ok(()),
        }
    }
    for v in tmp.values_mut() {
        walk(v, read)?;
    }
    deep_set(base, tmp);
    Ok(())
}

fn deep_set(base: &mut Map, add: Map) {
    for (k, v) in add {
        match (base.get_mut(&k), v) {
            (Some(Yaml::Map(b)), Yaml::Map(a)) => deep_set(b, a),
            (_, v) => {
                base.insert(k, v);
            }
        }
    }
}

struct Parser<'a> {
    s: &'a [char],
    i: usize,
    mode: Mode,
}

fn typed(v: &str) -> Yaml {
    if v.eq_ignore_ascii_case("true") {
        return Yaml::Bool(true);
    }
    if v.eq_ignore_ascii_case("false") {
        return Yaml::Bool(false);
    }
    if v.eq_ignore_ascii_case("null") {
        return Yaml::Null;
    }
    if v == "0" {
        return Yaml::Int(0);
    }
    if !v.is_empty() && !v.starts_with('0') {
        let digits = v.strip_prefix(['+', '-']).unwrap_or(v);
        if !digits.is_empty()
            && digits.bytes().all(|b| b.is_ascii_digit())
            && let Ok(i) = v.parse::<i64>()
        {
            return Yaml::Int(i);
        }
    }
    Yaml::String(v.to_string())
}

impl Parser<'_> {
    fn peek(&self) -> Option<char> {
        self.s.get(self.i).copied()
    }

    /// Read until one of `stops` (unescaped). Returns (text, stop char or None at end).
    fn until(&mut self, stops: &[char]) -> (String, Option<char>) {
        let mut out = String::new();
        while let Some(c) = self.peek() {
            self.i += 1;
            if c == '\\' && self.mode != Mode::Literal {
                // An escaped character is taken literally; a trailing `\` is dropped.
                if let Some(n) = self.peek() {
                    self.i += 1;
                    out.push(n);
                }
                continue;
            }
            if stops.contains(&c) {
                return (out, Some(c));
            }
            out.push(c);
        }
        (out, None)
    }

    fn scalar(&self, raw: &str) -> Yaml {
        match self.mode {
            Mode::Typed => typed(raw),
            _ => Yaml::String(raw.to_string()),
        }
    }

    /// The value after `=`; consumes the trailing `,` if any.
    fn value(&mut self) -> Result<Yaml, String> {
        match self.mode {
            Mode::Literal => {
                let rest: String = self.s[self.i..].iter().collect();
                self.i = self.s.len();
                Ok(Yaml::String(rest))
            }
            Mode::Json => {
                let rest: String = self.s[self.i..].iter().collect();
                // One JSON value, optionally followed by `,` and more pairs.
                let (val, used) = json_prefix(&rest)?;
                self.i += rest[..used].chars().count();
                match self.peek() {
                    None => {}
                    Some(',') => self.i += 1,
                    Some(c) => return Err(format!("unexpected character {c:?} after JSON value")),
                }
                Ok(val)
            }
            _ => {
                if self.peek() == Some('{') {
                    self.i += 1;
                    let mut items = Vec::new();
                    loop {
                        let (v, stop) = self.until(&[',', '}']);
                        match stop {
                            Some(',') => items.push(self.scalar(&v)),
                            Some('}') => {
                                items.push(self.scalar(&v));
                                break;
                            }
                            _ => return Err("list must terminate with '}'".to_string()),
                        }
                    }
                    if self.peek() == Some(',') {
                        self.i += 1;
                    }
                    return Ok(Yaml::Seq(items));
                }
                let (v, _) = self.until(&[',']);
                Ok(self.scalar(&v))
            }
        }
    }

    fn key_into(&mut self, m: &mut Map, depth: usize) -> Result<(), String> {
        if depth > MAX_NESTING {
            return Err(format!(
                "value name nested level is greater than maximum supported nested level of {MAX_NESTING}"
            ));
        }
        let (key, stop) = self.until(&['=', '.', '[', ',']);
        match stop {
            None => {
                if key.is_empty() {
                    return Ok(());
                }
                Err(format!("key {key:?} has no value"))
            }
            Some(',') => {
                if self.mode == Mode::Literal {
                    return Err(format!("key {key:?} has no value"));
                }
                Err(format!("key {key:?} has no value (cannot end with ,)"))
            }
            Some('=') => {
                let v = self.value()?;
                // An empty key is consumed and ignored (`=1` gives `{}`).
                if !key.is_empty() {
                    m.insert(key, v);
                }
                Ok(())
            }
            Some('.') => {
                if matches!(self.peek(), None | Some('=')) {
                    return Err(format!("key map {key:?} has no value"));
                }
                let child = m.entry(key).or_insert_with(|| Yaml::Map(Map::new()));
                if !matches!(child, Yaml::Map(_)) {
                    return Err(format!(
                        "unable to parse key: interface conversion: interface {{}} is {}, not map[string]interface {{}}",
                        go_type(child)
                    ));
                }
                let Yaml::Map(cm) = child else {
                    return Err("internal: slot type".into());
                };
                self.key_into(cm, depth + 1)
            }
            Some('[') => {
                // An index never closed ends the expression without effect.
                if !self.s[self.i..].contains(&']') {
                    self.i = self.s.len();
                    return Ok(());
                }
                let list = m.entry(key).or_insert_with(|| Yaml::Seq(Vec::new()));
                if !matches!(list, Yaml::Seq(_)) {
                    return Err(format!(
                        "unable to parse key: interface conversion: interface {{}} is {}, not []interface {{}}",
                        go_type(list)
                    ));
                }
                let Yaml::Seq(l) = list else {
                    return Err("internal: slot type".into());
                };
                self.list_into(l, depth + 1)
            }
            Some(_) => Err("unexpected stop".into()),
        }
    }

    fn index(&mut self) -> Result<usize, String> {
        let (n, stop) = self.until(&[']']);
        if stop.is_none() {
            return Err("error parsing index: unterminated '['".to_string());
        }
        let i: i64 = n.parse().map_err(|_| {
            format!("error parsing index: strconv.Atoi: parsing {n:?}: invalid syntax")
        })?;
        if i < 0 {
            return Err("negative 1 index not allowed".replace("1", &i.to_string()));
        }
        if i as u64 > MAX_INDEX as u64 {
            return Err(format!(
                "index of {i} is greater than maximum supported index of {MAX_INDEX}"
            ));
        }
        Ok(i as usize)
    }

    fn list_into(&mut self, l: &mut Vec<Yaml>, depth: usize) -> Result<(), String> {
        if depth > MAX_NESTING {
            return Err(format!(
                "value name nested level is greater than maximum supported nested level of {MAX_NESTING}"
            ));
        }
        let i = self.index()?;
        if l.len() <= i {
            l.resize(i + 1, Yaml::Null);
        }
        match self.peek() {
            Some('=') => {
                self.i += 1;
                l[i] = self.value()?;
                Ok(())
            }
            Some('.') => {
                self.i += 1;
                if !matches!(l[i], Yaml::Map(_)) {
                    l[i] = Yaml::Map(Map::new());
                }
                let Yaml::Map(cm) = &mut l[i] else {
                    return Err("internal: slot type".into());
                };
                self.key_into(cm, depth + 1)
            }
            Some('[') => {
                self.i += 1;
                if !matches!(l[i], Yaml::Seq(_)) {
                    l[i] = Yaml::Seq(Vec::new());
                }
                let Yaml::Seq(inner) = &mut l[i] else {
                    return Err("internal: slot type".into());
                };
                self.list_into(inner, depth + 1)
            }
            Some(c) => Err(format!(
                "parse error: unexpected character {c:?} after index"
            )),
            None => Err("list index has no value".into()),
        }
    }
}

fn go_type(v: &Yaml) -> &'static str {
    match v {
        Yaml::Null => "nil",
        Yaml::Bool(_) => "bool",
        Yaml::Int(_) => "int64",
        Yaml::Uint(_) => "uint64",
        Yaml::Float(_) => "float64",
        Yaml::String(_) => "string",
        Yaml::Seq(_) => "[]interface {}",
        Yaml::Map(_) => "map[string]interface {}",
    }
}

/// Parse one JSON value at the start of `s`; returns it and the number of bytes used.
fn json_prefix(s: &str) -> Result<(Yaml, usize), String> {
    // Find the shortest prefix ending at a top-level `,` (or the end) that parses.
    let bytes = s.as_bytes();
    let mut depth = 0i32;
    let mut in_str = false;
    let mut esc = false;
    let mut end = bytes.len();
    for (i, &b) in bytes.iter().enumerate() {
        if in_str {
            if esc {
                esc = false;
            } else if b == b'\\' {
                esc = true;
            } else if b == b'"' {
                in_str = false;
            }
            continue;
        }
        match b {
            b'"' => in_str = true,
            b'{' | b'[' => depth += 1,
            b'}' | b']' => depth -= 1,
            b',' if depth == 0 => {
                end = i;
                break;
            }
            _ => {}
        }
    }
    let v = goyaml::from_json(&s[..end]).map_err(|e| e.go_message().to_string())?;
    Ok((v.normalize_numbers(), end))
}
