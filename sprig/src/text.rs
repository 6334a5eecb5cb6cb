//! String functions of sprig that work on plain strings and integers. Go strings are byte
//! strings: where sprig slices bytes (`trunc`, `substr`, `abbrev`, `wrap`) these do too and
//! repair a cut UTF-8 sequence lossily.

/// Largest string `repeat`, `indent` and friends may build.
pub const MAX_OUTPUT_LEN: usize = 64 << 20;
/// Most elements `until`, `untilStep` and `seq` may produce.
pub const MAX_SEQUENCE_LEN: usize = 1_000_000;

fn lossy(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// `trunc N S`: first N bytes, or the last -N bytes when N is negative.
pub fn trunc(c: i64, s: &str) -> String {
    let b = s.as_bytes();
    let len = b.len() as i64;
    if c < 0 && len + c > 0 {
        return lossy(&b[(len + c) as usize..]);
    }
    if c >= 0 && len > c {
        return lossy(&b[..c as usize]);
    }
    s.to_string()
}

/// `substr START END S` (Go slice semantics; out-of-range slices are errors like Go's panics).
pub fn substr(start: i64, end: i64, s: &str) -> Result<String, String> {
    let b = s.as_bytes();
    let len = b.len() as i64;
    if start < 0 {
        if end < 0 || end > len {
            return Err(format!(
                "runtime error: slice bounds out of range [:{end}] with length {len}"
            ));
        }
        return Ok(lossy(&b[..end as usize]));
    }
    if end < 0 || end > len {
        if start > len {
            return Err(format!(
                "runtime error: slice bounds out of range [{start}:{len}]"
            ));
        }
        return Ok(lossy(&b[start as usize..]));
    }
    if start > end {
        return Err(format!(
            "runtime error: slice bounds out of range [{start}:{end}]"
        ));
    }
    Ok(lossy(&b[start as usize..end as usize]))
}

fn check_len(n: usize) -> Result<(), String> {
    if n > MAX_OUTPUT_LEN {
        Err(format!(
            "result of {n} bytes exceeds the limit of {MAX_OUTPUT_LEN} bytes"
        ))
    } else {
        Ok(())
    }
}

/// `repeat COUNT S`.
pub fn repeat(count: i64, s: &str) -> Result<String, String> {
    if count < 0 {
        return Err("strings: negative Repeat count".into());
    }
    let total = (count as u128) * (s.len() as u128);
    check_len(usize::try_from(total).unwrap_or(usize::MAX))?;
    Ok(s.repeat(count as usize))
}

/// `indent N S`: every line (empty ones too) gets N spaces.
pub fn indent(n: i64, s: &str) -> Result<String, String> {
    if n < 0 {
        return Err("strings: negative Repeat count".into());
    }
    let lines = s.bytes().filter(|b| *b == b'\n').count() as u128 + 1;
    let total = lines * (n as u128) + s.len() as u128;
    check_len(usize::try_from(total).unwrap_or(usize::MAX))?;
    let pad = " ".repeat(n as usize);
    Ok(format!("{pad}{}", s.replace('\n', &format!("\n{pad}"))))
}

/// `nindent N S`.
pub fn nindent(n: i64, s: &str) -> Result<String, String> {
    Ok(format!("\n{}", indent(n, s)?))
}

/// `nospace`: removes Unicode white space.
pub fn nospace(s: &str) -> String {
    s.chars().filter(|c| !go_is_space(*c)).collect()
}

/// Go `unicode.IsSpace`.
pub fn go_is_space(c: char) -> bool {
    matches!(
        c,
        '\t' | '\n' | '\u{b}' | '\u{c}' | '\r' | ' ' | '\u{85}' | '\u{a0}'
    ) || (c as u32 > 0xff && c.is_whitespace())
}

/// `abbrev WIDTH S`.
pub fn abbrev(width: i64, s: &str) -> String {
    if width < 4 {
        return s.to_string();
    }
    abbreviate_full(s, 0, width).unwrap_or_default()
}

/// `abbrevboth LEFT RIGHT S`.
pub fn abbrevboth(left: i64, right: i64, s: &str) -> String {
    if right < 4 || (left > 0 && right < 7) {
        return s.to_string();
    }
    abbreviate_full(s, left, right).unwrap_or_default()
}

fn abbreviate_full(s: &str, offset: i64, max_width: i64) -> Option<String> {
    let b = s.as_bytes();
    let len = b.len() as i64;
    if s.is_empty() {
        return Some(String::new());
    }
    if max_width < 4 {
        return None;
    }
    if len <= max_width {
        return Some(s.to_string());
    }
    let mut offset = offset.min(len);
    if len - offset < max_width - 3 {
        offset = len - (max_width - 3);
    }
    if offset <= 4 {
        return Some(format!("{}...", lossy(&b[..(max_width - 3) as usize])));
    }
    if max_width < 7 {
        return None;
    }
    if offset + max_width - 3 < len {
        let rest = lossy(&b[offset as usize..]);
        return Some(format!("...{}", abbreviate_full(&rest, 0, max_width - 3)?));
    }
    Some(format!(
        "...{}",
        lossy(&b[(len - (max_width - 3)) as usize..])
    ))
}

/// `initials`: first letter of every white-space separated word.
pub fn initials(s: &str) -> String {
    s.split(go_is_space)
        .filter_map(|w| w.chars().next())
        .collect()
}

/// `wrap` (`long_words` false) and `wrapWith` (true), commons-lang style.
pub fn wrap_custom(s: &str, width: i64, newline: &str, long_words: bool) -> String {
    if s.is_empty() {
        return String::new();
    }
    let nl = if newline.is_empty() { "\n" } else { newline };
    let width = width.max(1) as usize;
    let b = s.as_bytes();
    let len = b.len();
    let mut offset = 0usize;
    let mut out: Vec<u8> = Vec::with_capacity(len + 16);
    while len - offset > width {
        if b[offset] == b' ' {
            offset += 1;
            continue;
        }
        let end = (width + offset + 1).min(len);
        let space = b[offset..end].iter().rposition(|c| *c == b' ');
        match space {
            Some(i) => {
                out.extend_from_slice(&b[offset..offset + i]);
                out.extend_from_slice(nl.as_bytes());
                offset += i + 1;
            }
            None => {
                let end = width + offset;
                if long_words {
                    out.extend_from_slice(&b[offset..end]);
                    out.extend_from_slice(nl.as_bytes());
                    offset += width;
                } else {
                    match b[end..].iter().position(|c| *c == b' ') {
                        None => {
                            out.extend_from_slice(&b[offset..]);
                            offset = len;
                        }
                        Some(i) => {
                            out.extend_from_slice(&b[offset..end + i]);
                            out.extend_from_slice(nl.as_bytes());
                            offset = end + i + 1;
                        }
                    }
                }
            }
        }
    }
    out.extend_from_slice(&b[offset..]);
    lossy(&out)
}

fn go_title_separator(c: char) -> bool {
    if c.is_ascii() {
        return !(c.is_ascii_alphanumeric() || c == '_');
    }
    if c.is_alphanumeric() {
        return false;
    }
    go_is_space(c)
}

/// `title` (Go's deprecated `strings.Title`): upper-cases the first letter of each word.
pub fn title(s: &str) -> String {
    let mut prev = ' ';
    s.chars()
        .map(|c| {
            let out = if go_title_separator(prev) {
                to_title(c)
            } else {
                c.to_string()
            };
            prev = c;
            out
        })
        .collect()
}

fn to_title(c: char) -> String {
    let u: String = c.to_uppercase().collect();
    if u.chars().count() == 1 {
        u
    } else {
        c.to_string()
    }
}

/// `untitle`: lower-cases the first letter of each white-space separated word.
pub fn untitle(s: &str) -> String {
    let mut prev_space = true;
    s.chars()
        .map(|c| {
            let out = if prev_space {
                single_lower(c)
            } else {
                c.to_string()
            };
            prev_space = go_is_space(c);
            out
        })
        .collect()
}

fn single_lower(c: char) -> String {
    let l: String = c.to_lowercase().collect();
    if l.chars().count() == 1 {
        l
    } else {
        c.to_string()
    }
}

/// `swapcase`.
pub fn swapcase(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_uppercase() {
                single_lower(c)
            } else if c.is_lowercase() {
                to_title(c)
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// Go `strings.ToUpper` / `ToLower` (per-rune simple mapping).
pub fn upper(s: &str) -> String {
    s.chars().map(to_title).collect()
}

pub fn lower(s: &str) -> String {
    s.chars().map(single_lower).collect()
}

/// Go `strconv.Quote` (what `%q` does for a string).
pub fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{b}' => out.push_str("\\v"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32))
            }
            '\u{fffd}' => out.push('\u{fffd}'),
            c if is_go_printable(c) => out.push(c),
            c if (c as u32) < 0x10000 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push_str(&format!("\\U{:08x}", c as u32)),
        }
    }
    out.push('"');
    out
}

fn is_go_printable(c: char) -> bool {
    // Approximation of unicode.IsPrint: letters, marks, numbers, punctuation, symbols and
    // U+0020; not other spaces, controls, format characters or unassigned code points.
    let u = c as u32;
    if u < 0x80 {
        return (0x20..0x7f).contains(&u);
    }
    if c.is_control() || c.is_whitespace() {
        return false;
    }
    !matches!(u, 0xad | 0x600..=0x605 | 0x200b..=0x200f | 0x2028..=0x202e | 0x2060..=0x206f | 0xfeff | 0xfff9..=0xfffb | 0xe000..=0xf8ff | 0xd800..=0xdfff)
}

/// `until N`.
pub fn until(count: i64) -> Result<Vec<i64>, String> {
    until_step(0, count, if count < 0 { -1 } else { 1 })
}

/// `untilStep START STOP STEP`.
pub fn until_step(start: i64, stop: i64, step: i64) -> Result<Vec<i64>, String> {
    let n: i128 = if stop < start {
        if step >= 0 {
            return Ok(vec![]);
        }
        ((start as i128 - stop as i128) + -(step as i128) - 1) / -(step as i128)
    } else {
        if step <= 0 {
            return Ok(vec![]);
        }
        ((stop as i128 - start as i128) + step as i128 - 1) / step as i128
    };
    if n > MAX_SEQUENCE_LEN as i128 {
        return Err(format!(
            "sequence of {n} elements exceeds the limit of {MAX_SEQUENCE_LEN}"
        ));
    }
    Ok((0..n)
        .map(|i| (start as i128 + i * step as i128) as i64)
        .collect())
}

/// `seq` (GNU seq): `seq END`, `seq START END`, `seq START STEP END`, as a space-joined string.
pub fn seq(params: &[i64]) -> Result<String, String> {
    let (start, step, end) = match params {
        [] => return Ok(String::new()),
        [end] => (1, 1, *end),
        [start, end] => (*start, if end < start { -1 } else { 1 }, *end),
        [start, step, end] => (*start, *step, *end),
        _ => return Ok(String::new()),
    };
    let (s, e) = if end < start && step < 0 {
        (start, end.saturating_sub(1))
    } else if end >= start && step > 0 {
        (start, end.saturating_add(1))
    } else {
        return Ok(String::new());
    };
    let v = until_step(s, e, step)?;
    Ok(v.iter()
        .map(|i| i.to_string())
        .collect::<Vec<_>>()
        .join(" "))
}

/// `plural ONE MANY COUNT`.
pub fn plural<'a>(one: &'a str, many: &'a str, count: i64) -> &'a str {
    if count == 1 { one } else { many }
}

/// Go `path.Clean`.
pub fn path_clean(p: &str) -> String {
    if p.is_empty() {
        return ".".into();
    }
    let rooted = p.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for seg in p.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                if parts.last().is_some_and(|l| *l != "..") {
                    parts.pop();
                } else if !rooted {
                    parts.push("..");
                }
            }
            s => parts.push(s),
        }
    }
    let joined = parts.join("/");
    match (rooted, joined.is_empty()) {
        (true, _) => format!("/{joined}"),
        (false, true) => ".".into(),
        (false, false) => joined,
    }
}

/// Go `path.Base`.
pub fn path_base(p: &str) -> String {
    if p.is_empty() {
        return ".".into();
    }
    let t = p.trim_end_matches('/');
    if t.is_empty() {
        return "/".into();
    }
    match t.rfind('/') {
        Some(i) => t[i + 1..].to_string(),
        None => t.to_string(),
    }
}

/// Go `path.Dir`.
pub fn path_dir(p: &str) -> String {
    let dir = match p.rfind('/') {
        Some(i) => &p[..=i],
        None => "",
    };
    path_clean(dir)
}

/// Go `path.Ext`.
pub fn path_ext(p: &str) -> String {
    for (i, c) in p.char_indices().rev() {
        if c == '/' {
            break;
        }
        if c == '.' {
            return p[i..].to_string();
        }
    }
    String::new()
}

/// adler-32 checksum.
pub fn adler32(data: &[u8]) -> u32 {
    let (mut a, mut b) = (1u32, 0u32);
    for chunk in data.chunks(5552) {
        for &x in chunk {
            a += x as u32;
            b += a;
        }
        a %= 65521;
        b %= 65521;
    }
    (b << 16) | a
}

/// Go `regexp.QuoteMeta`.
pub fn quote_meta(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if "\\.+*?()|[]{}^$".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Go `(*Regexp).Split(s, n)`.
pub fn regex_split(re: &regex::Regex, s: &str, n: i64) -> Vec<String> {
    if n == 0 {
        return vec![];
    }
    if !re.as_str().is_empty() && s.is_empty() {
        return vec![String::new()];
    }
    let mut out = Vec::new();
    let (mut beg, mut end) = (0usize, 0usize);
    for m in re.find_iter(s) {
        if n > 0 && out.len() as i64 == n - 1 {
            break;
        }
        end = m.start();
        if m.end() != 0 {
            out.push(s[beg..end].to_string());
        }
        beg = m.end();
    }
    if end != s.len() {
        out.push(s[beg..].to_string());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    // Expectations from the corpus (Helm v4.2.3).
    #[test]
    fn corpus_strings() {
        assert_eq!(trunc(5, "hello world"), "hello");
        assert_eq!(trunc(-2, "hello"), "lo");
        assert_eq!(trunc(-50, "hi"), "hi");
        assert_eq!(substr(1, 3, "hello").unwrap(), "el");
        assert_eq!(substr(-1, 3, "hello").unwrap(), "hel");
        assert_eq!(substr(2, -1, "hello").unwrap(), "llo");
        assert_eq!(
            substr(3, 1, "hello").unwrap_err(),
            "runtime error: slice bounds out of range [3:1]"
        );
        assert_eq!(substr(0, 99, "hello").unwrap(), "hello");
        assert_eq!(indent(2, "a\n\nb").unwrap(), "  a\n  \n  b");
        assert_eq!(nindent(4, "a\nb").unwrap(), "\n    a\n    b");
        assert_eq!(repeat(3, "ab").unwrap(), "ababab");
        assert!(repeat(-1, "a").is_err());
        assert!(repeat(i64::MAX, "ab").is_err());
        assert!(indent(i64::MAX, "a").is_err());
        assert_eq!(nospace(" a b\tc "), "abc");
        assert_eq!(abbrev(5, "hello world"), "he...");
        assert_eq!(abbrev(3, "hello"), "hello");
        assert_eq!(abbrevboth(5, 10, "1234 5678 9123"), "...5678...");
        assert_eq!(initials("First Try"), "FT");
        assert_eq!(
            wrap_custom("hello world foo", 5, "", false),
            "hello\nworld\nfoo"
        );
        assert_eq!(wrap_custom("Hello World", 5, "\t", true), "Hello\tWorld");
        assert_eq!(title("hello wORLD foo-bar"), "Hello WORLD Foo-Bar");
        assert_eq!(untitle("Hello World"), "hello world");
        assert_eq!(swapcase("Hello World"), "hELLO wORLD");
        assert_eq!(upper("héllo"), "HÉLLO");
        assert_eq!(go_quote("b\"c"), "\"b\\\"c\"");
        assert_eq!(go_quote("a\tb\u{1}"), "\"a\\tb\\x01\"");
    }

    #[test]
    fn corpus_sequences() {
        assert_eq!(until(5).unwrap(), vec![0, 1, 2, 3, 4]);
        assert_eq!(until_step(0, 10, 3).unwrap(), vec![0, 3, 6, 9]);
        assert_eq!(until_step(10, 0, -4).unwrap(), vec![10, 6, 2]);
        assert!(until(i64::MAX).is_err());
        assert!(until_step(i64::MIN, i64::MAX, 1).is_err());
        assert_eq!(seq(&[3]).unwrap(), "1 2 3");
        assert_eq!(seq(&[2, 5]).unwrap(), "2 3 4 5");
        assert_eq!(seq(&[0, 2, 7]).unwrap(), "0 2 4 6");
        assert_eq!(seq(&[5, 2]).unwrap(), "5 4 3 2");
    }

    #[test]
    fn corpus_paths_and_sums() {
        assert_eq!(path_base("/a/b/c.txt"), "c.txt");
        assert_eq!(path_dir("/a/b/c.txt"), "/a/b");
        assert_eq!(path_ext("c.tar.gz"), ".gz");
        assert_eq!(path_clean("/a/../b//c/."), "/b/c");
        assert_eq!(path_dir("files/x"), "files");
        assert_eq!(path_base(""), ".");
        assert_eq!(adler32(b"Wikipedia"), 300286872);
        assert_eq!(quote_meta("1.2+3"), "1\\.2\\+3");
        let re = regex::Regex::new("z+").unwrap();
        assert_eq!(regex_split(&re, "pizza", -1), vec!["pi", "a"]);
        assert_eq!(regex_split(&re, "pizza", 1), vec!["pizza"]);
    }
}
