//! Go's `strconv.FormatFloat` shortest forms, built on Rust's shortest round-trip digits.

struct Digits {
    neg: bool,
    digits: String,
    /// decimal point position: value = 0.DIGITS × 10^dp
    dp: i32,
}

fn shortest(s: String) -> Digits {
    // `s` is Rust's `{:e}` output, e.g. "-1.25e-7"; it is the shortest round-trip form.
    let (neg, rest) = match s.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, s.as_str()),
    };
    let (mant, exp) = rest.split_once('e').unwrap_or((rest, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let mut digits: String = mant.chars().filter(|c| *c != '.').collect();
    while digits.len() > 1 && digits.ends_with('0') {
        digits.pop();
    }
    Digits {
        neg,
        digits,
        dp: exp + 1,
    }
}

fn fmt_e(d: &Digits) -> String {
    let mut out = String::new();
    if d.neg {
        out.push('-');
    }
    out.push_str(&d.digits[..1]);
    if d.digits.len() > 1 {
        out.push('.');
        out.push_str(&d.digits[1..]);
    }
    let exp = if d.digits == "0" { 0 } else { d.dp - 1 };
    out.push('e');
    out.push(if exp < 0 { '-' } else { '+' });
    let a = exp.unsigned_abs();
    if a < 10 {
        out.push('0');
    }
    out.push_str(&a.to_string());
    out
}

fn fmt_f(d: &Digits) -> String {
    let mut out = String::new();
    if d.neg {
        out.push('-');
    }
    if d.digits == "0" {
        out.push('0');
        return out;
    }
    let nd = d.digits.len() as i32;
    if d.dp <= 0 {
        out.push_str("0.");
        for _ in 0..(-d.dp) {
            out.push('0');
        }
        out.push_str(&d.digits);
    } else if d.dp >= nd {
        out.push_str(&d.digits);
        for _ in 0..(d.dp - nd) {
            out.push('0');
        }
    } else {
        out.push_str(&d.digits[..d.dp as usize]);
        out.push('.');
        out.push_str(&d.digits[d.dp as usize..]);
    }
    out
}

fn special(f: f64) -> Option<String> {
    if f.is_nan() {
        Some("NaN".into())
    } else if f.is_infinite() {
        Some(if f > 0.0 { "+Inf" } else { "-Inf" }.into())
    } else {
        None
    }
}

fn fmt_g(d: &Digits) -> String {
    let exp = if d.digits == "0" { 0 } else { d.dp - 1 };
    if !(-4..6).contains(&exp) {
        fmt_e(d)
    } else {
        fmt_f(d)
    }
}

/// `strconv.FormatFloat(f, 'g', -1, 64)`: `1e-07`, `1e+21`, `0.0025`, `1.2345675e+06`.
pub fn format_float_g(f: f64) -> String {
    if let Some(s) = special(f) {
        return s;
    }
    fmt_g(&shortest(format!("{f:e}")))
}

/// `strconv.FormatFloat(f, 'g', -1, 32)` (used by sigs.k8s.io/yaml for float map keys).
pub(crate) fn format_float_g32(f: f64) -> String {
    if let Some(s) = special(f) {
        return s;
    }
    let x = f as f32;
    if x.is_infinite() {
        return if x > 0.0 { "+Inf" } else { "-Inf" }.into();
    }
    fmt_g(&shortest(format!("{x:e}")))
}

/// Go `encoding/json` float64 encoding: `'f'` unless |x| < 1e-6 or |x| >= 1e21, exponent
/// without a leading zero for negative exponents (`1e-7`, `1e+21`). `None` for Inf/NaN
/// (`json: unsupported value`).
pub fn format_float_json(f: f64) -> Option<String> {
    if !f.is_finite() {
        return None;
    }
    let d = shortest(format!("{f:e}"));
    let abs = f.abs();
    if abs != 0.0 && !(1e-6..1e21).contains(&abs) {
        let mut s = fmt_e(&d);
        let n = s.len();
        let b = s.as_bytes();
        if n >= 4 && b[n - 4] == b'e' && b[n - 3] == b'-' && b[n - 2] == b'0' {
            s.remove(n - 2);
        }
        Some(s)
    } else {
        Some(fmt_f(&d))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn g_format() {
        for (f, s) in [
            (0.0, "0"),
            (-0.0, "-0"),
            (1.0, "1"),
            (4244.0, "4244"),
            (100000.0, "100000"),
            (1e6, "1e+06"),
            (123456789.0, "1.23456789e+08"),
            (0.0025, "0.0025"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
            (1e-7, "1e-07"),
            (1e21, "1e+21"),
            (1e20, "1e+20"),
            (1.5e300, "1.5e+300"),
            (12345678901234567890.0, "1.2345678901234567e+19"),
            (f64::INFINITY, "+Inf"),
            (f64::NAN, "NaN"),
            (-2.5, "-2.5"),
        ] {
            assert_eq!(format_float_g(f), s, "{f}");
        }
    }

    #[test]
    fn json_format() {
        for (f, s) in [
            (0.0, "0"),
            (1e6, "1000000"),
            (1e20, "100000000000000000000"),
            (1e21, "1e+21"),
            (1e-7, "1e-7"),
            (1e-6, "0.000001"),
            (1.5e-10, "1.5e-10"),
            (-1e-7, "-1e-7"),
            (0.1, "0.1"),
            (12345678901234567890.0, "12345678901234567000"),
        ] {
            assert_eq!(format_float_json(f).unwrap(), s, "{f}");
        }
        assert!(format_float_json(f64::NAN).is_none());
    }

    #[test]
    fn g32() {
        assert_eq!(format_float_g32(1.1), "1.1");
        assert_eq!(format_float_g32(1.23456789), "1.2345679");
    }
}
