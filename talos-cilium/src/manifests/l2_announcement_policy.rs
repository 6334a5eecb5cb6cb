//! `CiliumL2AnnouncementPolicy`: which nodes answer ARP for which Service
//! addresses, on which interfaces.
//!
//! Versions: Cilium 1.14-1.20 serve it as `cilium.io/v2alpha1` only (facts in
//! [`crate::facts::cilium_l2_announcement_policy_api`]). Fields:
//! `serviceSelector`, `nodeSelector` (label selectors), `interfaces` (Go
//! regular expressions, OR-ed, matched *unanchored*; none = every interface),
//! `externalIPs`, `loadBalancerIPs` (both default false, so a policy that
//! sets neither announces nothing).
//! Sources: <https://github.com/cilium/cilium/blob/main/pkg/k8s/apis/cilium.io/client/crds/v2alpha1/ciliuml2announcementpolicies.yaml>,
//! <https://docs.cilium.io/en/stable/network/l2-announcements/> (facts.md §8).

use std::collections::BTreeMap;

use regex::Regex;

use super::{InputProblem, Step, check_name, cilium_api, document, selector};
use crate::facts;
use crate::yaml::Node;

/// The kind written.
pub const KIND: &str = "CiliumL2AnnouncementPolicy";

/// The inputs of [`l2_announcement_policy`].
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct L2AnnouncementPolicyInput {
    pub name: String,
    /// Cilium chart version, e.g. "1.16.5".
    pub cilium_version: String,
    /// Interface regexes as the user wrote them (anchored by
    /// [`anchor_interface_regex`]); None or empty: every interface.
    pub interfaces: Option<Vec<String>>,
    pub external_ips: bool,
    pub load_balancer_ips: bool,
    /// `spec.serviceSelector.matchLabels`; None or empty: every Service.
    pub service_selector: Option<BTreeMap<String, String>>,
    /// `spec.nodeSelector.matchLabels`; None or empty: every node.
    pub node_selector: Option<BTreeMap<String, String>>,
}

/// A policy manifest and the warnings about its inputs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct L2AnnouncementPolicy {
    /// One YAML document.
    pub manifest: String,
    pub api_version: &'static str,
    /// The regexes written to `spec.interfaces`, anchored.
    pub interfaces: Vec<String>,
    pub warnings: Vec<InputProblem>,
}

/// True when `p` ends with an end anchor (`$` or `\z`) that is not itself
/// escaped by a backslash.
fn ends_with_anchor(p: &str) -> bool {
    let rest = match p.strip_suffix("\\z").or_else(|| p.strip_suffix('$')) {
        Some(rest) => rest,
        None => return false,
    };
    rest.bytes().rev().take_while(|b| *b == b'\\').count() % 2 == 0
}

/// Anchors an interface regex so that it matches whole interface names:
/// Cilium matches `spec.interfaces` unanchored, so `eth0` would also select
/// `veth0abc` or `eth01`. `eth0` becomes `^eth0$`; a pattern with `|` is
/// grouped first (`eth0|ens18` becomes `^(?:eth0|ens18)$`). A pattern that
/// already starts with `^` (or `\A`) or ends with `$` (or `\z`) is taken as
/// anchored on purpose and kept as written.
pub fn anchor_interface_regex(p: &str) -> String {
    if p.starts_with('^') || p.starts_with("\\A") || ends_with_anchor(p) {
        p.to_string()
    } else if p.contains('|') {
        format!("^(?:{p})$")
    } else {
        format!("^{p}$")
    }
}

/// Builds the policy manifest for the Cilium version, or every problem found.
pub fn l2_announcement_policy(
    input: &L2AnnouncementPolicyInput,
) -> Result<L2AnnouncementPolicy, Vec<InputProblem>> {
    let mut problems = Vec::new();
    check_name(&input.name, &mut problems);
    let version = cilium_api(
        &input.cilium_version,
        KIND,
        facts::cilium_l2_announcement_policy_api,
        facts::L2_ANNOUNCEMENTS_SINCE,
        &mut problems,
    );
    let mut interfaces = Vec::new();
    for (i, p) in input.interfaces.iter().flatten().enumerate() {
        let path = vec![Step::Attr("interfaces"), Step::Index(i)];
        if p.is_empty() {
            problems.push(InputProblem::error(
                path,
                "Empty interface regex",
                "An empty regex names no interface. Remove it; leave `interfaces` unset to announce on every interface.",
            ));
            continue;
        }
        let anchored = anchor_interface_regex(p);
        // Go's regexp is RE2 syntax; the regex crate parses the same syntax
        // (it also accepts a few extensions Go does not, which interface
        // patterns do not need).
        match Regex::new(&anchored) {
            Ok(_) => interfaces.push(anchored),
            Err(e) => problems.push(InputProblem::error(
                path,
                "Invalid interface regex",
                format!("{p:?} is not a valid regular expression (RE2/Go syntax): {e}"),
            )),
        }
    }
    if !input.external_ips && !input.load_balancer_ips {
        problems.push(InputProblem::error(
            vec![Step::Attr("load_balancer_ips")],
            "The policy announces nothing",
            "Both `external_ips` and `load_balancer_ips` are false (Cilium's defaults), so no address would be \
             announced. Set `load_balancer_ips = true` for LB-IPAM addresses and/or `external_ips = true` for \
             Service externalIPs.",
        ));
    }
    let svc = selector(
        "service_selector",
        input.service_selector.as_ref(),
        &mut problems,
    );
    let node = selector("node_selector", input.node_selector.as_ref(), &mut problems);
    let api = match version {
        Some((_, api)) if !problems.iter().any(InputProblem::is_error) => api,
        _ => return Err(problems),
    };
    let mut spec = Vec::new();
    if let Some(s) = svc {
        spec.push(("serviceSelector".to_string(), s));
    }
    if let Some(n) = node {
        spec.push(("nodeSelector".to_string(), n));
    }
    if !interfaces.is_empty() {
        spec.push(("interfaces".to_string(), Node::strs(&interfaces)));
    }
    spec.push(("externalIPs".to_string(), Node::Bool(input.external_ips)));
    spec.push((
        "loadBalancerIPs".to_string(),
        Node::Bool(input.load_balancer_ips),
    ));
    Ok(L2AnnouncementPolicy {
        manifest: document(api, KIND, &input.name, spec),
        api_version: api,
        interfaces,
        warnings: problems,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(version: &str) -> L2AnnouncementPolicyInput {
        L2AnnouncementPolicyInput {
            name: "default".into(),
            cilium_version: version.into(),
            interfaces: Some(vec!["eth0".into()]),
            load_balancer_ips: true,
            ..Default::default()
        }
    }

    #[test]
    fn anchoring() {
        assert_eq!(anchor_interface_regex("eth0"), "^eth0$");
        assert_eq!(anchor_interface_regex("ens[0-9]+"), "^ens[0-9]+$");
        assert_eq!(anchor_interface_regex("eth0|ens18"), "^(?:eth0|ens18)$");
        assert_eq!(anchor_interface_regex("^eth0$"), "^eth0$");
        assert_eq!(anchor_interface_regex("^eth"), "^eth");
        assert_eq!(anchor_interface_regex("eth0$"), "eth0$");
        assert_eq!(anchor_interface_regex("\\Aeth0\\z"), "\\Aeth0\\z");
        // an escaped dollar is a literal, not an anchor
        assert_eq!(anchor_interface_regex("eth\\$"), "^eth\\$$");
        assert_eq!(anchor_interface_regex("eth\\\\$"), "eth\\\\$");
        // anchored patterns match whole names only
        let r = Regex::new(&anchor_interface_regex("eth0")).unwrap();
        assert!(r.is_match("eth0"));
        assert!(!r.is_match("veth0abc"));
        assert!(!r.is_match("eth01"));
        let r = Regex::new(&anchor_interface_regex("eth0|ens18")).unwrap();
        assert!(r.is_match("ens18"));
        assert!(!r.is_match("ens180"));
    }

    #[test]
    fn manifest() {
        let mut i = input("1.16.5");
        i.interfaces = Some(vec!["eth0".into(), "^ens\\d+$".into()]);
        i.service_selector = Some([("l2".to_string(), "yes".to_string())].into());
        i.node_selector = Some(
            [(
                "node-role.kubernetes.io/control-plane".to_string(),
                String::new(),
            )]
            .into(),
        );
        let p = l2_announcement_policy(&i).unwrap();
        assert_eq!(p.api_version, "cilium.io/v2alpha1");
        assert_eq!(
            p.manifest,
            "apiVersion: cilium.io/v2alpha1\nkind: CiliumL2AnnouncementPolicy\nmetadata:\n  name: default\nspec:\n  \
             serviceSelector:\n    matchLabels:\n      l2: \"yes\"\n  nodeSelector:\n    matchLabels:\n      \
             node-role.kubernetes.io/control-plane: \"\"\n  interfaces:\n    - \"^eth0$\"\n    - \"^ens\\\\d+$\"\n  \
             externalIPs: false\n  loadBalancerIPs: true\n"
        );
        let v: serde_yaml_ng::Value = serde_yaml_ng::from_str(&p.manifest).unwrap();
        assert_eq!(v["spec"]["interfaces"][1], "^ens\\d+$");
        assert_eq!(v["spec"]["serviceSelector"]["matchLabels"]["l2"], "yes");
        // no interfaces: the key is left out (every interface)
        i.interfaces = None;
        let p = l2_announcement_policy(&i).unwrap();
        assert!(!p.manifest.contains("interfaces"));
    }

    #[test]
    fn version_boundaries() {
        assert!(l2_announcement_policy(&input("1.14.0")).is_ok());
        assert_eq!(
            l2_announcement_policy(&input("1.20.0"))
                .unwrap()
                .api_version,
            "cilium.io/v2alpha1"
        );
        let e = l2_announcement_policy(&input("1.13.16")).unwrap_err();
        assert_eq!(e[0].path_string(), "cilium_version");
        assert!(e[0].detail.contains("from Cilium 1.14"), "{}", e[0].detail);
        let p = l2_announcement_policy(&input("1.21.0-pre.0")).unwrap();
        assert_eq!(p.warnings.len(), 1);
    }

    #[test]
    fn bad_inputs_point_at_the_element() {
        let mut i = input("1.16.5");
        i.name = "Bad_Name".into();
        i.interfaces = Some(vec!["eth0".into(), "ens(".into(), String::new()]);
        i.load_balancer_ips = false;
        i.node_selector = Some([("bad key!".to_string(), "v".to_string())].into());
        let e = l2_announcement_policy(&i).unwrap_err();
        let paths: Vec<String> = e.iter().map(InputProblem::path_string).collect();
        assert_eq!(
            paths,
            [
                "name",
                "interfaces[1]",
                "interfaces[2]",
                "load_balancer_ips",
                "node_selector.match_labels[\"bad key!\"]"
            ]
        );
        assert_eq!(e[1].summary, "Invalid interface regex");
    }
}
