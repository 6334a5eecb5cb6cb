//! go-yaml v2 resolution of scalars (YAML 1.1 flavoured).

/// What a plain, untagged scalar means to go-yaml v2.
#[derive(Debug, Clone, PartialEq)]
pub enum ResolvedScalar {
    Null,
    Bool(bool),
    Int(i64),
    Uint(u64),
    Float(f64),
    /// Looks like a timestamp: go-yaml v2 keeps it as the original string in `interface{}`,
    /// but the encoder quotes such strings.
    Timestamp,
    Str,
}

pub(crate) const TAG_PREFIX: &str = "tag:yaml.org,2002:";

fn lookup(s: &str) -> Option<ResolvedScalar> {
    use ResolvedScalar::*;
    Some(match s {
        "y" | "Y" | "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => {
            Bool(true)
        }
        "n" | "N" | "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => {
            Bool(false)
        }
        "" | "~" | "null" | "Null" | "NULL" => Null,
        ".nan" | ".NaN" | ".NAN" => Float(f64::NAN),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => Float(f64::INFINITY),
        "-.inf" | "-.Inf" | "-.INF" => Float(f64::NEG_INFINITY),
        _ => return None,
    })
}

/// Go `strconv.ParseInt(s, 0, 64)` / `ParseUint` digits part: returns the magnitude.
fn parse_go_base0(s: &str) -> Option<u128> {
    let (radix, digits) = if let Some(r) = s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        (16, r)
    } else if let Some(r) = s.strip_prefix("0o").or_else(|| s.strip_prefix("0O")) {
        (8, r)
    } else if let Some(r) = s.strip_prefix("0b").or_else(|| s.strip_prefix("0B")) {
        (2, r)
    } else if s.len() > 1 && s.starts_with('0') {
        (8, &s[1..])
    } else {
        (10, s)
    };
    if digits.is_empty() {
        return None;
    }
    let mut v: u128 = 0;
    for c in digits.chars() {
        let d = c.to_digit(radix)? as u128;
        v = v.checked_mul(radix as u128)?.checked_add(d)?;
        if v > u64::MAX as u128 + 1 {
            return None;
        }
    }
    Some(v)
}

fn parse_int(s: &str) -> Option<i64> {
    let (neg, rest) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let m = parse_go_base0(rest)?;
    if neg {
        if m <= i64::MAX as u128 + 1 {
            Some((-(m as i128)) as i64)
        } else {
            None
        }
    } else if m <= i64::MAX as u128 {
        Some(m as i64)
    } else {
        None
    }
}

fn parse_uint(s: &str) -> Option<u64> {
    if s.starts_with(['+', '-']) {
        return None;
    }
    let m = parse_go_base0(s)?;
    u64::try_from(m).ok()
}

/// `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`
fn is_yaml_style_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
        i += 1;
    }
    let digits = |i: &mut usize| {
        let st = *i;
        while *i < b.len() && b[*i].is_ascii_digit() {
            *i += 1;
        }
        *i - st
    };
    if i < b.len() && b[i] == b'.' {
        i += 1;
        if digits(&mut i) == 0 {
            return false;
        }
    } else {
        if digits(&mut i) == 0 {
            return false;
        }
        if i < b.len() && b[i] == b'.' {
            i += 1;
            digits(&mut i);
        }
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        i += 1;
        if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == b.len()
}

/// Go `strconv.ParseFloat(s, 64)` restricted to decimal syntax; overflow is an error.
fn parse_decimal_float(s: &str) -> Option<f64> {
    if !is_yaml_style_float(s) {
        return None;
    }
    let f: f64 = s.parse().ok()?;
    if f.is_infinite() { None } else { Some(f) }
}

/// go-yaml v2 `isBase60Float`: `^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$`
pub(crate) fn is_base60_float(s: &str) -> bool {
    let b = s.as_bytes();
    if b.is_empty() || !(b[0] == b'+' || b[0] == b'-' || b[0].is_ascii_digit()) {
        return false;
    }
    if !s.contains(':') {
        return false;
    }
    let mut i = 0;
    if b[0] == b'+' || b[0] == b'-' {
        i += 1;
    }
    if i >= b.len() || !b[i].is_ascii_digit() {
        return false;
    }
    i += 1;
    while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'_') {
        i += 1;
    }
    let mut groups = 0;
    while i < b.len() && b[i] == b':' {
        i += 1;
        // [0-5]?[0-9]
        let st = i;
        while i < b.len() && b[i].is_ascii_digit() && i - st < 2 {
            i += 1;
        }
        match i - st {
            1 => {}
            2 if b[st] <= b'5' => {}
            2 => return false,
            _ => return false,
        }
        groups += 1;
    }
    if groups == 0 {
        return false;
    }
    if i < b.len() && b[i] == b'.' {
        i += 1;
        while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'_') {
            i += 1;
        }
    }
    i == b.len()
}

fn take_num(b: &[u8], i: &mut usize, min: usize, max: usize) -> Option<u32> {
    let st = *i;
    while *i < b.len() && b[*i].is_ascii_digit() && *i - st < max {
        *i += 1;
    }
    if *i - st < min {
        return None;
    }
    std::str::from_utf8(&b[st..*i]).ok()?.parse().ok()
}

fn days_in_month(y: u32, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ => {
            if (y.is_multiple_of(4) && !y.is_multiple_of(100)) || y.is_multiple_of(400) {
                29
            } else {
                28
            }
        }
    }
}

/// go-yaml v2 timestamp formats: `2006-1-2T15:4:5.999999999Z07:00` (also lowercase `t`),
/// `2006-1-2 15:4:5.999999999` and `2006-1-2`, parsed with Go's `time.Parse` rules.
pub(crate) fn is_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
    }
    if i != 4 || i == b.len() || b[i] != b'-' {
        return false;
    }
    let Some(y) = take_num(b, &mut 0, 4, 4) else {
        return false;
    };
    i = 5;
    let Some(m) = take_num(b, &mut i, 1, 2) else {
        return false;
    };
    if i >= b.len() || b[i] != b'-' {
        return false;
    }
    i += 1;
    let Some(d) = take_num(b, &mut i, 1, 2) else {
        return false;
    };
    if !(1..=12).contains(&m) || d < 1 || d > days_in_month(y, m) {
        return false;
    }
    if i == b.len() {
        return true;
    }
    let zoned = match b[i] {
        b'T' | b't' => true,
        b' ' => false,
        _ => return false,
    };
    i += 1;
    let Some(h) = take_num(b, &mut i, 1, 2) else {
        return false;
    };
    if i >= b.len() || b[i] != b':' {
        return false;
    }
    i += 1;
    let Some(mi) = take_num(b, &mut i, 1, 2) else {
        return false;
    };
    if i >= b.len() || b[i] != b':' {
        return false;
    }
    i += 1;
    let Some(sec) = take_num(b, &mut i, 1, 2) else {
        return false;
    };
    if h > 23 || mi > 59 || sec > 59 {
        return false;
    }
    if i < b.len() && (b[i] == b'.' || b[i] == b',') && i + 1 < b.len() && b[i + 1].is_ascii_digit()
    {
        i += 1;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
    }
    if !zoned {
        return i == b.len();
    }
    if i < b.len() && b[i] == b'Z' {
        return i + 1 == b.len();
    }
    if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
        i += 1;
        let Some(zh) = take_num(b, &mut i, 2, 2) else {
            return false;
        };
        if i >= b.len() || b[i] != b':' {
            return false;
        }
        i += 1;
        let Some(zm) = take_num(b, &mut i, 2, 2) else {
            return false;
        };
        return zh <= 24 && zm <= 59 && i == b.len();
    }
    false
}

/// go-yaml v2 `resolve("", s)` for a plain scalar.
pub fn resolve_plain(s: &str) -> ResolvedScalar {
    resolve_hinted(s, true)
}

fn resolve_hinted(s: &str, try_timestamp: bool) -> ResolvedScalar {
    let first = match s.as_bytes().first() {
        None => return ResolvedScalar::Null,
        Some(c) => *c,
    };
    let hint = match first {
        b'+' | b'-' => b'S',
        b'0'..=b'9' => b'D',
        b'y' | b'Y' | b'n' | b'N' | b't' | b'T' | b'f' | b'F' | b'o' | b'O' | b'~' => b'M',
        b'.' => b'.',
        _ => return ResolvedScalar::Str,
    };
    if let Some(r) = lookup(s) {
        return r;
    }
    match hint {
        b'.' => {
            if let Some(f) = parse_decimal_float(s) {
                return ResolvedScalar::Float(f);
            }
        }
        b'D' | b'S' => {
            if try_timestamp && is_timestamp(s) {
                return ResolvedScalar::Timestamp;
            }
            let plain: std::borrow::Cow<str> = if s.contains('_') {
                s.replace('_', "").into()
            } else {
                s.into()
            };
            if let Some(i) = parse_int(&plain) {
                return ResolvedScalar::Int(i);
            }
            if let Some(u) = parse_uint(&plain) {
                return ResolvedScalar::Uint(u);
            }
            if let Some(f) = parse_decimal_float(&plain) {
                return ResolvedScalar::Float(f);
            }
        }
        _ => {}
    }
    ResolvedScalar::Str
}

fn tag_name(r: &ResolvedScalar) -> &'static str {
    match r {
        ResolvedScalar::Null => "null",
        ResolvedScalar::Bool(_) => "bool",
        ResolvedScalar::Int(_) | ResolvedScalar::Uint(_) => "int",
        ResolvedScalar::Float(_) => "float",
        ResolvedScalar::Timestamp => "timestamp",
        ResolvedScalar::Str => "str",
    }
}

/// Outcome of resolving a tagged scalar.
pub(crate) enum Tagged {
    Value(ResolvedScalar),
    /// Not a resolvable tag (custom tags, `!!null`, `!!binary`, ...): the text as a string.
    Verbatim,
    Binary,
}

/// go-yaml v2 `resolve(tag, s)` with an explicit (full) tag. Errors carry go-yaml's message.
pub(crate) fn resolve_tagged(tag: &str, s: &str) -> Result<Tagged, String> {
    let short = tag.strip_prefix(TAG_PREFIX);
    let resolvable = matches!(
        short,
        Some("str") | Some("bool") | Some("int") | Some("float") | Some("timestamp") | Some("null")
    );
    if short == Some("binary") {
        return Ok(Tagged::Binary);
    }
    if !resolvable {
        return Ok(Tagged::Verbatim);
    }
    let short = short.unwrap_or_default();
    let r = if short == "str" {
        ResolvedScalar::Str
    } else {
        resolve_hinted(s, short == "timestamp" || short.is_empty())
    };
    let rname = tag_name(&r);
    if rname == short || short == "str" {
        return Ok(Tagged::Value(r));
    }
    if short == "float" {
        match r {
            ResolvedScalar::Int(i) => return Ok(Tagged::Value(ResolvedScalar::Float(i as f64))),
            ResolvedScalar::Uint(u) => return Ok(Tagged::Value(ResolvedScalar::Float(u as f64))),
            _ => {}
        }
    }
    Err(format!("cannot decode !!{rname} `{s}` as a !!{short}"))
}

/// Go `base64.StdEncoding.DecodeString` (newlines ignored, padding required).
pub(crate) fn decode_base64(s: &str) -> Option<Vec<u8>> {
    let mut vals = Vec::with_capacity(s.len());
    let mut pad = 0;
    for c in s.bytes() {
        if c == b'\r' || c == b'\n' {
            continue;
        }
        if c == b'=' {
            pad += 1;
            continue;
        }
        if pad > 0 {
            return None;
        }
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        };
        vals.push(v);
    }
    if (vals.len() + pad) % 4 != 0 || pad > 2 || (pad > 0 && vals.len() % 4 + pad != 4) {
        return None;
    }
    let mut out = Vec::with_capacity(vals.len() * 3 / 4);
    for chunk in vals.chunks(4) {
        let mut acc: u32 = 0;
        for (i, v) in chunk.iter().enumerate() {
            acc |= (*v as u32) << (18 - 6 * i);
        }
        let n = chunk.len() - 1;
        let bytes = [(acc >> 16) as u8, (acc >> 8) as u8, acc as u8];
        // Go rejects non-zero trailing bits.
        if n < 3 && (acc & ((1u32 << (8 * (3 - n))) - 1)) != 0 {
            return None;
        }
        out.extend_from_slice(&bytes[..n]);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::ResolvedScalar::*;
    use super::*;

    #[test]
    fn plain() {
        let cases: Vec<(&str, ResolvedScalar)> = vec![
            ("yes", Bool(true)),
            ("On", Bool(true)),
            ("y", Bool(true)),
            ("n", Bool(false)),
            ("OFF", Bool(false)),
            ("oN", Str),
            ("~", Null),
            ("", Null),
            ("Null", Null),
            ("nULL", Str),
            ("010", Int(8)),
            ("0o10", Int(8)),
            ("08", Float(8.0)),
            ("0x1F", Int(31)),
            ("-0x1F", Int(-31)),
            ("0b101", Int(5)),
            ("1_000", Int(1000)),
            ("+1", Int(1)),
            (".5", Float(0.5)),
            ("1e3", Float(1000.0)),
            ("1.", Float(1.0)),
            ("1e400", Str),
            ("9223372036854775807", Int(i64::MAX)),
            ("9223372036854775808", Uint(9223372036854775808)),
            ("18446744073709551616", Float(18446744073709551616.0)),
            ("-9223372036854775809", Float(-9223372036854775809.0)),
            ("2001-12-14", Timestamp),
            ("2001-02-30", Str),
            ("2001-12-14t21:59:43.10Z", Timestamp),
            ("2001-12-14 21:59:43.10", Timestamp),
            ("2001-12-14 21:59:43.10 -5", Str),
            ("12:30", Str),
            ("<<", Str),
            ("abc", Str),
            ("1.2.3", Str),
            ("0x", Str),
            ("1e", Str),
        ];
        for (s, want) in cases {
            assert_eq!(resolve_plain(s), want, "{s:?}");
        }
        assert!(matches!(resolve_plain(".inf"), Float(f) if f.is_infinite()));
        assert!(matches!(resolve_plain(".NaN"), Float(f) if f.is_nan()));
    }

    #[test]
    fn base60() {
        for s in ["12:30", "1:20:30.5", "-1:59", "190:20:30"] {
            assert!(is_base60_float(s), "{s}");
        }
        for s in ["12:60", "a:1", "12:", "12", "1:2:3a"] {
            assert!(!is_base60_float(s), "{s}");
        }
    }

    #[test]
    fn base64() {
        assert_eq!(decode_base64("aGVsbG8=").unwrap(), b"hello");
        assert_eq!(decode_base64("aGVs\nbG8=").unwrap(), b"hello");
        assert!(decode_base64("aGVsbG8").is_none());
        assert!(decode_base64("a b").is_none());
    }
}
