//! Gateway API CRDs for a Cilium version: which release and channel it needs, where the
//! upstream bundle lives, checks of a user-chosen version, and the CRD names found in a
//! bundle.
//!
//! The Cilium chart never ships these CRDs; every Cilium version needs them installed before
//! the operator starts (facts.md §7). Facts carry their version range and source here; the
//! per-minor tested version is [`crate::facts::CiliumMinorFacts::gateway_api`].

use std::cmp::Ordering;
use std::fmt;

use crate::facts;
use crate::finding::Severity;
use crate::version::CiliumVersion;

/// Upstream release downloads of kubernetes-sigs/gateway-api: every release since v0.5 has
/// `standard-install.yaml` and `experimental-install.yaml` assets.
/// Source: <https://github.com/kubernetes-sigs/gateway-api/releases> (e.g.
/// <https://github.com/kubernetes-sigs/gateway-api/releases/download/v1.5.0/standard-install.yaml>,
/// used in cilium/cilium#44920 and kubernetes-sigs/kubespray#13222).
pub const DEFAULT_BASE_URL: &str =
    "https://github.com/kubernetes-sigs/gateway-api/releases/download";

/// Name of the Talos inline manifest that carries the CRDs.
pub const INLINE_MANIFEST_NAME: &str = "gateway-api-crds";

/// The CRD of TLSRoute.
pub const TLSROUTE_CRD: &str = "tlsroutes.gateway.networking.k8s.io";

/// TLSRoute is in the standard channel (as `v1`; `v1alpha2` present but not served) from
/// Gateway API v1.5.0; before that only experimental-install.yaml has it.
/// Sources: <https://github.com/kubernetes-sigs/gateway-api/releases/tag/v1.5.0>,
/// <https://github.com/kubernetes-sigs/kubespray/issues/13222> (v1.5.1 standard: v1alpha2 served=false).
pub const TLSROUTE_STANDARD_SINCE: GatewayApiVersion = GatewayApiVersion::new(1, 5, 0);

/// A release channel of the Gateway API bundle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    Standard,
    Experimental,
}

impl Channel {
    pub fn parse(s: &str) -> Option<Channel> {
        match s {
            "standard" => Some(Channel::Standard),
            "experimental" => Some(Channel::Experimental),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Standard => "standard",
            Channel::Experimental => "experimental",
        }
    }

    /// The release asset of this channel.
    pub fn file_name(self) -> &'static str {
        match self {
            Channel::Standard => "standard-install.yaml",
            Channel::Experimental => "experimental-install.yaml",
        }
    }
}

/// A Gateway API release tag: `vMAJOR.MINOR.PATCH[-PRE]` (`1.2.0` is accepted and written
/// `v1.2.0`, the form of the release tags).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GatewayApiVersion {
    pub major: u64,
    pub minor: u64,
    pub patch: u64,
    pub pre: Option<String>,
}

impl GatewayApiVersion {
    pub const fn new(major: u64, minor: u64, patch: u64) -> GatewayApiVersion {
        GatewayApiVersion {
            major,
            minor,
            patch,
            pre: None,
        }
    }

    pub fn parse(input: &str) -> Result<GatewayApiVersion, String> {
        let bad = |why: &str| {
            format!("{input:?} is not a Gateway API release version like \"v1.3.0\": {why}")
        };
        let s = input.strip_prefix('v').unwrap_or(input);
        let (core, pre) = match s.split_once('-') {
            Some((c, p)) => {
                let ok = p.split('.').all(|id| {
                    !id.is_empty() && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
                });
                if !ok {
                    return Err(bad("the pre-release part is malformed"));
                }
                (c, Some(p.to_string()))
            }
            None => (s, None),
        };
        let parts: Vec<&str> = core.split('.').collect();
        if parts.len() != 3 {
            return Err(bad("it needs three numbers MAJOR.MINOR.PATCH"));
        }
        let mut n = [0u64; 3];
        for (i, p) in parts.iter().enumerate() {
            if p.is_empty()
                || !p.bytes().all(|b| b.is_ascii_digit())
                || (p.len() > 1 && p.starts_with('0'))
            {
                return Err(bad(&format!("{p:?} is not a number")));
            }
            n[i] = p.parse().map_err(|_| bad("a number is too large"))?;
        }
        Ok(GatewayApiVersion {
            major: n[0],
            minor: n[1],
            patch: n[2],
            pre,
        })
    }

    pub fn minor_key(&self) -> (u64, u64) {
        (self.major, self.minor)
    }
}

impl fmt::Display for GatewayApiVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "v{}.{}.{}", self.major, self.minor, self.patch)?;
        if let Some(p) = &self.pre {
            write!(f, "-{p}")?;
        }
        Ok(())
    }
}

impl Ord for GatewayApiVersion {
    fn cmp(&self, o: &Self) -> Ordering {
        (self.major, self.minor, self.patch)
            .cmp(&(o.major, o.minor, o.patch))
            .then_with(|| match (&self.pre, &o.pre) {
                (None, None) => Ordering::Equal,
                (None, Some(_)) => Ordering::Greater,
                (Some(_), None) => Ordering::Less,
                (Some(a), Some(b)) => a.cmp(b),
            })
    }
}

impl PartialOrd for GatewayApiVersion {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}

/// Whether Cilium needs the TLSRoute CRD.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TlsRoute {
    /// The operator does not start its Gateway controller without it.
    Required,
    /// Used when present.
    Optional,
}

/// What a Cilium version needs from Gateway API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GatewayApiNeed {
    /// The release Cilium was conformance-tested with (the default).
    pub version: GatewayApiVersion,
    /// The channel whose bundle carries everything Cilium needs (the default).
    pub channel: Channel,
    pub tlsroute: TlsRoute,
    /// Why, with the source.
    pub reason: &'static str,
    /// The Cilium minor is newer than the facts: the newest row was used.
    pub assumed_from_newest: bool,
}

impl GatewayApiNeed {
    pub fn tlsroute_required(&self) -> bool {
        self.tlsroute == TlsRoute::Required
    }
}

/// The oldest Cilium minor with recorded Gateway API facts.
pub const OLDEST_KNOWN_CILIUM: (u64, u64) = (1, 14);

// Per-minor reasons (facts.md §7, sources inline).
const WHY_1_14: &str = "Cilium 1.14 was tested with Gateway API v0.7 (kubernetes-sigs/gateway-api \
    conformance/reports/v0.7.1/cilium/v1.14.0-report.yaml); its operator required every experimental \
    resource to be present (cilium/cilium#32539), so the experimental bundle is used (1.14 specifically \
    is not verified)";
const WHY_1_15: &str = "Cilium 1.15 needs Gateway API v1.0.0 with the experimental TLSRoute CRD; standard-only \
    bundles break the operator (https://github.com/cilium/cilium/issues/32451, \
    https://github.com/cilium/cilium/issues/32539)";
const WHY_1_16: &str = "Cilium 1.16 needs Gateway API v1.1.0 and, in 1.16.0, the experimental TLSRoute CRD \
    (https://github.com/cilium/cilium/pull/34212 made it optional later; a 1.16 backport is not verified \
    and 1.16.5 is reported to still need it)";
const WHY_1_17_EARLY: &str = "Cilium 1.17 was tested with Gateway API v1.2 and TLSRoute is optional \
    (https://github.com/cilium/cilium/pull/34212)";
const WHY_1_17_BUG: &str = "Cilium 1.17.2 and later 1.17 patches wait forever for the Gateway controller \
    without the TLSRoute CRD (https://github.com/cilium/cilium/issues/38420, fixed by \
    https://github.com/cilium/cilium/pull/38874 in 2025-04; the first fixed 1.17 patch is not recorded), \
    so the experimental bundle is used";
const WHY_1_18: &str = "Cilium 1.18 was tested with Gateway API v1.3.0 and TLSRoute is optional \
    (https://github.com/kubernetes-sigs/gateway-api/pull/4018)";
const WHY_1_19: &str = "Cilium 1.19 was tested with Gateway API v1.4 and TLSRoute is optional \
    (kubernetes-sigs/gateway-api conformance/reports/v1.4.0/cilium)";
const WHY_1_20: &str = "Cilium 1.20 needs Gateway API v1.6 and treats TLSRoute as required; it is in the \
    standard channel since v1.5.0 (https://github.com/cilium/cilium/pull/45930, \
    https://github.com/cilium/cilium/pull/46827)";

/// What `cilium` needs from Gateway API, or `None` for a minor older than
/// [`OLDEST_KNOWN_CILIUM`] (no facts recorded).
///
/// | Cilium | version | TLSRoute | channel |
/// |---|---|---|---|
/// | 1.14 | v0.7.0 | required (UNVERIFIED for 1.14) | experimental |
/// | 1.15 | v1.0.0 | required | experimental |
/// | 1.16 | v1.1.0 | required | experimental |
/// | 1.17.0–1.17.1 | v1.2.0 | optional | standard |
/// | 1.17.2+ | v1.2.0 | required (bug #38420) | experimental |
/// | 1.18 | v1.3.0 | optional | standard |
/// | 1.19 | v1.4.0 | optional (v1.5+ crashes the operator) | standard |
/// | 1.20+ | v1.6.1 | required, in standard | standard |
///
/// Source: facts.md §7, with the per-row sources in the reasons; versions from
/// [`facts::CILIUM_MINORS`] (`gateway_api`).
pub fn gateway_api_for(cilium: &CiliumVersion) -> Option<GatewayApiNeed> {
    if cilium.minor_key() < OLDEST_KNOWN_CILIUM {
        return None;
    }
    let row = facts::cilium_minor(cilium)?;
    let version = GatewayApiVersion::parse(row.gateway_api).ok()?;
    let (tlsroute, channel, reason) = match row.minor {
        (1, 14) => (TlsRoute::Required, Channel::Experimental, WHY_1_14),
        (1, 15) => (TlsRoute::Required, Channel::Experimental, WHY_1_15),
        (1, 16) => (TlsRoute::Required, Channel::Experimental, WHY_1_16),
        (1, 17) if cilium.minor_key() == (1, 17) && cilium.patch < 2 => {
            (TlsRoute::Optional, Channel::Standard, WHY_1_17_EARLY)
        }
        (1, 17) => (TlsRoute::Required, Channel::Experimental, WHY_1_17_BUG),
        (1, 18) => (TlsRoute::Optional, Channel::Standard, WHY_1_18),
        (1, 19) => (TlsRoute::Optional, Channel::Standard, WHY_1_19),
        _ => (TlsRoute::Required, Channel::Standard, WHY_1_20),
    };
    Some(GatewayApiNeed {
        version,
        channel,
        tlsroute,
        reason,
        assumed_from_newest: facts::cilium_newer_than_known(cilium),
    })
}

/// The download URL of a release bundle under `base` (no trailing slash needed).
pub fn bundle_url(base: &str, version: &GatewayApiVersion, channel: Channel) -> String {
    format!(
        "{}/{version}/{}",
        base.trim_end_matches('/'),
        channel.file_name()
    )
}

/// A problem with the chosen version or channel, for the attribute `attribute`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GatewayApiIssue {
    pub severity: Severity,
    /// `cilium_version`, `gateway_api_version` or `channel`.
    pub attribute: &'static str,
    pub summary: String,
    pub detail: String,
}

fn issue(
    severity: Severity,
    attribute: &'static str,
    summary: &str,
    detail: String,
) -> GatewayApiIssue {
    GatewayApiIssue {
        severity,
        attribute,
        summary: summary.to_string(),
        detail,
    }
}

/// Checks a chosen Gateway API `version` and `channel` (either may be the default) against
/// what `cilium` needs. Errors are combinations that are known to break the Cilium operator;
/// warnings are combinations that were not tested.
pub fn check(
    cilium: &CiliumVersion,
    version: &GatewayApiVersion,
    channel: Channel,
) -> Vec<GatewayApiIssue> {
    let mut out = Vec::new();
    let Some(need) = gateway_api_for(cilium) else {
        out.push(issue(
            Severity::Warning,
            "cilium_version",
            "No Gateway API facts for this Cilium version",
            format!(
                "Cilium {cilium} is older than {}.{}, the oldest version with recorded Gateway API requirements; \
                 {version} ({}) is used as given without checks.",
                OLDEST_KNOWN_CILIUM.0,
                OLDEST_KNOWN_CILIUM.1,
                channel.as_str()
            ),
        ));
        return out;
    };
    if need.assumed_from_newest {
        out.push(issue(
            Severity::Warning,
            "cilium_version",
            "Cilium version newer than the known facts",
            format!(
                "Cilium {cilium} is newer than {}.{}; its Gateway API requirements are assumed to be those of {}.{}.",
                facts::NEWEST_KNOWN_CILIUM.0,
                facts::NEWEST_KNOWN_CILIUM.1,
                facts::NEWEST_KNOWN_CILIUM.0,
                facts::NEWEST_KNOWN_CILIUM.1
            ),
        ));
    }
    let tlsroute_in_bundle =
        channel == Channel::Experimental || *version >= TLSROUTE_STANDARD_SINCE;

    // Cilium 1.19 registers TLSRoute v1alpha2 indexers when a TLSRoute CRD exists; Gateway
    // API v1.5.0+ standard serves TLSRoute v1 only, and the operator exits with `no matches
    // for kind "TLSRoute" in version "gateway.networking.k8s.io/v1alpha2"`.
    // Sources: https://github.com/cilium/cilium/issues/44920 (1.19.1),
    // https://github.com/cilium/cilium/issues/45139 (1.19.2+ with v1.5.0/v1.5.1),
    // https://github.com/kubernetes-sigs/kubespray/issues/13222 (1.19.3 + v1.5.1).
    let minor = cilium.minor_key();
    if minor == (1, 19) && *version >= TLSROUTE_STANDARD_SINCE {
        let sev = if channel == Channel::Standard {
            Severity::Error
        } else {
            Severity::Warning
        };
        out.push(issue(
            sev,
            "gateway_api_version",
            "Gateway API version breaks the Cilium 1.19 operator",
            format!(
                "Cilium 1.19 with Gateway API {version} ({} channel): from v1.5.0 the TLSRoute CRD serves only v1 \
                 (v1alpha2 is not served) and the Cilium 1.19 operator crashes with `no matches for kind \"TLSRoute\" in \
                 version \"gateway.networking.k8s.io/v1alpha2\"` (https://github.com/cilium/cilium/issues/44920, \
                 https://github.com/kubernetes-sigs/kubespray/issues/13222). Use {} (the version Cilium 1.19 was tested \
                 with) or upgrade to Cilium 1.20.",
                channel.as_str(),
                need.version
            ),
        ));
    } else if minor >= (1, 20) && *version < TLSROUTE_STANDARD_SINCE {
        out.push(issue(
            Severity::Error,
            "gateway_api_version",
            "Gateway API version too old for Cilium 1.20",
            format!(
                "Cilium {cilium} treats TLSRoute as a required type and needs `v1` of TLSRoute, which Gateway API first \
                 serves in v1.5.0; {version} does not have it and the operator does not start its Gateway controller \
                 (https://github.com/cilium/cilium/pull/45930). Use {} (https://github.com/cilium/cilium/pull/46827).",
                need.version
            ),
        ));
    } else if need.tlsroute_required() && !tlsroute_in_bundle {
        out.push(issue(
            Severity::Error,
            "channel",
            "The standard channel lacks the TLSRoute CRD this Cilium version needs",
            format!(
                "{} Gateway API {version} has TLSRoute only in experimental-install.yaml. Use `channel = \"experimental\"` \
                 (the default for this Cilium version).",
                need.reason
            ),
        ));
    } else if *version != need.version {
        let newer_minor = version.minor_key() > need.version.minor_key();
        let mut detail = format!(
            "Cilium {}.{} was conformance-tested with Gateway API {}; {version} was not tested with it.",
            minor.0, minor.1, need.version
        );
        if newer_minor && *version >= TLSROUTE_STANDARD_SINCE && minor < (1, 20) {
            detail.push_str(
                " Gateway API v1.5.0+ serves TLSRoute only as v1, which crashes the Cilium 1.19 operator \
                 (https://github.com/cilium/cilium/issues/44920); older Cilium versions are likely affected the same way.",
            );
        }
        out.push(issue(
            Severity::Warning,
            "gateway_api_version",
            "Untested Gateway API version",
            detail,
        ));
    }
    out
}

/// `metadata.name` of every `CustomResourceDefinition` document in `manifest`, in order.
/// A line-based reader for the release bundles (block-style YAML as controller-gen writes
/// it): a document's top-level `kind:` and the `name:` directly under its top-level
/// `metadata:`.
pub fn crd_names(manifest: &str) -> Vec<String> {
    let mut out = Vec::new();
    for doc in split_documents(manifest) {
        let mut kind = None;
        let mut name = None;
        let mut in_metadata = false;
        for line in doc.lines() {
            if line.trim_start().starts_with('#') || line.trim().is_empty() {
                continue;
            }
            let top = !line.starts_with(' ');
            if top {
                in_metadata = line.trim_end() == "metadata:";
                if let Some(k) = line.strip_prefix("kind:") {
                    kind = Some(unquote(k));
                }
            } else if in_metadata
                && name.is_none()
                && let Some(rest) = line.strip_prefix("  name:")
            {
                name = Some(unquote(rest));
            }
        }
        if kind.as_deref() == Some("CustomResourceDefinition")
            && let Some(n) = name
        {
            out.push(n);
        }
    }
    out
}

fn unquote(s: &str) -> String {
    let s = s.split(" #").next().unwrap_or("").trim();
    s.trim_matches(|c| c == '"' || c == '\'').to_string()
}

fn split_documents(text: &str) -> Vec<String> {
    let mut docs = vec![String::new()];
    for line in text.lines() {
        if line == "---" || line.starts_with("--- ") {
            docs.push(String::new());
        } else if let Some(d) = docs.last_mut() {
            d.push_str(line);
            d.push('\n');
        }
    }
    docs.retain(|d| !d.trim().is_empty());
    docs
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(s: &str) -> CiliumVersion {
        CiliumVersion::parse(s).unwrap()
    }
    fn g(s: &str) -> GatewayApiVersion {
        GatewayApiVersion::parse(s).unwrap()
    }
    fn errors(i: &[GatewayApiIssue]) -> Vec<&'static str> {
        i.iter()
            .filter(|i| i.severity == Severity::Error)
            .map(|i| i.attribute)
            .collect()
    }
    fn warnings(i: &[GatewayApiIssue]) -> Vec<&'static str> {
        i.iter()
            .filter(|i| i.severity == Severity::Warning)
            .map(|i| i.attribute)
            .collect()
    }

    #[test]
    fn versions_parse_and_order() {
        assert_eq!(g("1.2.0").to_string(), "v1.2.0");
        assert_eq!(g("v1.5.0-rc.1").to_string(), "v1.5.0-rc.1");
        assert!(g("v1.5.0-rc.1") < g("v1.5.0"));
        assert!(g("v1.4.1") < g("v1.5.0"));
        for bad in ["", "v1.2", "1.2.x", "v01.2.0", "latest", "v1.2.0-"] {
            assert!(GatewayApiVersion::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn defaults_per_minor() {
        let t = |cv: &str| {
            let n = gateway_api_for(&c(cv)).unwrap();
            (n.version.to_string(), n.channel, n.tlsroute_required())
        };
        use Channel::*;
        assert_eq!(t("1.14.0"), ("v0.7.0".into(), Experimental, true));
        assert_eq!(t("1.15.6"), ("v1.0.0".into(), Experimental, true));
        assert_eq!(t("1.16.5"), ("v1.1.0".into(), Experimental, true));
        // the 1.17.2 bug boundary
        assert_eq!(t("1.17.1"), ("v1.2.0".into(), Standard, false));
        assert_eq!(t("1.17.2"), ("v1.2.0".into(), Experimental, true));
        assert_eq!(t("1.18.5"), ("v1.3.0".into(), Standard, false));
        assert_eq!(t("1.19.6"), ("v1.4.0".into(), Standard, false));
        assert_eq!(t("1.20.0"), ("v1.6.1".into(), Standard, true));
        assert!(gateway_api_for(&c("1.13.9")).is_none());
        let newer = gateway_api_for(&c("1.21.0")).unwrap();
        assert!(newer.assumed_from_newest);
        assert!(!gateway_api_for(&c("1.20.3")).unwrap().assumed_from_newest);
    }

    #[test]
    fn defaults_pass_their_own_checks() {
        for v in [
            "1.14.0", "1.15.0", "1.16.0", "1.17.0", "1.17.5", "1.18.0", "1.19.0", "1.20.0",
        ] {
            let n = gateway_api_for(&c(v)).unwrap();
            assert!(check(&c(v), &n.version, n.channel).is_empty(), "{v}");
        }
    }

    #[test]
    fn cilium_1_19_and_gateway_api_1_5_boundary() {
        let cv = c("1.19.3");
        assert!(errors(&check(&cv, &g("v1.4.1"), Channel::Standard)).is_empty());
        let i = check(&cv, &g("v1.5.0"), Channel::Standard);
        assert_eq!(errors(&i), ["gateway_api_version"]);
        assert!(
            i[0].detail.contains("no matches for kind"),
            "{}",
            i[0].detail
        );
        assert!(i[0].detail.contains("44920"));
        assert_eq!(
            errors(&check(&cv, &g("v1.5.0-rc.1"), Channel::Standard)),
            Vec::<&str>::new()
        );
        // experimental keeps v1alpha2 served: not known to crash, but warned
        let e = check(&cv, &g("v1.5.1"), Channel::Experimental);
        assert!(errors(&e).is_empty());
        assert_eq!(warnings(&e), ["gateway_api_version"]);
        // 1.20 is not affected by the 1.19 crash
        assert!(errors(&check(&c("1.20.0"), &g("v1.5.0"), Channel::Standard)).is_empty());
    }

    #[test]
    fn cilium_1_20_needs_tlsroute_v1() {
        let cv = c("1.20.1");
        assert_eq!(
            errors(&check(&cv, &g("v1.4.1"), Channel::Standard)),
            ["gateway_api_version"]
        );
        assert_eq!(
            errors(&check(&cv, &g("v1.4.1"), Channel::Experimental)),
            ["gateway_api_version"]
        );
        let ok = check(&cv, &g("v1.5.0"), Channel::Standard);
        assert!(errors(&ok).is_empty());
        assert_eq!(warnings(&ok), ["gateway_api_version"]);
    }

    #[test]
    fn standard_channel_without_tlsroute() {
        // 1.15 needs TLSRoute, only experimental has it before v1.5.0
        assert_eq!(
            errors(&check(&c("1.15.0"), &g("v1.0.0"), Channel::Standard)),
            ["channel"]
        );
        assert!(errors(&check(&c("1.15.0"), &g("v1.0.0"), Channel::Experimental)).is_empty());
        // 1.17.1 does not need it; 1.17.2 does
        assert!(check(&c("1.17.1"), &g("v1.2.0"), Channel::Standard).is_empty());
        assert_eq!(
            errors(&check(&c("1.17.2"), &g("v1.2.0"), Channel::Standard)),
            ["channel"]
        );
        // 1.18 optional
        assert!(check(&c("1.18.0"), &g("v1.3.0"), Channel::Standard).is_empty());
    }

    #[test]
    fn untested_versions_warn_and_mention_the_crash_when_newer() {
        let i = check(&c("1.18.2"), &g("v1.2.0"), Channel::Standard);
        assert_eq!(warnings(&i), ["gateway_api_version"]);
        assert!(!i[0].detail.contains("44920"));
        let i = check(&c("1.18.2"), &g("v1.5.0"), Channel::Standard);
        assert!(i[0].detail.contains("44920"), "{}", i[0].detail);
        let i = check(&c("1.13.0"), &g("v0.6.0"), Channel::Standard);
        assert_eq!(warnings(&i), ["cilium_version"]);
        let i = check(&c("1.21.0"), &g("v1.6.1"), Channel::Standard);
        assert_eq!(warnings(&i), ["cilium_version"]);
    }

    #[test]
    fn urls() {
        assert_eq!(
            bundle_url(DEFAULT_BASE_URL, &g("v1.3.0"), Channel::Standard),
            "https://github.com/kubernetes-sigs/gateway-api/releases/download/v1.3.0/standard-install.yaml"
        );
        assert_eq!(
            bundle_url("http://127.0.0.1:8/m/", &g("1.0.0"), Channel::Experimental),
            "http://127.0.0.1:8/m/v1.0.0/experimental-install.yaml"
        );
    }

    #[test]
    fn crd_names_of_a_bundle() {
        let m = "# Copyright\n---\n#\n# comment\n#\napiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  annotations:\n    gateway.networking.k8s.io/bundle-version: v1.3.0\n  name: gatewayclasses.gateway.networking.k8s.io\nspec:\n  names:\n    kind: GatewayClass\n    name: x\n---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: gateway-system\n---\napiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: \"tlsroutes.gateway.networking.k8s.io\"\nspec: {}\n";
        assert_eq!(
            crd_names(m),
            [
                "gatewayclasses.gateway.networking.k8s.io",
                "tlsroutes.gateway.networking.k8s.io"
            ]
        );
        assert!(crd_names("").is_empty());
    }
}
