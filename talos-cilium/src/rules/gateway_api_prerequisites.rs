//! `gateway-api-kube-proxy-replacement`: `gatewayAPI.enabled` with
//! `kubeProxyReplacement` off. Cilium's Gateway API needs the kube-proxy
//! replacement (1.15/1.16 also accepted `nodePort.enabled: true` instead);
//! without it the Gateway controller does not serve traffic, and the chart's
//! validation fails the render for `disabled` or an unset value.
//! Versions: Cilium 1.14–1.20 (`nodePort.enabled` alternative in 1.15–1.16).
//! Sources: <https://docs.cilium.io/en/stable/network/servicemesh/gateway-api/gateway-api/>
//! (Prerequisites: "Cilium must be configured with kubeProxyReplacement=true"),
//! cilium/charts templates/validate.yaml (<https://github.com/cilium/charts>, facts.md §6.1, §7).
//!
//! `gateway-api-l7-proxy`: `gatewayAPI.enabled` with `l7Proxy: false`. Gateway
//! API runs through the L7 proxy (Envoy); the chart's validation requires it.
//! Versions: Cilium 1.14–1.20.
//! Sources: the same Prerequisites ("L7 proxy enabled"), cilium/charts 1.20.0
//! templates/validate.yaml L112-134 (facts.md §6.1).

use super::{Rule, RuleInput, finding, is_false, is_true, kube_proxy_replacement_on, lookup};
use crate::finding::{Finding, Severity};

pub const KUBE_PROXY_REPLACEMENT: Rule = Rule {
    code: "gateway-api-kube-proxy-replacement",
    severity: Severity::Error,
    title: "Gateway API needs kubeProxyReplacement",
    check: check_kpr,
};

pub const L7_PROXY: Rule = Rule {
    code: "gateway-api-l7-proxy",
    severity: Severity::Error,
    title: "Gateway API needs the L7 proxy (l7Proxy: false)",
    check: check_l7,
};

fn enabled(input: &RuleInput) -> bool {
    is_true(lookup(input.values, &["gatewayAPI", "enabled"]))
}

fn check_kpr(input: &RuleInput) -> Vec<Finding> {
    if !enabled(input) || kube_proxy_replacement_on(input.values) {
        return Vec::new();
    }
    // 1.15 and 1.16 also accept NodePort support without the full replacement.
    let node_port_alternative = input
        .cilium_version
        .is_some_and(|v| matches!(v.minor_key(), (1, 15) | (1, 16)))
        && is_true(lookup(input.values, &["nodePort", "enabled"]));
    if node_port_alternative {
        return Vec::new();
    }
    vec![finding(
        &KUBE_PROXY_REPLACEMENT,
        "gatewayAPI.enabled needs kubeProxyReplacement: true".into(),
        "Cilium's Gateway API implementation requires the kube-proxy replacement (a documented prerequisite; \
         some charts also refuse to render without it). Set kubeProxyReplacement: true and disable kube-proxy in the Talos configuration \
         (cilium_talos_patch with kube_proxy_replacement = true)."
            .into(),
        "values.kubeProxyReplacement".into(),
    )]
}

fn check_l7(input: &RuleInput) -> Vec<Finding> {
    if !enabled(input) || !is_false(lookup(input.values, &["l7Proxy"])) {
        return Vec::new();
    }
    vec![finding(
        &L7_PROXY,
        "gatewayAPI.enabled with l7Proxy: false".into(),
        "Gateway API traffic goes through Cilium's L7 proxy (Envoy); the chart's validation (1.20) refuses to render \
         Gateway API without it. Remove l7Proxy: false (the default is true)."
            .into(),
        "values.l7Proxy".into(),
    )]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::test_support::{input, versioned};
    use crate::version::CiliumVersion;
    use serde_json::json;

    #[test]
    fn kube_proxy_replacement_off() {
        let v = json!({"gatewayAPI": {"enabled": true}, "kubeProxyReplacement": false});
        assert_eq!(check_kpr(&input(&v)).len(), 1);
        let ok = json!({"gatewayAPI": {"enabled": true}, "kubeProxyReplacement": "true"});
        assert!(check_kpr(&input(&ok)).is_empty());
        let np = json!({"gatewayAPI": {"enabled": true}, "nodePort": {"enabled": true}});
        let c116 = CiliumVersion::parse("1.16.5").unwrap();
        let c118 = CiliumVersion::parse("1.18.5").unwrap();
        assert!(check_kpr(&versioned(&np, Some(&c116), None, None)).is_empty());
        assert_eq!(check_kpr(&versioned(&np, Some(&c118), None, None)).len(), 1);
        assert!(check_kpr(&input(&json!({"kubeProxyReplacement": false}))).is_empty());
    }

    #[test]
    fn l7_proxy_off() {
        let v = json!({"gatewayAPI": {"enabled": true}, "kubeProxyReplacement": true, "l7Proxy": false});
        assert_eq!(check_l7(&input(&v)).len(), 1);
        let ok = json!({"gatewayAPI": {"enabled": true}, "kubeProxyReplacement": true});
        assert!(check_l7(&input(&ok)).is_empty());
    }
}
