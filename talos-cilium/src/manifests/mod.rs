//! Kubernetes manifests of Cilium custom resources, built from typed inputs
//! and checked before they are written: `CiliumLoadBalancerIPPool`
//! ([`lb_ip_pool`]) and `CiliumL2AnnouncementPolicy`
//! ([`l2_announcement_policy`]).
//!
//! The apiVersion and fields follow the Cilium version targeted (facts in
//! [`crate::facts`]). Problems are data ([`InputProblem`]) with a path into
//! the inputs (`cidrs[1]`, `ranges[0].stop`, `service_selector.match_labels["k"]`),
//! so the provider can point at the attribute.

pub mod l2_announcement_policy;
pub mod lb_ip_pool;

use std::collections::BTreeMap;
use std::fmt;

use crate::facts;
use crate::finding::Severity;
use crate::version::CiliumVersion;
use crate::yaml::Node;

pub use l2_announcement_policy::{
    L2AnnouncementPolicy, L2AnnouncementPolicyInput, anchor_interface_regex, l2_announcement_policy,
};
pub use lb_ip_pool::{IpRange, LbIpPool, LbIpPoolInput, lb_ip_pool};

/// One step of a path into the inputs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// An input attribute (or a nested attribute).
    Attr(&'static str),
    /// An element of a list.
    Index(usize),
    /// A key of a map.
    Key(String),
}

/// A problem with the inputs of a manifest builder: an error, or a warning
/// that does not stop the manifest from being written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputProblem {
    pub severity: Severity,
    /// Where: the first step is always an input attribute.
    pub path: Vec<Step>,
    pub summary: String,
    /// What is wrong and how to fix it.
    pub detail: String,
}

impl InputProblem {
    pub fn error(path: Vec<Step>, summary: impl Into<String>, detail: impl Into<String>) -> Self {
        InputProblem {
            severity: Severity::Error,
            path,
            summary: summary.into(),
            detail: detail.into(),
        }
    }
    pub fn warning(path: Vec<Step>, summary: impl Into<String>, detail: impl Into<String>) -> Self {
        InputProblem {
            severity: Severity::Warning,
            path,
            summary: summary.into(),
            detail: detail.into(),
        }
    }
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
    /// The path as Terraform writes it: `cidrs[1]`, `ranges[0].stop`,
    /// `service_selector.match_labels["app"]`.
    pub fn path_string(&self) -> String {
        let mut out = String::new();
        for s in &self.path {
            match s {
                Step::Attr(a) => {
                    if !out.is_empty() {
                        out.push('.');
                    }
                    out.push_str(a);
                }
                Step::Index(i) => out.push_str(&format!("[{i}]")),
                Step::Key(k) => out.push_str(&format!("[{k:?}]")),
            }
        }
        out
    }
}

impl fmt::Display for InputProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {}: {}",
            self.path_string(),
            self.summary,
            self.detail
        )
    }
}

/// Checks an object name: Cilium's cluster-scoped custom resources take a
/// DNS subdomain name (lowercase alphanumerics, `-` and `.`, starting and
/// ending alphanumeric, at most 253 characters).
/// Source: <https://kubernetes.io/docs/concepts/overview/working-with-objects/names/#dns-subdomain-names>
pub(crate) fn check_name(name: &str, problems: &mut Vec<InputProblem>) {
    let path = vec![Step::Attr("name")];
    if name.is_empty() {
        problems.push(InputProblem::error(
            path,
            "Empty name",
            "The object needs a name: lowercase letters, digits, '-' and '.', e.g. \"default-pool\".",
        ));
        return;
    }
    if let Err(why) = dns_subdomain(name) {
        problems.push(InputProblem::error(
            path,
            "Invalid name",
            format!(
                "{name:?} is not a Kubernetes object name: {why}. Use lowercase letters, digits, '-' and '.', \
                 starting and ending with a letter or digit, at most 253 characters."
            ),
        ));
    }
}

fn dns_label_ok(l: &str) -> bool {
    !l.is_empty()
        && l.len() <= 63
        && l.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !l.starts_with('-')
        && !l.ends_with('-')
}

fn dns_subdomain(s: &str) -> Result<(), String> {
    if s.len() > 253 {
        return Err(format!("it is {} characters long (at most 253)", s.len()));
    }
    if let Some(c) = s
        .chars()
        .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-' || *c == '.'))
    {
        return Err(format!("{c:?} is not allowed"));
    }
    if !s.split('.').all(dns_label_ok) {
        return Err("each dot-separated part must start and end with a letter or digit".into());
    }
    Ok(())
}

/// Label names and values: at most 63 characters, alphanumerics with `-`, `_`
/// and `.` inside, starting and ending alphanumeric (values may be empty);
/// keys may have a DNS subdomain prefix and a `/`.
/// Source: <https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#syntax-and-character-set>
fn label_name_ok(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 63
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
        && s.as_bytes()[0].is_ascii_alphanumeric()
        && s.as_bytes()[s.len() - 1].is_ascii_alphanumeric()
}

fn label_key_error(k: &str) -> Option<String> {
    let (prefix, name) = match k.split_once('/') {
        Some((p, n)) => (Some(p), n),
        None => (None, k),
    };
    if let Some(p) = prefix
        && let Err(why) = dns_subdomain(p)
    {
        return Some(format!("the prefix {p:?} is not a DNS subdomain ({why})"));
    }
    if !label_name_ok(name) {
        return Some(format!(
            "the name part {name:?} must be 1-63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit"
        ));
    }
    None
}

/// A `matchLabels` label selector after checking its keys and values; None
/// when there are no labels (no selector: everything is selected).
pub(crate) fn selector(
    attr: &'static str,
    labels: Option<&BTreeMap<String, String>>,
    problems: &mut Vec<InputProblem>,
) -> Option<Node> {
    let labels = labels?;
    for (k, v) in labels {
        let path = vec![
            Step::Attr(attr),
            Step::Attr("match_labels"),
            Step::Key(k.clone()),
        ];
        if let Some(why) = label_key_error(k) {
            problems.push(InputProblem::error(
                path.clone(),
                "Invalid label key",
                format!("{k:?} is not a Kubernetes label key: {why}."),
            ));
        }
        if !v.is_empty() && !label_name_ok(v) {
            problems.push(InputProblem::error(
                path,
                "Invalid label value",
                format!(
                    "{v:?} (label {k:?}) is not a Kubernetes label value: at most 63 letters, digits, '-', '_' or '.', \
                     starting and ending with a letter or digit (or empty)."
                ),
            ));
        }
    }
    if labels.is_empty() {
        return None;
    }
    Some(Node::map([(
        "matchLabels",
        Node::Map(
            labels
                .iter()
                .map(|(k, v)| (k.clone(), Node::str(v)))
                .collect(),
        ),
    )]))
}

/// Parses the Cilium version and finds the apiVersion serving `kind`, with
/// problems at `cilium_version` when it has no such CRD, and a warning when
/// the version is newer than the facts were checked against.
pub(crate) fn cilium_api(
    version: &str,
    kind: &str,
    api_of: fn(&CiliumVersion) -> Option<&'static str>,
    since: (u64, u64),
    problems: &mut Vec<InputProblem>,
) -> Option<(CiliumVersion, &'static str)> {
    let path = vec![Step::Attr("cilium_version")];
    let v = match CiliumVersion::parse(version) {
        Ok(v) => v,
        Err(e) => {
            problems.push(InputProblem::error(
                path,
                "Invalid Cilium version",
                e.to_string(),
            ));
            return None;
        }
    };
    let Some(api) = api_of(&v) else {
        problems.push(InputProblem::error(
            path,
            format!("Cilium {v} has no {kind}"),
            format!(
                "{kind} exists from Cilium {}.{} on; Cilium {v} does not serve it. Target Cilium {}.{} or newer.",
                since.0, since.1, since.0, since.1
            ),
        ));
        return None;
    };
    if facts::cilium_newer_than_known(&v) {
        let (a, b) = facts::NEWEST_KNOWN_CILIUM;
        problems.push(InputProblem::warning(
            path,
            format!("Cilium {v} is newer than the facts of this provider"),
            format!(
                "The {kind} apiVersion and fields were checked up to Cilium {a}.{b}; {api} is written assuming \
                 nothing changed since. Check the CRD of Cilium {v} if applying fails."
            ),
        ));
    }
    Some((v, api))
}

/// `apiVersion`, `kind`, `metadata.name`, `spec` as one YAML document.
pub(crate) fn document(api: &str, kind: &str, name: &str, spec: Vec<(String, Node)>) -> String {
    crate::yaml::to_string(&Node::map([
        ("apiVersion", Node::str(api)),
        ("kind", Node::str(kind)),
        ("metadata", Node::map([("name", Node::str(name))])),
        ("spec", Node::Map(spec)),
    ]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        for ok in ["a", "default-pool", "pool.v2", "0abc"] {
            assert!(dns_subdomain(ok).is_ok(), "{ok}");
        }
        for bad in ["Pool", "-a", "a-", "a..b", "a_b", "a b", &"a".repeat(254)] {
            assert!(dns_subdomain(bad).is_err(), "{bad}");
        }
        let mut p = Vec::new();
        check_name("", &mut p);
        assert_eq!(p[0].summary, "Empty name");
        assert_eq!(p[0].path_string(), "name");
    }

    #[test]
    fn label_keys_and_values() {
        assert_eq!(label_key_error("app"), None);
        assert_eq!(label_key_error("io.kubernetes.service.namespace"), None);
        assert_eq!(label_key_error("example.com/tier_1"), None);
        assert!(label_key_error("").is_some());
        assert!(label_key_error("Example.com/x").is_some());
        assert!(label_key_error("a/").is_some());
        assert!(label_key_error("-x").is_some());
        let mut p = Vec::new();
        let labels: BTreeMap<String, String> =
            [("app".to_string(), "bad value".to_string())].into();
        selector("service_selector", Some(&labels), &mut p);
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].path_string(), "service_selector.match_labels[\"app\"]");
        assert!(selector("service_selector", Some(&BTreeMap::new()), &mut p).is_none());
    }
}
