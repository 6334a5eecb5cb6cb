//! Version parsing for Talos, Cilium (chart) and Kubernetes.
//!
//! All three are parsed into plain numbers; nothing here knows what a
//! version *means* (that is [`crate::facts`]).

use std::cmp::Ordering;
use std::fmt;

/// An error while parsing a version string, with the expected format.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionError {
    /// What was being parsed: "Talos", "Cilium" or "Kubernetes".
    pub what: &'static str,
    /// The input as given.
    pub input: String,
    /// Why it was rejected.
    pub reason: String,
    /// The accepted format, with examples.
    pub expected: &'static str,
}

impl fmt::Display for VersionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "invalid {} version {:?}: {}; expected {}",
            self.what, self.input, self.reason, self.expected
        )
    }
}

impl std::error::Error for VersionError {}

/// The generic shape shared by the three kinds: `[v]MAJOR.MINOR[.PATCH][-PRE]`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Parsed {
    major: u64,
    minor: u64,
    patch: Option<u64>,
    pre: Option<String>,
}

fn parse_number(s: &str, part: &str) -> Result<u64, String> {
    if s.is_empty() {
        return Err(format!("the {part} number is empty"));
    }
    if !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("the {part} number {s:?} is not a decimal number"));
    }
    if s.len() > 1 && s.starts_with('0') {
        return Err(format!("the {part} number {s:?} has a leading zero"));
    }
    s.parse::<u64>()
        .map_err(|_| format!("the {part} number {s:?} is too large"))
}

fn parse_generic(input: &str, allow_v: bool, require_patch: bool) -> Result<Parsed, String> {
    let s = input.trim();
    if s != input {
        return Err("it has leading or trailing whitespace".into());
    }
    if s.is_empty() {
        return Err("it is empty".into());
    }
    let s = match s.strip_prefix('v') {
        Some(rest) if allow_v => rest,
        Some(_) => return Err("a leading 'v' is not used for this kind of version".into()),
        None => s,
    };
    let (core, pre) = match s.split_once('-') {
        Some((c, p)) => {
            if p.is_empty() {
                return Err("the pre-release part after '-' is empty".into());
            }
            let ok = p.split('.').all(|id| {
                !id.is_empty() && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
            });
            if !ok {
                return Err(format!(
                    "the pre-release part {p:?} must be dot-separated [0-9A-Za-z-] identifiers"
                ));
            }
            (c, Some(p.to_string()))
        }
        None => (s, None),
    };
    if core.contains('+') {
        return Err("build metadata ('+...') is not accepted".into());
    }
    let parts: Vec<&str> = core.split('.').collect();
    match parts.len() {
        2 if !require_patch => {}
        3 => {}
        _ if require_patch => {
            return Err("it must have exactly three numbers MAJOR.MINOR.PATCH".into());
        }
        _ => return Err("it must have two or three numbers MAJOR.MINOR[.PATCH]".into()),
    }
    if parts.len() == 2 && pre.is_some() {
        return Err("a pre-release needs a patch number (e.g. 1.14.0-rc.1)".into());
    }
    let major = parse_number(parts[0], "major")?;
    let minor = parse_number(parts[1], "minor")?;
    let patch = match parts.get(2) {
        Some(p) => Some(parse_number(p, "patch")?),
        None => None,
    };
    Ok(Parsed {
        major,
        minor,
        patch,
        pre,
    })
}

/// Compares two pre-release strings with semver precedence rules.
fn cmp_pre(a: &Option<String>, b: &Option<String>) -> Ordering {
    match (a, b) {
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Greater,
        (Some(_), None) => Ordering::Less,
        (Some(a), Some(b)) => {
            let mut left = a.split('.');
            let mut right = b.split('.');
            loop {
                match (left.next(), right.next()) {
                    (None, None) => return Ordering::Equal,
                    (None, Some(_)) => return Ordering::Less,
                    (Some(_), None) => return Ordering::Greater,
                    (Some(x), Some(y)) => {
                        let o = match (x.parse::<u64>(), y.parse::<u64>()) {
                            (Ok(x), Ok(y)) => x.cmp(&y),
                            (Ok(_), Err(_)) => Ordering::Less,
                            (Err(_), Ok(_)) => Ordering::Greater,
                            (Err(_), Err(_)) => x.cmp(y),
                        };
                        if o != Ordering::Equal {
                            return o;
                        }
                    }
                }
            }
        }
    }
}

/// A Talos version (`v1.13`, `1.14.0`, `v1.14.0-rc.1`, `1.13.9`).
///
/// Only the minor matters for the machine-config contract; the patch and
/// pre-release are kept for display and for facts that changed within a minor.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TalosVersion {
    pub major: u64,
    pub minor: u64,
    pub patch: Option<u64>,
    pub pre: Option<String>,
}

impl TalosVersion {
    pub const EXPECTED: &'static str =
        "[v]1.MINOR[.PATCH[-PRERELEASE]], e.g. \"v1.13\", \"1.13.9\" or \"v1.14.0-rc.1\"";

    pub const fn new(major: u64, minor: u64) -> Self {
        TalosVersion {
            major,
            minor,
            patch: None,
            pre: None,
        }
    }

    pub fn parse(input: &str) -> Result<Self, VersionError> {
        let err = |reason: String| VersionError {
            what: "Talos",
            input: input.to_string(),
            reason,
            expected: Self::EXPECTED,
        };
        let p = parse_generic(input, true, false).map_err(err)?;
        if p.major != 1 {
            return Err(err(format!(
                "major version {} is not a Talos 1.x release",
                p.major
            )));
        }
        Ok(TalosVersion {
            major: p.major,
            minor: p.minor,
            patch: p.patch,
            pre: p.pre,
        })
    }

    /// `(major, minor)`: the version contract this release generates by default.
    pub fn minor_key(&self) -> (u64, u64) {
        (self.major, self.minor)
    }

    /// True when this version's minor is `>= major.minor`.
    pub fn at_least_minor(&self, major: u64, minor: u64) -> bool {
        self.minor_key() >= (major, minor)
    }
}

impl fmt::Display for TalosVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "v{}.{}", self.major, self.minor)?;
        if let Some(p) = self.patch {
            write!(f, ".{p}")?;
        }
        if let Some(pre) = &self.pre {
            write!(f, "-{pre}")?;
        }
        Ok(())
    }
}

impl Ord for TalosVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        (self.major, self.minor, self.patch.unwrap_or(0))
            .cmp(&(other.major, other.minor, other.patch.unwrap_or(0)))
            .then_with(|| cmp_pre(&self.pre, &other.pre))
    }
}
impl PartialOrd for TalosVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// A Cilium Helm chart version (`1.18.5`, `1.21.0-pre.0`). A leading `v` is
/// tolerated because image tags use it, but chart versions do not.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CiliumVersion {
    pub major: u64,
    pub minor: u64,
    pub patch: u64,
    pub pre: Option<String>,
}

impl CiliumVersion {
    pub const EXPECTED: &'static str = "a Cilium chart version MAJOR.MINOR.PATCH[-PRERELEASE], e.g. \"1.18.5\" or \"1.21.0-pre.0\"";

    pub fn parse(input: &str) -> Result<Self, VersionError> {
        let err = |reason: String| VersionError {
            what: "Cilium",
            input: input.to_string(),
            reason,
            expected: Self::EXPECTED,
        };
        let p = parse_generic(input, true, true).map_err(err)?;
        if p.major != 1 {
            return Err(err(format!(
                "major version {} is not a Cilium 1.x chart",
                p.major
            )));
        }
        Ok(CiliumVersion {
            major: p.major,
            minor: p.minor,
            patch: p.patch.unwrap_or(0),
            pre: p.pre,
        })
    }

    pub fn minor_key(&self) -> (u64, u64) {
        (self.major, self.minor)
    }

    pub fn at_least_minor(&self, major: u64, minor: u64) -> bool {
        self.minor_key() >= (major, minor)
    }
}

impl fmt::Display for CiliumVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)?;
        if let Some(pre) = &self.pre {
            write!(f, "-{pre}")?;
        }
        Ok(())
    }
}

impl Ord for CiliumVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        (self.major, self.minor, self.patch)
            .cmp(&(other.major, other.minor, other.patch))
            .then_with(|| cmp_pre(&self.pre, &other.pre))
    }
}
impl PartialOrd for CiliumVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// A Kubernetes version (`1.36.0`, `v1.37.0-rc.0`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct KubernetesVersion {
    pub major: u64,
    pub minor: u64,
    pub patch: u64,
    pub pre: Option<String>,
}

impl KubernetesVersion {
    pub const EXPECTED: &'static str = "a Kubernetes version [v]MAJOR.MINOR.PATCH[-PRERELEASE], e.g. \"1.36.0\" or \"v1.37.0-rc.0\"";

    pub fn parse(input: &str) -> Result<Self, VersionError> {
        let err = |reason: String| VersionError {
            what: "Kubernetes",
            input: input.to_string(),
            reason,
            expected: Self::EXPECTED,
        };
        let p = parse_generic(input, true, true).map_err(err)?;
        Ok(KubernetesVersion {
            major: p.major,
            minor: p.minor,
            patch: p.patch.unwrap_or(0),
            pre: p.pre,
        })
    }

    pub fn minor_key(&self) -> (u64, u64) {
        (self.major, self.minor)
    }
}

impl fmt::Display for KubernetesVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)?;
        if let Some(pre) = &self.pre {
            write!(f, "-{pre}")?;
        }
        Ok(())
    }
}

impl Ord for KubernetesVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        (self.major, self.minor, self.patch)
            .cmp(&(other.major, other.minor, other.patch))
            .then_with(|| cmp_pre(&self.pre, &other.pre))
    }
}
impl PartialOrd for KubernetesVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn talos_accepts_documented_forms() {
        for (s, minor, patch, pre) in [
            ("v1.13", 13, None, None),
            ("1.14.0", 14, Some(0), None),
            ("v1.14.0-rc.1", 14, Some(0), Some("rc.1")),
            ("1.13.9", 13, Some(9), None),
        ] {
            let v = TalosVersion::parse(s).unwrap();
            assert_eq!(v.major, 1);
            assert_eq!(v.minor, minor, "{s}");
            assert_eq!(v.patch, patch, "{s}");
            assert_eq!(v.pre.as_deref(), pre, "{s}");
        }
    }

    #[test]
    fn talos_rejects_with_expected_format() {
        for s in [
            "",
            "1",
            "v1",
            "1.x",
            "2.0",
            "v1.13.",
            "1.13-rc.1",
            " 1.13",
            "1.013",
            "v1.14.0-",
            "latest",
            "1.2.3.4",
            "1.13.0+build",
            "1.14.0-rc..1",
        ] {
            let e = TalosVersion::parse(s).expect_err(s);
            let msg = e.to_string();
            assert!(msg.contains("expected"), "{msg}");
            assert!(msg.contains("v1.13"), "{msg}");
        }
    }

    #[test]
    fn ordering_handles_prerelease() {
        let rc = TalosVersion::parse("v1.14.0-rc.1").unwrap();
        let ga = TalosVersion::parse("v1.14.0").unwrap();
        let beta = TalosVersion::parse("v1.14.0-beta.1").unwrap();
        assert!(rc < ga);
        assert!(beta < rc);
        assert!(TalosVersion::parse("1.13.9").unwrap() < rc);
        let pre = CiliumVersion::parse("1.21.0-pre.0").unwrap();
        assert!(pre < CiliumVersion::parse("1.21.0").unwrap());
        assert!(pre > CiliumVersion::parse("1.20.9").unwrap());
        assert!(CiliumVersion::parse("1.9.0").unwrap() < CiliumVersion::parse("1.10.0").unwrap());
    }

    #[test]
    fn cilium_and_kubernetes() {
        let c = CiliumVersion::parse("1.18.5").unwrap();
        assert_eq!((c.minor, c.patch), (18, 5));
        assert_eq!(c.to_string(), "1.18.5");
        assert!(CiliumVersion::parse("1.18").is_err());
        assert!(CiliumVersion::parse("2.0.0").is_err());
        let k = KubernetesVersion::parse("v1.37.0-rc.0").unwrap();
        assert_eq!((k.minor, k.pre.as_deref()), (37, Some("rc.0")));
        assert!(KubernetesVersion::parse("1.36").is_err());
    }

    #[test]
    fn display_roundtrip() {
        for s in ["v1.13", "v1.14.0-rc.1", "v1.13.9"] {
            assert_eq!(TalosVersion::parse(s).unwrap().to_string(), s);
        }
    }
}
