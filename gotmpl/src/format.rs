//! Go `fmt` number formatting.

/// `strconv.FormatFloat(f, 'g', -1, 64)`, which is what `%v` prints for a float64: the
/// shortest decimal that round-trips, in exponent form when `exp < -4 || exp >= 6`, `exp` being
/// the decimal exponent of the first digit. The exponent has a sign and at least two digits
/// (`1e+06`, `1e-07`).
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
    // Rust's `{:e}` gives the shortest round-trip digits: "-1.2345e8", "1e-7".
    let sci = format!("{:e}", f);
    let (mantissa, exp) = sci.split_once('e').unwrap_or((sci.as_str(), "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let (neg, mantissa) = match mantissa.strip_prefix('-') {
        Some(m) => (true, m),
        None => (false, mantissa),
    };
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    let mut out = String::with_capacity(digits.len() + 8);
    if neg {
        out.push('-');
    }
    if !(-4..6).contains(&exp) {
        out.push_str(&digits[..1]);
        if digits.len() > 1 {
            out.push('.');
            out.push_str(&digits[1..]);
        }
        out.push('e');
        out.push(if exp < 0 { '-' } else { '+' });
        let a = exp.unsigned_abs();
        if a < 10 {
            out.push('0');
        }
        out.push_str(&a.to_string());
    } else if exp < 0 {
        out.push_str("0.");
        for _ in 0..(-exp - 1) {
            out.push('0');
        }
        out.push_str(&digits);
    } else {
        let point = exp as usize + 1;
        if digits.len() <= point {
            out.push_str(&digits);
            for _ in digits.len()..point {
                out.push('0');
            }
        } else {
            out.push_str(&digits[..point]);
            out.push('.');
            out.push_str(&digits[point..]);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::format_float_v as f;

    #[test]
    fn measured_float_printing() {
        // helm-parity-notes §1.4 "Printing floats"
        assert_eq!(f(4244.0), "4244");
        assert_eq!(f(1000000.0), "1e+06");
        assert_eq!(f(123456789.0), "1.23456789e+08");
        assert_eq!(f(0.0025), "0.0025");
        assert_eq!(f(12345678901234567890.0), "1.2345678901234567e+19");
        assert_eq!(f(1e-7), "1e-07");
        assert_eq!(f(1e20), "1e+20");
        assert_eq!(f(0.0001), "0.0001");
        assert_eq!(f(0.00001), "1e-05");
        assert_eq!(f(999999.0), "999999");
        assert_eq!(f(-1.5), "-1.5");
        assert_eq!(f(0.0), "0");
        assert_eq!(f(-0.0), "-0");
        assert_eq!(f(f64::INFINITY), "+Inf");
        assert_eq!(f(f64::NAN), "NaN");
        assert_eq!(f(1e100), "1e+100");
    }
}
