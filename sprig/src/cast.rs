//! Pure helpers for the spf13/cast conversions sprig uses (`int`, `int64`, `float64`,
//! `atoi`) and Go's `%v` float formatting.

/// Go `strconv.ParseInt(s, 0, 64)`: sign, `0x`/`0o`/`0b` prefixes, legacy octal `010`,
/// `_` separators (only with a prefix or legacy octal, between digits).
pub fn parse_int_base0(s: &str) -> Option<i64> {
    let (neg, body) = match s.as_bytes().first() {
        Some(b'+') => (false, &s[1..]),
        Some(b'-') => (true, &s[1..]),
        _ => (false, s),
    };
    if body.is_empty() {
        return None;
    }
    let lower = body.to_ascii_lowercase();
    let (base, digits, prefixed) = if let Some(r) = lower.strip_prefix("0x") {
        (16, r.to_string(), true)
    } else if let Some(r) = lower.strip_prefix("0o") {
        (8, r.to_string(), true)
    } else if let Some(r) = lower.strip_prefix("0b") {
        (2, r.to_string(), true)
    } else if lower.len() > 1 && lower.starts_with('0') {
        (8, lower[1..].to_string(), true)
    } else {
        (10, lower.clone(), false)
    };
    if digits.contains('_') && !underscores_ok(&digits, prefixed) {
        return None;
    }
    let clean: String = digits.chars().filter(|c| *c != '_').collect();
    if clean.is_empty() {
        return None;
    }
    let mag = u64::from_str_radix(&clean, base).ok()?;
    if neg {
        if mag <= 1u64 << 63 {
            Some((mag as i128).wrapping_neg() as i64)
        } else {
            None
        }
    } else if mag <= i64::MAX as u64 {
        Some(mag as i64)
    } else {
        None
    }
}

fn underscores_ok(digits: &str, prefixed: bool) -> bool {
    // '_' must separate digits: not last, not doubled, not first unless a base prefix
    // precedes it ("0x_1" is fine in Go, "_1" is not).
    let b = digits.as_bytes();
    if b.last() == Some(&b'_') || (!prefixed && b.first() == Some(&b'_')) {
        return false;
    }
    !digits.contains("__")
}

/// cast's `trimZeroDecimal`: `"12.0"` → `"12"`, `"12.00"` → `"12"`, others unchanged.
pub fn trim_zero_decimal(s: &str) -> &str {
    let b = s.as_bytes();
    let mut found_zero = false;
    let mut i = b.len();
    while i > 0 {
        match b[i - 1] {
            b'.' => {
                if found_zero {
                    return &s[..i - 1];
                }
                return s;
            }
            b'0' => found_zero = true,
            _ => return s,
        }
        i -= 1;
    }
    s
}

/// cast.ToInt64 of a string: `ParseInt(trimZeroDecimal(s), 0, 0)`, 0 on error.
pub fn string_to_i64(s: &str) -> i64 {
    parse_int_base0(trim_zero_decimal(s)).unwrap_or(0)
}

/// Go's conversion `int64(f)` as the amd64 hardware does it: truncation, and
/// `-9223372036854775808` for NaN and out-of-range values.
pub fn float_to_i64(f: f64) -> i64 {
    if f.is_nan() || !(-9.223_372_036_854_776e18..9.223_372_036_854_776e18).contains(&f) {
        i64::MIN
    } else {
        f.trunc() as i64
    }
}

/// Go `strconv.ParseFloat(s, 64)` for the forms templates meet; `None` on error.
pub fn parse_float(s: &str) -> Option<f64> {
    let t = s.to_ascii_lowercase();
    let (sign, body) = match t.as_bytes().first() {
        Some(b'+') => (1.0, &t[1..]),
        Some(b'-') => (-1.0, &t[1..]),
        _ => (1.0, &t[..]),
    };
    match body {
        "inf" | "infinity" => return Some(sign * f64::INFINITY),
        "nan" => return Some(f64::NAN),
        _ => {}
    }
    if body.is_empty()
        || !body
            .bytes()
            .all(|c| c.is_ascii_digit() || matches!(c, b'.' | b'e' | b'+' | b'-'))
    {
        return None;
    }
    body.parse::<f64>().ok().map(|f| sign * f)
}

/// Go `fmt` `%v` of a float64 (`strconv.FormatFloat(f, 'g', -1, 64)`: shortest digits,
/// exponent form when the decimal exponent is < -4 or >= 6). Measured: `1e6` → `1e+06`,
/// `123456789` → `1.23456789e+08`, `100000` → `100000`, `0.0001` → `0.0001`,
/// `0.00001` → `1e-05`.
pub fn format_float_v(f: f64) -> String {
    if f.is_nan() {
        return "NaN".into();
    }
    if f.is_infinite() {
        return if f > 0.0 {
            "+Inf".into()
        } else {
            "-Inf".into()
        };
    }
    if f == 0.0 {
        return if f.is_sign_negative() {
            "-0".into()
        } else {
            "0".into()
        };
    }
    // Shortest round-trip digits from Rust's `{:e}`: "d.ddde±x".
    let e = format!("{:e}", f.abs());
    let (mant, exp) = e.split_once('e').unwrap_or((&e, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let digits: String = mant.chars().filter(|c| *c != '.').collect();
    let nd = digits.len() as i32;
    let sign = if f < 0.0 { "-" } else { "" };
    // strconv 'g' with the shortest precision decides with precision 6:
    // exponent form if exp < -4 || exp >= 6.
    if !(-4..6).contains(&exp) {
        let mut m = digits[..1].to_string();
        if nd > 1 {
            m.push('.');
            m.push_str(&digits[1..]);
        }
        let es = if exp < 0 { '-' } else { '+' };
        return format!("{sign}{m}e{es}{:02}", exp.abs());
    }
    // plain decimal
    let dp = exp + 1; // position of the decimal point within digits
    let s = if dp <= 0 {
        format!("0.{}{}", "0".repeat((-dp) as usize), digits)
    } else if dp >= nd {
        format!("{}{}", digits, "0".repeat((dp - nd) as usize))
    } else {
        format!("{}.{}", &digits[..dp as usize], &digits[dp as usize..])
    };
    format!("{sign}{s}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_float_v() {
        for (f, s) in [
            (4244.0, "4244"),
            (1e6, "1e+06"),
            (123456789.0, "1.23456789e+08"),
            (0.0025, "0.0025"),
            (12345678901234567890.0, "1.2345678901234567e+19"),
            (100000.0, "100000"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
            (1.5, "1.5"),
            (-2.25, "-2.25"),
            (1e21, "1e+21"),
            (1e-7, "1e-07"),
            (123456.7, "123456.7"),
            (1234567.5, "1.2345675e+06"),
        ] {
            assert_eq!(format_float_v(f), s, "{f}");
        }
    }

    #[test]
    fn base0_ints() {
        assert_eq!(parse_int_base0("0x1F"), Some(31));
        assert_eq!(parse_int_base0("010"), Some(8));
        assert_eq!(parse_int_base0("0b101"), Some(5));
        assert_eq!(parse_int_base0("1_000"), Some(1000));
        assert_eq!(parse_int_base0("_1"), None);
        assert_eq!(parse_int_base0("1__0"), None);
        assert_eq!(parse_int_base0("0x_1F"), Some(31));
        assert_eq!(parse_int_base0("-9223372036854775808"), Some(i64::MIN));
        assert_eq!(parse_int_base0("9223372036854775808"), None);
        assert_eq!(parse_int_base0("08"), None);
        assert_eq!(parse_int_base0(""), None);
        assert_eq!(parse_int_base0("-"), None);
        assert_eq!(string_to_i64("12.0"), 12);
        assert_eq!(string_to_i64("12.7"), 0);
        assert_eq!(string_to_i64("12."), 0);
    }

    #[test]
    fn float_conversion_like_amd64() {
        assert_eq!(float_to_i64(12.7), 12);
        assert_eq!(float_to_i64(-12.7), -12);
        assert_eq!(float_to_i64(f64::NAN), i64::MIN);
        assert_eq!(float_to_i64(1e30), i64::MIN);
    }
}
