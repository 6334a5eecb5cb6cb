//! Semantic versions and constraints with the rules of Masterminds/semver v3 (the library
//! behind sprig's `semver` and `semverCompare`).
//!
//! * Versions are parsed loosely: an optional leading `v`, partial versions (`1`, `1.2` are
//!   `1.0.0`, `1.2.0`), a prerelease after `-` and build metadata after `+`.
//! * Constraints: `=`, `!=`, `>`, `<`, `>=` (`=>`), `<=` (`=<`), `~` (`~>`), `^`, wildcards
//!   `x`, `X`, `*`, hyphen ranges `1.2 - 1.4.5`; `,` or whitespace is AND, `||` is OR.
//! * A version with a prerelease only satisfies a constraint that carries a prerelease itself
//!   (`>=1.27` rejects `1.30.0-rc.1`; `>=1.27-0` accepts it).

use std::cmp::Ordering;
use std::fmt;

/// Longest version or constraint text accepted (guards against pathological input).
pub const MAX_INPUT_LEN: usize = 1024;

/// A parsed semantic version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Version {
    pub major: u64,
    pub minor: u64,
    pub patch: u64,
    /// Prerelease without the leading `-` (empty when absent).
    pub prerelease: String,
    /// Build metadata without the leading `+` (empty when absent).
    pub metadata: String,
    /// The text the version was parsed from.
    pub original: String,
}

/// Parse or constraint error; the text follows the library's messages where they matter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error(pub String);

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

fn invalid_semver() -> Error {
    Error("invalid semantic version".to_string())
}

fn is_ident_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '-'
}

/// Validates a dot-separated identifier list (prerelease or metadata).
fn valid_idents(s: &str) -> bool {
    !s.is_empty()
        && s.split('.')
            .all(|p| !p.is_empty() && p.chars().all(is_ident_char))
}

fn parse_num(s: &str) -> Result<u64, Error> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(invalid_semver());
    }
    s.parse::<u64>().map_err(|_| {
        Error(format!(
            "error parsing version segment: strconv.ParseUint: parsing \"{s}\": value out of range"
        ))
    })
}

impl Version {
    /// Parses a version the way `semver.NewVersion` does.
    pub fn parse(input: &str) -> Result<Version, Error> {
        if input.len() > MAX_INPUT_LEN {
            return Err(invalid_semver());
        }
        let s = input.strip_prefix('v').unwrap_or(input);
        let (rest, metadata) = match s.find('+') {
            Some(i) => (&s[..i], &s[i + 1..]),
            None => (s, ""),
        };
        if s.contains('+') && !valid_idents(metadata) {
            return Err(invalid_semver());
        }
        let (core, prerelease) = match rest.find('-') {
            Some(i) => (&rest[..i], &rest[i + 1..]),
            None => (rest, ""),
        };
        if rest.contains('-') {
            if !valid_idents(prerelease) {
                return Err(invalid_semver());
            }
            for part in prerelease.split('.') {
                if part.len() > 1
                    && part.starts_with('0')
                    && part.bytes().all(|b| b.is_ascii_digit())
                {
                    return Err(Error("version segment starts with 0".to_string()));
                }
            }
        }
        let parts: Vec<&str> = core.split('.').collect();
        if parts.is_empty() || parts.len() > 3 {
            return Err(invalid_semver());
        }
        let major = parse_num(parts[0])?;
        let minor = match parts.get(1) {
            Some(p) => parse_num(p)?,
            None => 0,
        };
        let patch = match parts.get(2) {
            Some(p) => parse_num(p)?,
            None => 0,
        };
        Ok(Version {
            major,
            minor,
            patch,
            prerelease: prerelease.to_string(),
            metadata: metadata.to_string(),
            original: input.to_string(),
        })
    }

    fn bare(major: u64, minor: u64, patch: u64, prerelease: &str) -> Version {
        Version {
            major,
            minor,
            patch,
            prerelease: prerelease.to_string(),
            metadata: String::new(),
            original: String::new(),
        }
    }

    /// Precedence comparison; metadata is ignored.
    pub fn compare(&self, other: &Version) -> Ordering {
        self.major
            .cmp(&other.major)
            .then(self.minor.cmp(&other.minor))
            .then(self.patch.cmp(&other.patch))
            .then_with(|| compare_prerelease(&self.prerelease, &other.prerelease))
    }

    /// The normalised form `MAJOR.MINOR.PATCH[-PRE][+META]` (`Version.String()`).
    pub fn canonical(&self) -> String {
        let mut s = format!("{}.{}.{}", self.major, self.minor, self.patch);
        if !self.prerelease.is_empty() {
            s.push('-');
            s.push_str(&self.prerelease);
        }
        if !self.metadata.is_empty() {
            s.push('+');
            s.push_str(&self.metadata);
        }
        s
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.canonical())
    }
}

fn compare_prerelease(a: &str, b: &str) -> Ordering {
    match (a.is_empty(), b.is_empty()) {
        (true, true) => return Ordering::Equal,
        (true, false) => return Ordering::Greater,
        (false, true) => return Ordering::Less,
        _ => {}
    }
    let mut ai = a.split('.');
    let mut bi = b.split('.');
    loop {
        match (ai.next(), bi.next()) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(x), Some(y)) => {
                let o = compare_ident(x, y);
                if o != Ordering::Equal {
                    return o;
                }
            }
        }
    }
}

fn compare_ident(a: &str, b: &str) -> Ordering {
    let an = a
        .parse::<u64>()
        .ok()
        .filter(|_| a.bytes().all(|c| c.is_ascii_digit()));
    let bn = b
        .parse::<u64>()
        .ok()
        .filter(|_| b.bytes().all(|c| c.is_ascii_digit()));
    match (an, bn) {
        (Some(x), Some(y)) => x.cmp(&y),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => a.cmp(b),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    TildeOrEqual,
    NotEqual,
    Greater,
    Less,
    GreaterEqual,
    LessEqual,
    Tilde,
    Caret,
}

#[derive(Debug, Clone)]
struct Single {
    op: Op,
    con: Version,
    dirty: bool,
    minor_dirty: bool,
    patch_dirty: bool,
}

/// A parsed constraint: OR of AND groups.
#[derive(Debug, Clone)]
pub struct Constraints {
    groups: Vec<Vec<Single>>,
    original: String,
}

fn is_wild(s: &str) -> bool {
    matches!(s, "x" | "X" | "*")
}

fn improper(c: &str) -> Error {
    Error(format!("improper constraint: {c:?}"))
}

fn parse_single(op: &str, ver: &str, whole: &str) -> Result<Single, Error> {
    let op = match op {
        "" | "=" => Op::TildeOrEqual,
        "!=" => Op::NotEqual,
        ">" => Op::Greater,
        "<" => Op::Less,
        ">=" | "=>" => Op::GreaterEqual,
        "<=" | "=<" => Op::LessEqual,
        "~" | "~>" => Op::Tilde,
        "^" => Op::Caret,
        _ => return Err(improper(whole)),
    };
    let v = ver
        .strip_prefix('v')
        .or_else(|| ver.strip_prefix('V'))
        .unwrap_or(ver);
    let (rest, meta) = match v.find('+') {
        Some(i) => (&v[..i], Some(&v[i + 1..])),
        None => (v, None),
    };
    let (core, pre) = match rest.find('-') {
        Some(i) => (&rest[..i], Some(&rest[i + 1..])),
        None => (rest, None),
    };
    if meta.is_some_and(|m| !valid_idents(m)) || pre.is_some_and(|p| !valid_idents(p)) {
        return Err(improper(whole));
    }
    let parts: Vec<&str> = core.split('.').collect();
    if parts.len() > 3 || parts.iter().any(|p| p.is_empty()) {
        return Err(improper(whole));
    }
    for p in &parts {
        if !is_wild(p) && !p.bytes().all(|b| b.is_ascii_digit()) {
            return Err(improper(whole));
        }
    }
    let pre = pre.unwrap_or("");
    let num = |p: &str| -> Result<u64, Error> {
        p.parse::<u64>()
            .map_err(|_| Error(format!("error parsing version segment: strconv.ParseUint: parsing \"{p}\": value out of range")))
    };
    let (mut dirty, mut minor_dirty, mut patch_dirty) = (false, false, false);
    let con;
    if is_wild(parts[0]) {
        dirty = true;
        minor_dirty = true;
        patch_dirty = true;
        con = Version::bare(0, 0, 0, "");
    } else if parts.len() < 2 || is_wild(parts[1]) {
        dirty = true;
        minor_dirty = true;
        patch_dirty = true;
        con = Version::bare(num(parts[0])?, 0, 0, pre);
    } else if parts.len() < 3 || is_wild(parts[2]) {
        dirty = true;
        patch_dirty = true;
        con = Version::bare(num(parts[0])?, num(parts[1])?, 0, pre);
    } else {
        con = Version::bare(num(parts[0])?, num(parts[1])?, num(parts[2])?, pre);
    }
    Ok(Single {
        op,
        con,
        dirty,
        minor_dirty,
        patch_dirty,
    })
}

/// Rewrites hyphen ranges `A - B` into `>= A, <= B`.
fn rewrite_ranges(s: &str) -> String {
    let toks: Vec<&str> = s.split_whitespace().collect();
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        if i + 2 < toks.len()
            && toks[i + 1] == "-"
            && looks_like_version(toks[i])
            && looks_like_version(toks[i + 2])
        {
            out.push(format!(">= {}, <= {}", toks[i], toks[i + 2]));
            i += 3;
        } else {
            out.push(toks[i].to_string());
            i += 1;
        }
    }
    out.join(" ")
}

fn looks_like_version(t: &str) -> bool {
    let t = t.strip_prefix('v').unwrap_or(t);
    t.chars()
        .next()
        .is_some_and(|c| c.is_ascii_digit() || is_wild(&c.to_string()))
        && t.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '+' | '*'))
}

impl Constraints {
    /// Parses a constraint string the way `semver.NewConstraint` does.
    pub fn parse(input: &str) -> Result<Constraints, Error> {
        if input.len() > MAX_INPUT_LEN {
            return Err(improper(input));
        }
        let rewritten = rewrite_ranges(input);
        let mut groups = Vec::new();
        for group in rewritten.split("||") {
            let mut singles = Vec::new();
            let b = group.as_bytes();
            let mut i = 0;
            while i < b.len() {
                while i < b.len() && (b[i].is_ascii_whitespace() || b[i] == b',') {
                    i += 1;
                }
                if i >= b.len() {
                    break;
                }
                let op_start = i;
                while i < b.len() && matches!(b[i], b'=' | b'!' | b'<' | b'>' | b'~' | b'^') {
                    i += 1;
                }
                let op = &group[op_start..i];
                while i < b.len() && b[i].is_ascii_whitespace() {
                    i += 1;
                }
                let v_start = i;
                while i < b.len() && !b[i].is_ascii_whitespace() && b[i] != b',' {
                    i += 1;
                }
                let ver = &group[v_start..i];
                if ver.is_empty() {
                    return Err(improper(input));
                }
                singles.push(parse_single(op, ver, input)?);
            }
            if singles.is_empty() {
                return Err(improper(input));
            }
            groups.push(singles);
        }
        Ok(Constraints {
            groups,
            original: input.to_string(),
        })
    }

    /// True when the version satisfies any OR group entirely.
    pub fn check(&self, v: &Version) -> bool {
        self.groups.iter().any(|g| {
            // A prerelease version is only considered by a group that mentions a prerelease.
            let include_pre = g.iter().any(|c| !c.con.prerelease.is_empty());
            if !v.prerelease.is_empty() && !include_pre {
                return false;
            }
            g.iter().all(|c| c.check(v))
        })
    }

    /// The text the constraint was parsed from.
    pub fn original(&self) -> &str {
        &self.original
    }
}

impl Single {
    fn check(&self, v: &Version) -> bool {
        let c = &self.con;
        match self.op {
            Op::TildeOrEqual => {
                if self.dirty {
                    self.tilde(v)
                } else {
                    v.compare(c) == Ordering::Equal
                }
            }
            Op::NotEqual => {
                if self.dirty {
                    if self.minor_dirty {
                        v.major != c.major
                    } else {
                        v.major != c.major || v.minor != c.minor
                    }
                } else {
                    v.compare(c) != Ordering::Equal
                }
            }
            Op::Greater => {
                if !self.dirty {
                    v.compare(c) == Ordering::Greater
                } else if self.minor_dirty {
                    v.major > c.major
                } else {
                    v.major > c.major || (v.major == c.major && v.minor > c.minor)
                }
            }
            Op::Less => v.compare(c) == Ordering::Less,
            Op::GreaterEqual => v.compare(c) != Ordering::Less,
            Op::LessEqual => {
                if !self.dirty {
                    v.compare(c) != Ordering::Greater
                } else if self.minor_dirty {
                    v.major <= c.major
                } else {
                    v.major < c.major || (v.major == c.major && v.minor <= c.minor)
                }
            }
            Op::Tilde => self.tilde(v),
            Op::Caret => {
                if v.compare(c) == Ordering::Less {
                    return false;
                }
                if c.major > 0 || self.minor_dirty {
                    return v.major == c.major;
                }
                if v.major > 0 {
                    return false;
                }
                if c.minor > 0 || self.patch_dirty {
                    return v.minor == c.minor;
                }
                if v.minor > 0 {
                    return false;
                }
                v.patch == c.patch
            }
        }
    }

    fn tilde(&self, v: &Version) -> bool {
        let c = &self.con;
        if v.compare(c) == Ordering::Less {
            return false;
        }
        if c.major == 0 && c.minor == 0 && c.patch == 0 && self.minor_dirty {
            return true;
        }
        if v.major != c.major {
            return false;
        }
        if v.minor != c.minor && !self.minor_dirty {
            return false;
        }
        true
    }
}

/// `semverCompare CONSTRAINT VERSION`.
pub fn semver_compare(constraint: &str, version: &str) -> Result<bool, Error> {
    let c = Constraints::parse(constraint)?;
    let v = Version::parse(version)?;
    Ok(c.check(&v))
}
