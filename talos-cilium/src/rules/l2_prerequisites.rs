//! `l2-announcements-kube-proxy-replacement`: `l2announcements.enabled`
//! without `kubeProxyReplacement` on. L2 announcements are a feature of the
//! kube-proxy replacement; without it Cilium does not answer ARP for service
//! addresses.
//! Versions: Cilium 1.14–1.20 (L2 announcements exist from 1.14).
//! Source: <https://github.com/cilium/cilium/blob/main/Documentation/network/l2-announcements.rst>
//! (prerequisites: `l2announcements.enabled=true` and `kubeProxyReplacement=true`), facts.md §8.
//!
//! `l2-xdp-acceleration`: `l2announcements.enabled` with XDP acceleration
//! (`loadBalancer.acceleration: native` or `best-effort`). The node drops the
//! ARP replies for announced service addresses with XDP on, so the addresses
//! are unreachable; disabling acceleration fixes it.
//! Versions: reported for Cilium 1.18.0-rc.0; the issue is closed but the
//! first fixed version is not recorded, so every version is flagged (warning).
//! Source: <https://github.com/cilium/cilium/issues/40396> ("L2 announcement does not work with XDP").

use super::{Rule, RuleInput, finding, is_true, kube_proxy_replacement_on, lookup};
use crate::finding::{Finding, Severity};
use serde_json::Value;

pub const KUBE_PROXY_REPLACEMENT: Rule = Rule {
    code: "l2-announcements-kube-proxy-replacement",
    severity: Severity::Error,
    title: "L2 announcements need kubeProxyReplacement",
    check: check_kpr,
};

pub const XDP: Rule = Rule {
    code: "l2-xdp-acceleration",
    severity: Severity::Warning,
    title: "XDP acceleration with L2 announcements drops the ARP replies",
    check: check_xdp,
};

fn enabled(input: &RuleInput) -> bool {
    is_true(lookup(input.values, &["l2announcements", "enabled"]))
}

fn check_kpr(input: &RuleInput) -> Vec<Finding> {
    if !enabled(input) || kube_proxy_replacement_on(input.values) {
        return Vec::new();
    }
    vec![finding(
        &KUBE_PROXY_REPLACEMENT,
        "l2announcements.enabled needs kubeProxyReplacement: true".into(),
        "L2 announcements are part of Cilium's kube-proxy replacement; without it no node answers ARP for the \
         LoadBalancer addresses. Set kubeProxyReplacement: true and disable kube-proxy in the Talos configuration \
         (cilium_talos_patch with kube_proxy_replacement = true)."
            .into(),
        "values.kubeProxyReplacement".into(),
    )]
}

fn check_xdp(input: &RuleInput) -> Vec<Finding> {
    if !enabled(input) {
        return Vec::new();
    }
    let path = ["loadBalancer", "acceleration"];
    let Some(Value::String(mode)) = lookup(input.values, &path) else {
        return Vec::new();
    };
    if !matches!(mode.as_str(), "native" | "best-effort") {
        return Vec::new();
    }
    vec![finding(
        &XDP,
        format!("loadBalancer.acceleration {mode:?} with L2 announcements"),
        "With XDP acceleration the node drops the ARP replies for L2-announced service addresses, so they are \
         unreachable (https://github.com/cilium/cilium/issues/40396). Set loadBalancer.acceleration: disabled, or \
         announce the addresses with BGP instead."
            .into(),
        "values.loadBalancer.acceleration".into(),
    )]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::test_support::input;
    use serde_json::json;

    #[test]
    fn l2_without_replacement() {
        let v = json!({"l2announcements": {"enabled": true}});
        assert_eq!(check_kpr(&input(&v)).len(), 1);
        let ok = json!({"l2announcements": {"enabled": true}, "kubeProxyReplacement": true});
        assert!(check_kpr(&input(&ok)).is_empty());
    }

    #[test]
    fn xdp_with_l2() {
        for mode in ["native", "best-effort"] {
            let v = json!({"l2announcements": {"enabled": true}, "loadBalancer": {"acceleration": mode}});
            assert_eq!(check_xdp(&input(&v)).len(), 1);
        }
        let off = json!({"l2announcements": {"enabled": true}, "loadBalancer": {"acceleration": "disabled"}});
        assert!(check_xdp(&input(&off)).is_empty());
        let no_l2 = json!({"loadBalancer": {"acceleration": "native"}});
        assert!(check_xdp(&input(&no_l2)).is_empty());
    }
}
