//! Go `time.ParseDuration` and `time.Duration.String` (used by `dateModify`,
//! `mustDateModify`, `duration`, `durationRound`).

fn invalid(orig: &str) -> String {
    format!("time: invalid duration {}", crate::text::go_quote(orig))
}

fn unit_ns(u: &str) -> Option<u64> {
    Some(match u {
        "ns" => 1,
        "us" | "\u{b5}s" | "\u{3bc}s" => 1_000,
        "ms" => 1_000_000,
        "s" => 1_000_000_000,
        "m" => 60_000_000_000,
        "h" => 3_600_000_000_000,
        _ => return None,
    })
}

/// Parses a duration such as `"300ms"`, `"-1.5h"` or `"2h45m"` into nanoseconds.
pub fn parse_duration(orig: &str) -> Result<i64, String> {
    let mut s = orig.as_bytes();
    let mut neg = false;
    if let Some(&c) = s.first().filter(|c| **c == b'-' || **c == b'+') {
        neg = c == b'-';
        s = &s[1..];
    }
    if s == b"0" {
        return Ok(0);
    }
    if s.is_empty() {
        return Err(invalid(orig));
    }
    const LIMIT: u64 = 1 << 63;
    let mut d: u64 = 0;
    while !s.is_empty() {
        if !(s[0] == b'.' || s[0].is_ascii_digit()) {
            return Err(invalid(orig));
        }
        // integer part
        let mut v: u64 = 0;
        let mut i = 0;
        while i < s.len() && s[i].is_ascii_digit() {
            if v > (LIMIT - 1) / 10 {
                return Err(invalid(orig));
            }
            v = v * 10 + (s[i] - b'0') as u64;
            if v > LIMIT {
                return Err(invalid(orig));
            }
            i += 1;
        }
        let pre = i > 0;
        s = &s[i..];
        // fraction
        let (mut f, mut scale, mut post) = (0u64, 1f64, false);
        if s.first() == Some(&b'.') {
            s = &s[1..];
            let mut j = 0;
            let mut overflow = false;
            while j < s.len() && s[j].is_ascii_digit() {
                if !overflow {
                    if f > (LIMIT - 1) / 10 {
                        overflow = true;
                    } else {
                        let y = f * 10 + (s[j] - b'0') as u64;
                        if y > LIMIT {
                            overflow = true;
                        } else {
                            f = y;
                            scale *= 10.0;
                        }
                    }
                }
                j += 1;
            }
            post = j > 0;
            s = &s[j..];
        }
        if !pre && !post {
            return Err(invalid(orig));
        }
        let mut k = 0;
        while k < s.len() && s[k] != b'.' && !s[k].is_ascii_digit() {
            k += 1;
        }
        if k == 0 {
            return Err(format!(
                "time: missing unit in duration {}",
                crate::text::go_quote(orig)
            ));
        }
        let u = String::from_utf8_lossy(&s[..k]).into_owned();
        s = &s[k..];
        let unit = unit_ns(&u).ok_or_else(|| {
            format!(
                "time: unknown unit {} in duration {}",
                crate::text::go_quote(&u),
                crate::text::go_quote(orig)
            )
        })?;
        if v > LIMIT / unit {
            return Err(invalid(orig));
        }
        v *= unit;
        if f > 0 {
            v += (f as f64 * (unit as f64 / scale)) as u64;
            if v > LIMIT {
                return Err(invalid(orig));
            }
        }
        d += v;
        if d > LIMIT {
            return Err(invalid(orig));
        }
    }
    if neg {
        return Ok((d as i128).wrapping_neg() as i64);
    }
    if d > LIMIT - 1 {
        return Err(invalid(orig));
    }
    Ok(d as i64)
}

/// `time.Duration(ns).String()`: `"1h2m3.5s"`, `"1.5ms"`, `"0s"`.
pub fn format_duration(ns: i64) -> String {
    if ns == 0 {
        return "0s".into();
    }
    let neg = ns < 0;
    let u = ns.unsigned_abs();
    let mut out = String::new();
    if u < 1_000_000_000 {
        // sub-second: ns, µs or ms with a fraction
        let (unit, div) = if u < 1_000 {
            ("ns", 1u64)
        } else if u < 1_000_000 {
            ("\u{b5}s", 1_000)
        } else {
            ("ms", 1_000_000)
        };
        out.push_str(&frac(u, div));
        out.push_str(unit);
    } else {
        let secs_total = u / 1_000_000_000;
        let sub = u % 1_000_000_000;
        let h = secs_total / 3600;
        let m = secs_total / 60 % 60;
        let s = secs_total % 60;
        if h > 0 {
            out.push_str(&format!("{h}h"));
        }
        if h > 0 || m > 0 {
            out.push_str(&format!("{m}m"));
        }
        out.push_str(&frac(s * 1_000_000_000 + sub, 1_000_000_000));
        out.push('s');
    }
    if neg {
        out.insert(0, '-');
    }
    out
}

fn frac(v: u64, div: u64) -> String {
    let int = v / div;
    let rem = v % div;
    if rem == 0 {
        return int.to_string();
    }
    let width = div.to_string().len() - 1;
    let digits = format!("{rem:0width$}");
    format!("{int}.{}", digits.trim_end_matches('0'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_like_go() {
        assert_eq!(parse_duration("1h").unwrap(), 3_600_000_000_000);
        assert_eq!(parse_duration("-1.5h").unwrap(), -5_400_000_000_000);
        assert_eq!(parse_duration("2h45m").unwrap(), 9_900_000_000_000);
        assert_eq!(parse_duration("300ms").unwrap(), 300_000_000);
        assert_eq!(parse_duration(".5s").unwrap(), 500_000_000);
        assert_eq!(parse_duration("0").unwrap(), 0);
        assert_eq!(parse_duration("1µs").unwrap(), 1000);
        assert_eq!(
            parse_duration("bogus").unwrap_err(),
            "time: invalid duration \"bogus\""
        );
        assert_eq!(
            parse_duration("1").unwrap_err(),
            "time: missing unit in duration \"1\""
        );
        assert_eq!(
            parse_duration("1x").unwrap_err(),
            "time: unknown unit \"x\" in duration \"1x\""
        );
        assert!(parse_duration("").is_err());
        assert!(parse_duration("99999999999999999999h").is_err());
        assert!(parse_duration("3000000h").is_err());
        assert_eq!(
            parse_duration("-2562047h47m16.854775808s").unwrap(),
            i64::MIN
        );
    }

    #[test]
    fn format_like_go() {
        // `duration 95` → 1m35s, `duration "3600"` → 1h0m0s (corpus)
        assert_eq!(format_duration(95_000_000_000), "1m35s");
        assert_eq!(format_duration(3_600_000_000_000), "1h0m0s");
        assert_eq!(format_duration(1_500_000_000), "1.5s");
        assert_eq!(format_duration(1_500_000), "1.5ms");
        assert_eq!(format_duration(1_000), "1\u{b5}s");
        assert_eq!(format_duration(-5_400_000_000_000), "-1h30m0s");
        assert_eq!(format_duration(0), "0s");
        assert_eq!(format_duration(i64::MIN), "-2562047h47m16.854775808s");
    }
}
