//! Named time zones for `dateInZone`, `htmlDateInZone` and `date` (Go's `Local`), read the
//! way Go's `time.LoadLocation` reads them on Unix: TZif files from `$ZONEINFO` (a
//! directory), `/usr/share/zoneinfo/`, `/usr/share/lib/zoneinfo/`, `/usr/lib/locale/TZ/`
//! and `/etc/zoneinfo/`; `""` and `"UTC"` are UTC; `"Local"` is `$TZ` (`""` meaning UTC,
//! a leading `:` ignored) or else `/etc/localtime`. A name with `..`, an absolute path, a
//! missing or malformed file (or one over [`MAX_TZIF_BYTES`]) loads nothing, and the
//! callers then use UTC, as sprig does when `LoadLocation` fails.
//!
//! Lookup follows Go: binary search over the transitions; before the first one, Go's
//! "first zone" rule; after the last one, the POSIX TZ rule in the file's footer
//! (`EST5EDT,M3.2.0,M11.1.0`), computed for the instant's year.
//! Format: RFC 8536 (TZif versions 1 to 4; the 64-bit block of version 2 and later).

use std::path::Path;
use std::sync::Arc;

/// TZif files larger than this are refused (the largest in tzdata is under 4 KiB).
pub const MAX_TZIF_BYTES: u64 = 1 << 20;

const SOURCES: &[&str] = &[
    "/usr/share/zoneinfo/",
    "/usr/share/lib/zoneinfo/",
    "/usr/lib/locale/TZ/",
    "/etc/zoneinfo/",
];

/// A zone: UTC offset (seconds east) and abbreviation for any instant.
#[derive(Debug, Clone, PartialEq)]
pub struct Zone {
    transitions: Vec<(i64, usize)>,
    types: Vec<ZoneType>,
    first: usize,
    rule: Option<Rule>,
}

#[derive(Debug, Clone, PartialEq)]
struct ZoneType {
    offset: i32,
    dst: bool,
    abbrev: String,
}

impl Zone {
    fn utc() -> Zone {
        Zone {
            transitions: Vec::new(),
            types: vec![ZoneType {
                offset: 0,
                dst: false,
                abbrev: "UTC".into(),
            }],
            first: 0,
            rule: None,
        }
    }

    /// Offset in seconds east of UTC and the abbreviation at Unix time `secs`.
    pub fn lookup(&self, secs: i64) -> (i32, String) {
        let ty = match self.transitions.binary_search_by(|&(t, _)| t.cmp(&secs)) {
            Ok(i) => self.transitions[i].1,
            Err(0) => self.first,
            Err(i) => {
                if i == self.transitions.len()
                    && let Some(rule) = &self.rule
                {
                    return rule.lookup(secs);
                }
                self.transitions[i - 1].1
            }
        };
        match self.types.get(ty) {
            Some(t) => (t.offset, t.abbrev.clone()),
            None => (0, "UTC".into()),
        }
    }
}

/// At most this many zone names (loaded or not) are remembered; names come from templates.
const MAX_CACHED_ZONES: usize = 64;

type ZoneCache = std::sync::Mutex<Vec<(String, Option<Arc<Zone>>)>>;
static CACHE: ZoneCache = std::sync::Mutex::new(Vec::new());

/// Go's `LoadLocation(name)`; `None` where Go returns an error. Results are kept per name
/// (up to [`MAX_CACHED_ZONES`]), so a template formatting dates in a loop reads each file
/// once, and `Local` is read once per process as in Go.
pub fn load(name: &str) -> Option<Arc<Zone>> {
    let cached = |c: &[(String, Option<Arc<Zone>>)]| {
        c.iter().find(|(n, _)| n == name).map(|(_, z)| z.clone())
    };
    if let Some(z) = cached(&CACHE.lock().unwrap_or_else(|e| e.into_inner())) {
        return z;
    }
    let zone = load_uncached(name).map(Arc::new);
    let mut cache = CACHE.lock().unwrap_or_else(|e| e.into_inner());
    if cached(&cache).is_none() && cache.len() < MAX_CACHED_ZONES {
        cache.push((name.to_string(), zone.clone()));
    }
    zone
}

fn load_uncached(name: &str) -> Option<Zone> {
    match name {
        "" | "UTC" => return Some(Zone::utc()),
        "Local" => return local(),
        _ => {}
    }
    if name.contains("..") || name.starts_with('/') || name.starts_with('\\') {
        return None;
    }
    let dirs = std::env::var("ZONEINFO").ok().filter(|d| !d.is_empty());
    dirs.iter()
        .map(|d| Path::new(d).join(name))
        .chain(SOURCES.iter().map(|d| Path::new(d).join(name)))
        .find_map(|p| read(&p))
}

fn local() -> Option<Zone> {
    match std::env::var("TZ") {
        Ok(tz) => {
            let tz = tz.strip_prefix(':').unwrap_or(&tz);
            if tz.is_empty() || tz == "UTC" {
                return Some(Zone::utc());
            }
            if tz.starts_with('/') {
                return read(Path::new(tz)).or_else(|| Some(Zone::utc()));
            }
            load_uncached(tz).or_else(|| Some(Zone::utc()))
        }
        Err(_) => read(Path::new("/etc/localtime")).or_else(|| Some(Zone::utc())),
    }
}

fn read(path: &Path) -> Option<Zone> {
    let meta = std::fs::metadata(path).ok()?;
    if !meta.is_file() || meta.len() > MAX_TZIF_BYTES {
        return None;
    }
    parse(&std::fs::read(path).ok()?)
}

/// A bounds-checked reader over the file's bytes.
struct Bytes<'a>(&'a [u8]);

impl<'a> Bytes<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        if self.0.len() < n {
            return None;
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Some(head)
    }
    fn u32(&mut self) -> Option<usize> {
        Some(u32::from_be_bytes(self.take(4)?.try_into().ok()?) as usize)
    }
}

/// Parses a TZif file; `None` when it is malformed.
pub fn parse(data: &[u8]) -> Option<Zone> {
    let mut b = Bytes(data);
    let header = |b: &mut Bytes| -> Option<(u8, [usize; 6])> {
        if b.take(4)? != b"TZif" {
            return None;
        }
        let version = b.take(1)?[0];
        b.take(15)?;
        // isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt
        let mut n = [0usize; 6];
        for c in &mut n {
            *c = b.u32()?;
        }
        Some((version, n))
    };
    let (version, n) = header(&mut b)?;
    let time_size = if version >= b'2' {
        // Skip the 32-bit block and read the second header and 64-bit block.
        let [isut, isstd, leap, time, ty, chars] = n;
        b.take(time * 5 + ty * 6 + chars + leap * 8 + isstd + isut)?;
        8
    } else {
        4
    };
    let n = if version >= b'2' {
        header(&mut b)?.1
    } else {
        n
    };
    let [isut, isstd, leap, timecnt, typecnt, charcnt] = n;
    if typecnt == 0 || typecnt > 256 {
        return None;
    }
    let mut times = Vec::with_capacity(timecnt.min(4096));
    for _ in 0..timecnt {
        let raw = b.take(time_size)?;
        times.push(if time_size == 8 {
            i64::from_be_bytes(raw.try_into().ok()?)
        } else {
            i64::from(i32::from_be_bytes(raw.try_into().ok()?))
        });
    }
    let idx = b.take(timecnt)?.to_vec();
    let mut raw_types = Vec::with_capacity(typecnt);
    for _ in 0..typecnt {
        let t = b.take(6)?;
        let offset = i32::from_be_bytes(t[0..4].try_into().ok()?);
        raw_types.push((offset, t[4] != 0, t[5] as usize));
    }
    let chars = b.take(charcnt)?;
    b.take(leap * (time_size + 4) + isstd + isut)?;
    let types: Vec<ZoneType> = raw_types
        .into_iter()
        .map(|(offset, dst, ai)| {
            let tail = chars.get(ai..).unwrap_or(&[]);
            let end = tail.iter().position(|&c| c == 0).unwrap_or(tail.len());
            ZoneType {
                offset,
                dst,
                abbrev: String::from_utf8_lossy(&tail[..end]).into_owned(),
            }
        })
        .collect();
    let mut transitions = Vec::with_capacity(times.len());
    for (t, &i) in times.into_iter().zip(&idx) {
        if i as usize >= types.len() {
            return None;
        }
        transitions.push((t, i as usize));
    }
    let rule = if version >= b'2' {
        let footer = std::str::from_utf8(b.0).ok()?;
        let tz = footer.strip_prefix('\n')?.split('\n').next()?;
        if tz.is_empty() { None } else { Rule::parse(tz) }
    } else {
        None
    };
    let first = first_zone(&transitions, &types);
    Some(Zone {
        transitions,
        types,
        first,
        rule,
    })
}

/// Go's `lookupFirstZone`: the zone before the first transition.
fn first_zone(transitions: &[(i64, usize)], types: &[ZoneType]) -> usize {
    // Unused by any transition: it is the zone before them.
    if !transitions.iter().any(|&(_, i)| i == 0) {
        return 0;
    }
    // The first transition goes to daylight time: the last standard zone before it.
    if let Some(&(_, i)) = transitions.first()
        && types[i].dst
        && let Some(z) = (0..i).rev().find(|&z| !types[z].dst)
    {
        return z;
    }
    types.iter().position(|t| !t.dst).unwrap_or(0)
}

/// A POSIX TZ rule (`std offset [dst [offset] [,start[/time],end[/time]]]`).
#[derive(Debug, Clone, PartialEq)]
struct Rule {
    std: (String, i32),
    dst: Option<(String, i32, Date, i32, Date, i32)>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Date {
    /// `Jn`: day 1..=365, February 29 never counted.
    Julian(u32),
    /// `n`: day 0..=365, counting February 29.
    Day(u32),
    /// `Mm.w.d`: weekday d of week w (5 = last) of month m.
    Month(u32, u32, u32),
}

impl Rule {
    fn parse(s: &str) -> Option<Rule> {
        let (std_name, s) = tz_name(s)?;
        let (std_off, s) = tz_offset(s)?;
        let std = (std_name, -std_off);
        if s.is_empty() {
            return Some(Rule { std, dst: None });
        }
        let (dst_name, s) = tz_name(s)?;
        let (dst_off, s) = if s.is_empty() || s.starts_with(',') {
            (std.1 + 3600, s)
        } else {
            let (o, rest) = tz_offset(s)?;
            (-o, rest)
        };
        // Go's default when the rule has no dates: the US rule.
        let s = if s.is_empty() { ",M3.2.0,M11.1.0" } else { s };
        let s = s.strip_prefix(',')?;
        let (start, s) = tz_date(s)?;
        let (start_time, s) = tz_time_opt(s)?;
        let s = s.strip_prefix(',')?;
        let (end, s) = tz_date(s)?;
        let (end_time, s) = tz_time_opt(s)?;
        if !s.is_empty() {
            return None;
        }
        Some(Rule {
            std,
            dst: Some((dst_name, dst_off, start, start_time, end, end_time)),
        })
    }

    fn lookup(&self, secs: i64) -> (i32, String) {
        let Some((dst_name, dst_off, start, start_time, end, end_time)) = &self.dst else {
            return (self.std.1, self.std.0.clone());
        };
        let year = crate::time::civil_from_days(secs.div_euclid(86_400)).0;
        let year_start = crate::time::days_from_civil(year, 1, 1) * 86_400;
        // Transition instants in UTC: start is given in standard (local) time, end in
        // daylight time.
        let s = year_start + day_of_year(year, *start) * 86_400 + i64::from(*start_time)
            - i64::from(self.std.1);
        let e = year_start + day_of_year(year, *end) * 86_400 + i64::from(*end_time)
            - i64::from(*dst_off);
        let in_dst = if s < e {
            s <= secs && secs < e
        } else {
            !(e <= secs && secs < s)
        };
        if in_dst {
            (*dst_off, dst_name.clone())
        } else {
            (self.std.1, self.std.0.clone())
        }
    }
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

/// Day of the year (0-based) of a rule date in `year`.
fn day_of_year(year: i64, d: Date) -> i64 {
    const DAYS_BEFORE: [i64; 13] = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365];
    match d {
        Date::Julian(n) => {
            let n = i64::from(n) - 1;
            if is_leap(year) && n >= 59 { n + 1 } else { n }
        }
        Date::Day(n) => i64::from(n),
        Date::Month(m, w, wd) => {
            let m = m as usize;
            let leap = i64::from(is_leap(year) && m > 2);
            let first = DAYS_BEFORE[m - 1] + leap;
            let first_day = crate::time::days_from_civil(year, 1, 1) + first;
            let first_weekday = (first_day + 4).rem_euclid(7); // 1970-01-01 was a Thursday
            let mut day = (i64::from(wd) - first_weekday).rem_euclid(7);
            day += 7 * (i64::from(w) - 1);
            let len = DAYS_BEFORE[m] - DAYS_BEFORE[m - 1] + i64::from(is_leap(year) && m == 2);
            while day >= len {
                day -= 7;
            }
            first + day
        }
    }
}

/// A zone name: letters, or anything inside `<...>`.
fn tz_name(s: &str) -> Option<(String, &str)> {
    if let Some(rest) = s.strip_prefix('<') {
        let end = rest.find('>')?;
        return Some((rest[..end].to_string(), &rest[end + 1..]));
    }
    let end = s
        .find(|c: char| !c.is_ascii_alphabetic())
        .unwrap_or(s.len());
    if end < 3 {
        return None;
    }
    Some((s[..end].to_string(), &s[end..]))
}

/// `[+-]hh[:mm[:ss]]` in seconds (POSIX sign: positive is west of UTC).
fn tz_offset(s: &str) -> Option<(i32, &str)> {
    let (sign, s) = match s.as_bytes().first()? {
        b'+' => (1, &s[1..]),
        b'-' => (-1, &s[1..]),
        _ => (1, s),
    };
    let (t, rest) = tz_hms(s)?;
    Some((sign * t, rest))
}

fn tz_hms(s: &str) -> Option<(i32, &str)> {
    let mut total = 0i32;
    let mut rest = s;
    for (i, unit) in [3600, 60, 1].into_iter().enumerate() {
        if i > 0 {
            match rest.strip_prefix(':') {
                Some(r) => rest = r,
                None => break,
            }
        }
        let end = rest
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(rest.len());
        if end == 0 || end > 3 {
            return None;
        }
        total += rest[..end].parse::<i32>().ok()? * unit;
        rest = &rest[end..];
    }
    Some((total, rest))
}

/// `/time` after a rule date (default 02:00:00; may be negative or past 24h).
fn tz_time_opt(s: &str) -> Option<(i32, &str)> {
    match s.strip_prefix('/') {
        Some(r) => tz_offset(r),
        None => Some((7200, s)),
    }
}

fn tz_date(s: &str) -> Option<(Date, &str)> {
    let num = |s: &str| -> Option<(u32, usize)> {
        let end = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
        Some((s[..end].parse().ok()?, end))
    };
    if let Some(r) = s.strip_prefix('J') {
        let (n, len) = num(r)?;
        return (1..=365)
            .contains(&n)
            .then_some((Date::Julian(n), &r[len..]));
    }
    if let Some(r) = s.strip_prefix('M') {
        let (m, l1) = num(r)?;
        let r = r[l1..].strip_prefix('.')?;
        let (w, l2) = num(r)?;
        let r = r[l2..].strip_prefix('.')?;
        let (d, l3) = num(r)?;
        let ok = (1..=12).contains(&m) && (1..=5).contains(&w) && d <= 6;
        return ok.then_some((Date::Month(m, w, d), &r[l3..]));
    }
    let (n, len) = num(s)?;
    (n <= 365).then_some((Date::Day(n), &s[len..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn zone(name: &str) -> Option<Arc<Zone>> {
        let z = load(name);
        if z.is_none() {
            eprintln!("SKIPPED: no tzdata for {name} on this machine");
        }
        z
    }

    #[test]
    fn loads_are_cached_and_bounded() {
        let a = load("UTC").unwrap();
        assert!(Arc::ptr_eq(&a, &load("UTC").unwrap()));
        for i in 0..2 * MAX_CACHED_ZONES {
            assert!(load(&format!("No/Zone_{i}")).is_none());
        }
        assert!(CACHE.lock().unwrap().len() <= MAX_CACHED_ZONES);
    }

    #[test]
    fn rules_without_tzdata() {
        let r = Rule::parse("EST5EDT,M3.2.0,M11.1.0").unwrap();
        // 2023-07-01T12:00:00Z is daylight time, 2023-01-15T12:00:00Z standard.
        assert_eq!(r.lookup(1_688_212_800), (-4 * 3600, "EDT".into()));
        assert_eq!(r.lookup(1_673_784_000), (-5 * 3600, "EST".into()));
        // 2023-03-12T06:59:59Z is the last second of EST; 07:00:00Z is EDT.
        assert_eq!(r.lookup(1_678_604_399).1, "EST");
        assert_eq!(r.lookup(1_678_604_400).1, "EDT");
        // Southern hemisphere: daylight time spans the new year.
        let au = Rule::parse("AEST-10AEDT,M10.1.0,M4.1.0/3").unwrap();
        assert_eq!(au.lookup(1_673_784_000), (11 * 3600, "AEDT".into()));
        assert_eq!(au.lookup(1_688_212_800), (10 * 3600, "AEST".into()));
        let fixed = Rule::parse("<+0530>-5:30").unwrap();
        assert_eq!(fixed.lookup(0), (5 * 3600 + 1800, "+0530".into()));
        for bad in [
            "",
            "E5",
            "EST5EDT,M13.1.0,M11.1.0",
            "EST5EDT,M3.2.0",
            "EST5EDT,J0,J10",
        ] {
            assert!(Rule::parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn names_that_load_nothing() {
        for name in ["../etc/passwd", "/etc/localtime", "\\x", "No/Such_Zone"] {
            assert!(load(name).is_none(), "{name}");
        }
        assert_eq!(load("UTC").unwrap().lookup(0), (0, "UTC".into()));
        assert_eq!(load("").unwrap().lookup(0), (0, "UTC".into()));
    }

    #[test]
    fn malformed_files_are_refused() {
        assert!(parse(b"").is_none());
        assert!(parse(b"TZif2").is_none());
        let mut data = b"TZif2".to_vec();
        data.extend([0u8; 15]);
        data.extend([0xff; 24]); // absurd counts
        assert!(parse(&data).is_none());
        // Every truncation of a real file is refused or parses; none panics.
        if let Ok(real) = std::fs::read("/usr/share/zoneinfo/America/New_York") {
            for n in 0..real.len() {
                let _ = parse(&real[..n]);
            }
        }
    }

    /// Against tzdata on this machine (skipped without it): the figures are the zones' rules.
    #[test]
    fn real_zones() {
        let Some(tokyo) = zone("Asia/Tokyo") else {
            return;
        };
        assert_eq!(tokyo.lookup(1_700_000_000), (9 * 3600, "JST".into()));
        let Some(ny) = zone("America/New_York") else {
            return;
        };
        assert_eq!(ny.lookup(1_688_212_800), (-4 * 3600, "EDT".into()));
        assert_eq!(ny.lookup(1_673_784_000), (-5 * 3600, "EST".into()));
        // Far past the last transition: the footer rule (2100-07-01T12:00:00Z).
        assert_eq!(ny.lookup(4_118_054_400).1, "EDT");
        // Before standard time (1883): local mean time, as Go reports it.
        assert_eq!(ny.lookup(-3_000_000_000), (-17762, "LMT".into()));
    }
}
