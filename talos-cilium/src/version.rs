//! Version numbers as users write them: `v1.13`, `1.14.0`, `v1.14.0-rc.1`.

use std::cmp::Ordering;
use std::fmt;

/// A `MAJOR.MINOR[.PATCH][-PRERELEASE]` version with an optional leading `v`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Version {
    pub major: u32,
    pub minor: u32,
    /// None when only `MAJOR.MINOR` was given (a whole release series).
    pub patch: Option<u32>,
    pub pre: Option<String>,
}

/// Why a version string was rejected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionError {
    pub input: String,
    pub reason: String,
}

impl fmt::Display for VersionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:?} is not a version: {} (expected e.g. \"v1.13\", \"1.14.0\" or \"v1.14.0-rc.1\")",
            self.input, self.reason
        )
    }
}
impl std::error::Error for VersionError {}

impl Version {
    pub const fn new(major: u32, minor: u32) -> Self {
        Version { major, minor, patch: None, pre: None }
    }

    pub fn parse(input: &str) -> Result<Version, VersionError> {
        let fail = |reason: &str| VersionError { input: input.to_string(), reason: reason.to_string() };
        let s = input.trim();
        if s != input {
            return Err(fail("leading or trailing spaces"));
        }
        let s = s.strip_prefix('v').unwrap_or(s);
        let (core, pre) = match s.split_once('-') {
            Some((c, p)) => (c, Some(p)),
            None => (s, None),
        };
        let core = core.split_once('+').map(|(c, _)| c).unwrap_or(core);
        let parts: Vec<&str> = core.split('.').collect();
        if !(2..=3).contains(&parts.len()) {
            return Err(fail("needs MAJOR.MINOR or MAJOR.MINOR.PATCH"));
        }
        let num = |p: &str| -> Result<u32, VersionError> {
            if p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()) || (p.len() > 1 && p.starts_with('0')) {
                return Err(fail(&format!("{p:?} is not a number")));
            }
            p.parse().map_err(|_| fail(&format!("{p:?} is too large")))
        };
        let major = num(parts[0])?;
        let minor = num(parts[1])?;
        let patch = parts.get(2).map(|p| num(p)).transpose()?;
        if let Some(p) = pre {
            if p.is_empty() || !p.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'.') {
                return Err(fail("invalid pre-release suffix"));
            }
            if patch.is_none() {
                return Err(fail("a pre-release needs a full MAJOR.MINOR.PATCH version"));
            }
        }
        Ok(Version { major, minor, patch, pre: pre.map(str::to_string) })
    }

    /// Compares the release series (MAJOR.MINOR) only.
    pub fn minor_cmp(&self, major: u32, minor: u32) -> Ordering {
        (self.major, self.minor).cmp(&(major, minor))
    }
    /// True when this version's series is at least `major.minor` (pre-releases count).
    pub fn at_least(&self, major: u32, minor: u32) -> bool {
        self.minor_cmp(major, minor) != Ordering::Less
    }
    /// True when this exact version is at least `major.minor.patch` (a pre-release
    /// of that patch is not).
    pub fn at_least_patch(&self, major: u32, minor: u32, patch: u32) -> bool {
        let p = self.patch.unwrap_or(0);
        match (self.major, self.minor, p).cmp(&(major, minor, patch)) {
            Ordering::Greater => true,
            Ordering::Less => false,
            Ordering::Equal => self.pre.is_none(),
        }
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)?;
        if let Some(p) = self.patch {
            write!(f, ".{p}")?;
        }
        if let Some(pre) = &self.pre {
            write!(f, "-{pre}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_what_users_write() {
        let v = Version::parse("v1.13").unwrap();
        assert_eq!((v.major, v.minor, v.patch), (1, 13, None));
        let v = Version::parse("1.14.0").unwrap();
        assert_eq!((v.major, v.minor, v.patch), (1, 14, Some(0)));
        let v = Version::parse("v1.14.0-rc.1").unwrap();
        assert_eq!(v.pre.as_deref(), Some("rc.1"));
        assert!(v.at_least(1, 14));
        assert!(!v.at_least_patch(1, 14, 0));
        assert!(Version::parse("1.17.5").unwrap().at_least_patch(1, 17, 5));
    }

    #[test]
    fn rejects_everything_else_with_a_reason() {
        for bad in ["", "1", "v", "1.x", "1.13.", " 1.13", "1.13.0.1", "01.13", "1.13-rc.1", "1.14.0-", "latest"] {
            let e = Version::parse(bad).unwrap_err();
            assert!(e.to_string().contains("expected e.g."), "{bad}: {e}");
        }
    }
}
