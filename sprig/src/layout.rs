//! Go reference-time layouts (`Mon Jan 2 15:04:05 MST 2006`) for `date`, `htmlDate`,
//! `dateInZone` and `toDate`, in UTC (zone name `UTC`, offset `+0000`).

use crate::time::{Timestamp, civil_from_unix, days_from_civil};

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const DAYS: [&str; 7] = [
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tok {
    Lit(usize),
    Year4,
    Year2,
    MonthLong,
    MonthShort,
    Month2,
    Month1,
    DayLong,
    DayShort,
    Day2,
    Day1,
    DayPad,
    YearDay,
    Hour24,
    Hour12_2,
    Hour12,
    Min2,
    Min1,
    Sec2,
    Sec1,
    PmUpper,
    PmLower,
    ZoneName,
    Offset(&'static str),
    Frac(usize, bool),
}

fn tokens(layout: &str) -> Vec<(Tok, usize, usize)> {
    // (token, start, end) in the layout
    const TABLE: &[(&str, Tok)] = &[
        ("January", Tok::MonthLong),
        ("Monday", Tok::DayLong),
        ("Z07:00:00", Tok::Offset("Z07:00:00")),
        ("-07:00:00", Tok::Offset("-07:00:00")),
        ("Z07:00", Tok::Offset("Z07:00")),
        ("-07:00", Tok::Offset("-07:00")),
        ("Z0700", Tok::Offset("Z0700")),
        ("-0700", Tok::Offset("-0700")),
        ("2006", Tok::Year4),
        ("Jan", Tok::MonthShort),
        ("Mon", Tok::DayShort),
        ("MST", Tok::ZoneName),
        ("Z07", Tok::Offset("Z07")),
        ("-07", Tok::Offset("-07")),
        ("002", Tok::YearDay),
        ("_2", Tok::DayPad),
        ("01", Tok::Month2),
        ("02", Tok::Day2),
        ("03", Tok::Hour12_2),
        ("04", Tok::Min2),
        ("05", Tok::Sec2),
        ("06", Tok::Year2),
        ("15", Tok::Hour24),
        ("PM", Tok::PmUpper),
        ("pm", Tok::PmLower),
        ("1", Tok::Month1),
        ("2", Tok::Day1),
        ("3", Tok::Hour12),
        ("4", Tok::Min1),
        ("5", Tok::Sec1),
    ];
    let b = layout.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        // fractional seconds: [.,]0+ or [.,]9+ after a seconds field
        if (b[i] == b'.' || b[i] == b',')
            && i + 1 < b.len()
            && (b[i + 1] == b'0' || b[i + 1] == b'9')
        {
            let c = b[i + 1];
            let mut j = i + 1;
            while j < b.len() && b[j] == c {
                j += 1;
            }
            if j >= b.len() || !b[j].is_ascii_digit() {
                out.push((Tok::Frac(j - i - 1, c == b'9'), i, j));
                i = j;
                continue;
            }
        }
        let mut matched = false;
        for (pat, tok) in TABLE {
            if layout[i..].starts_with(pat) {
                // "Jan"/"Mon" must not be followed by a lower-case letter ("Monday" handled).
                out.push((*tok, i, i + pat.len()));
                i += pat.len();
                matched = true;
                break;
            }
        }
        if !matched {
            let ch_len = layout[i..].chars().next().map_or(1, |c| c.len_utf8());
            out.push((Tok::Lit(ch_len), i, i + ch_len));
            i += ch_len;
        }
    }
    out
}

/// Formats `t` (UTC) with a Go layout.
pub fn format(t: Timestamp, layout: &str) -> String {
    format_in(t, layout, 0, "UTC")
}

/// Formats `t` in a zone `offset` seconds east of UTC named `abbrev` (Go's `Time.Format`
/// after `In(loc)`): `MST` prints the abbreviation (or `-0700` when it is empty), the `Z`
/// forms print `Z` only at offset 0.
pub fn format_in(t: Timestamp, layout: &str, offset: i32, abbrev: &str) -> String {
    let local = t.secs + i64::from(offset);
    let (y, mo, d, h, mi, s) = civil_from_unix(local);
    let days = local.div_euclid(86_400);
    let weekday = (days + 4).rem_euclid(7) as usize;
    let yday = days - days_from_civil(y, 1, 1) + 1;
    let mut out = String::new();
    for (tok, a, b) in tokens(layout) {
        match tok {
            Tok::Lit(_) => out.push_str(&layout[a..b]),
            Tok::Year4 => out.push_str(&format!("{y:04}")),
            Tok::Year2 => out.push_str(&format!("{:02}", y.rem_euclid(100))),
            Tok::MonthLong => out.push_str(MONTHS[mo as usize - 1]),
            Tok::MonthShort => out.push_str(&MONTHS[mo as usize - 1][..3]),
            Tok::Month2 => out.push_str(&format!("{mo:02}")),
            Tok::Month1 => out.push_str(&mo.to_string()),
            Tok::DayLong => out.push_str(DAYS[weekday]),
            Tok::DayShort => out.push_str(&DAYS[weekday][..3]),
            Tok::Day2 => out.push_str(&format!("{d:02}")),
            Tok::Day1 => out.push_str(&d.to_string()),
            Tok::DayPad => out.push_str(&format!("{d:>2}")),
            Tok::YearDay => out.push_str(&format!("{yday:03}")),
            Tok::Hour24 => out.push_str(&format!("{h:02}")),
            Tok::Hour12_2 => out.push_str(&format!("{:02}", if h % 12 == 0 { 12 } else { h % 12 })),
            Tok::Hour12 => out.push_str(&(if h % 12 == 0 { 12 } else { h % 12 }).to_string()),
            Tok::Min2 => out.push_str(&format!("{mi:02}")),
            Tok::Min1 => out.push_str(&mi.to_string()),
            Tok::Sec2 => out.push_str(&format!("{s:02}")),
            Tok::Sec1 => out.push_str(&s.to_string()),
            Tok::PmUpper => out.push_str(if h >= 12 { "PM" } else { "AM" }),
            Tok::PmLower => out.push_str(if h >= 12 { "pm" } else { "am" }),
            Tok::ZoneName if !abbrev.is_empty() => out.push_str(abbrev),
            Tok::ZoneName => out.push_str(&offset_text(offset, "-0700")),
            Tok::Offset(p) if offset == 0 && p.starts_with('Z') => out.push('Z'),
            Tok::Offset(p) => out.push_str(&offset_text(offset, p)),
            Tok::Frac(n, trim) => {
                let digits = format!("{:09}", t.nanos);
                let mut f = digits[..n.min(9)].to_string();
                if trim {
                    f = f.trim_end_matches('0').to_string();
                    if !f.is_empty() {
                        out.push_str(&layout[a..a + 1]);
                        out.push_str(&f);
                    }
                } else {
                    out.push_str(&layout[a..a + 1]);
                    out.push_str(&f);
                }
            }
        }
    }
    out
}

/// A UTC offset in the form of layout element `p` (`-07:00:00`, `Z0700`, `-07`, ...).
fn offset_text(offset: i32, p: &str) -> String {
    let sign = if offset < 0 { '-' } else { '+' };
    let abs = offset.unsigned_abs();
    let (hh, mm, ss) = (abs / 3600, abs / 60 % 60, abs % 60);
    let p = p.trim_start_matches(['Z', '-']);
    match p {
        "07:00:00" => format!("{sign}{hh:02}:{mm:02}:{ss:02}"),
        "07:00" => format!("{sign}{hh:02}:{mm:02}"),
        "0700" => format!("{sign}{hh:02}{mm:02}"),
        _ => format!("{sign}{hh:02}"),
    }
}

/// Parses `value` with a Go layout (numeric fields, month/day names, `Z`/offsets);
/// the result is UTC. Errors follow Go's message shape.
pub fn parse(layout: &str, value: &str) -> Result<Timestamp, String> {
    let fail = |elem: &str, rest: &str| {
        format!(
            "parsing time {} as {}: cannot parse {} as {}",
            crate::text::go_quote(value),
            crate::text::go_quote(layout),
            crate::text::go_quote(rest),
            crate::text::go_quote(elem)
        )
    };
    let (mut y, mut mo, mut d, mut h, mut mi, mut s, mut ns) =
        (1i64, 1u32, 1u32, 0u32, 0u32, 0u32, 0u32);
    let mut pm: Option<bool> = None;
    let mut offset: i64 = 0;
    let mut v = value;
    fn num(v: &str, min: usize, max: usize) -> Option<(u64, &str)> {
        let n = v
            .bytes()
            .take(max)
            .take_while(|b| b.is_ascii_digit())
            .count();
        if n < min {
            return None;
        }
        Some((v[..n].parse().ok()?, &v[n..]))
    }
    for (tok, a, b) in tokens(layout) {
        let elem = &layout[a..b];
        let err = || fail(elem, v);
        match tok {
            Tok::Lit(_) => {
                v = v.strip_prefix(elem).ok_or_else(err)?;
            }
            Tok::Year4 => {
                let (n, r) = num(v, 4, 4).ok_or_else(err)?;
                y = n as i64;
                v = r;
            }
            Tok::Year2 => {
                let (n, r) = num(v, 2, 2).ok_or_else(err)?;
                y = if n >= 69 {
                    1900 + n as i64
                } else {
                    2000 + n as i64
                };
                v = r;
            }
            Tok::MonthLong | Tok::MonthShort => {
                let idx = MONTHS
                    .iter()
                    .position(|m| {
                        let m = if tok == Tok::MonthShort { &m[..3] } else { m };
                        v.len() >= m.len() && v[..m.len()].eq_ignore_ascii_case(m)
                    })
                    .ok_or_else(err)?;
                let l = if tok == Tok::MonthShort {
                    3
                } else {
                    MONTHS[idx].len()
                };
                mo = idx as u32 + 1;
                v = &v[l..];
            }
            Tok::DayLong | Tok::DayShort => {
                let idx = DAYS
                    .iter()
                    .position(|m| {
                        let m = if tok == Tok::DayShort { &m[..3] } else { m };
                        v.len() >= m.len() && v[..m.len()].eq_ignore_ascii_case(m)
                    })
                    .ok_or_else(err)?;
                let l = if tok == Tok::DayShort {
                    3
                } else {
                    DAYS[idx].len()
                };
                v = &v[l..];
            }
            Tok::Month2 | Tok::Month1 => {
                let (n, r) = num(v, if tok == Tok::Month2 { 2 } else { 1 }, 2).ok_or_else(err)?;
                if !(1..=12).contains(&n) {
                    return Err(format!(
                        "parsing time {}: month out of range",
                        crate::text::go_quote(value)
                    ));
                }
                mo = n as u32;
                v = r;
            }
            Tok::Day2 | Tok::Day1 | Tok::DayPad => {
                let vv = if tok == Tok::DayPad {
                    v.strip_prefix(' ').unwrap_or(v)
                } else {
                    v
                };
                let (n, r) = num(vv, if tok == Tok::Day2 { 2 } else { 1 }, 2).ok_or_else(err)?;
                d = n as u32;
                v = r;
            }
            Tok::YearDay => {
                let (_, r) = num(v, 3, 3).ok_or_else(err)?;
                v = r;
            }
            Tok::Hour24 | Tok::Hour12_2 | Tok::Hour12 => {
                let (n, r) = num(v, if tok == Tok::Hour12 { 1 } else { 2 }, 2).ok_or_else(err)?;
                h = n as u32;
                v = r;
            }
            Tok::Min2 | Tok::Min1 => {
                let (n, r) = num(v, if tok == Tok::Min2 { 2 } else { 1 }, 2).ok_or_else(err)?;
                mi = n as u32;
                v = r;
            }
            Tok::Sec2 | Tok::Sec1 => {
                let (n, r) = num(v, if tok == Tok::Sec2 { 2 } else { 1 }, 2).ok_or_else(err)?;
                s = n as u32;
                v = r;
                // Go accepts a fraction after seconds even when the layout has none.
                if (v.starts_with('.') || v.starts_with(','))
                    && v[1..].starts_with(|c: char| c.is_ascii_digit())
                    && !layout[b..].starts_with(['.', ','])
                {
                    let n = v[1..].bytes().take_while(|c| c.is_ascii_digit()).count();
                    let digits = format!("{:0<9}", &v[1..1 + n.min(9)]);
                    ns = digits.parse().unwrap_or(0);
                    v = &v[1 + n..];
                }
            }
            Tok::PmUpper | Tok::PmLower => {
                let p = v.get(..2).ok_or_else(err)?.to_ascii_uppercase();
                pm = Some(match p.as_str() {
                    "PM" => true,
                    "AM" => false,
                    _ => return Err(err()),
                });
                v = &v[2..];
            }
            Tok::ZoneName => {
                let n = v.bytes().take_while(|c| c.is_ascii_uppercase()).count();
                if n < 3 {
                    return Err(err());
                }
                v = &v[n..];
            }
            Tok::Offset(p) => {
                if p.starts_with('Z') && v.starts_with('Z') {
                    v = &v[1..];
                    continue;
                }
                let sign = match v.as_bytes().first() {
                    Some(b'+') => 1,
                    Some(b'-') => -1,
                    _ => return Err(err()),
                };
                let body = &v[1..];
                let colon = p.contains(':');
                let (hh, r) = num(body, 2, 2).ok_or_else(err)?;
                let mut rest = r;
                let mut mm = 0;
                if !p.ends_with("07") {
                    if colon {
                        rest = rest.strip_prefix(':').ok_or_else(err)?;
                    }
                    let (m2, r2) = num(rest, 2, 2).ok_or_else(err)?;
                    mm = m2;
                    rest = r2;
                }
                offset = sign * (hh as i64 * 3600 + mm as i64 * 60);
                v = rest;
            }
            Tok::Frac(n, _) => {
                let sep = &layout[a..a + 1];
                match v.strip_prefix(sep) {
                    Some(r) => {
                        let k = r.bytes().take_while(|c| c.is_ascii_digit()).count();
                        if k == 0 || (elem.as_bytes()[1] == b'0' && k != n) {
                            return Err(err());
                        }
                        let digits = format!("{:0<9}", &r[..k.min(9)]);
                        ns = digits.parse().unwrap_or(0);
                        v = &r[k..];
                    }
                    None if elem.as_bytes()[1] == b'9' => {}
                    None => return Err(err()),
                }
            }
        }
    }
    if !v.is_empty() {
        return Err(format!(
            "parsing time {}: extra text: {}",
            crate::text::go_quote(value),
            crate::text::go_quote(v)
        ));
    }
    if let Some(p) = pm {
        if h > 12 {
            return Err(format!(
                "parsing time {}: hour out of range",
                crate::text::go_quote(value)
            ));
        }
        if p && h < 12 {
            h += 12;
        } else if !p && h == 12 {
            h = 0;
        }
    }
    let dim = [
        31,
        if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 {
            29
        } else {
            28
        },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    if d < 1 || d > dim[mo as usize - 1] {
        return Err(format!(
            "parsing time {}: day out of range",
            crate::text::go_quote(value)
        ));
    }
    if h > 23 || mi > 59 || s > 59 {
        return Err(format!(
            "parsing time {}: hour out of range",
            crate::text::go_quote(value)
        ));
    }
    let secs =
        days_from_civil(y, mo, d) * 86_400 + h as i64 * 3600 + mi as i64 * 60 + s as i64 - offset;
    Ok(Timestamp { secs, nanos: ns })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_and_parse() {
        let t = parse("2006-01-02", "2024-03-05").unwrap();
        assert_eq!(t.secs, 1_709_596_800); // corpus: unixEpoch → 1709596800
        assert_eq!(format(t, "2006-01-02 15:04 MST"), "2024-03-05 00:00 UTC");
        assert_eq!(
            format(
                Timestamp {
                    secs: 86_400,
                    nanos: 0
                },
                "2006-01-02 15:04:05"
            ),
            "1970-01-02 00:00:00"
        );
        assert_eq!(
            format(
                Timestamp {
                    secs: 1_709_650_862,
                    nanos: 120_000_000
                },
                "Mon Jan _2 3:04:05.000 PM -07:00 .999"
            ),
            "Tue Mar  5 3:01:02.120 PM +00:00 .12"
        );
        assert_eq!(
            parse("2006-01-02", "bogus").unwrap_err(),
            "parsing time \"bogus\" as \"2006-01-02\": cannot parse \"bogus\" as \"2006\""
        );
        let t2 = parse(time_rfc3339(), "2024-03-05T10:11:12+02:00").unwrap();
        assert_eq!(format(t2, "15:04:05Z07:00"), "08:11:12Z");
        assert!(parse("2006-01-02", "2024-02-30").is_err());
        assert!(parse("2006-01-02", "2024-03-05x").is_err());
    }

    fn time_rfc3339() -> &'static str {
        "2006-01-02T15:04:05Z07:00"
    }
}
