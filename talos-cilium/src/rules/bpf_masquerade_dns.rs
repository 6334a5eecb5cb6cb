//! `bpf-masquerade-forward-kube-dns`: Cilium `bpf.masquerade: true` together
//! with Talos' `forwardKubeDNSToHost` (on by default in configs generated with
//! contract 1.8+) breaks CoreDNS; the Talos guide's fix is
//! `forwardKubeDNSToHost: false`.
//! Versions: Talos 1.8+ generated configs (contract.go HostDNSForwardKubeDNSToHost);
//! the setting lives in `machine.features.hostDNS` up to 1.13 and in the
//! `ResolverConfig` document (`hostDNS.forwardKubeDNSToHost`) in 1.14+ configs.
//! Sources: <https://github.com/siderolabs/talos/blob/v1.8.0/pkg/machinery/config/contract.go>;
//! <https://github.com/siderolabs/talos/pull/9200>;
//! <https://docs.siderolabs.com/kubernetes-guides/cni/deploying-cilium> (Known issues).

use super::{Rule, RuleInput, finding, lookup, path_of};
use crate::facts;
use crate::finding::{Finding, Severity};
use serde_json::Value;

pub const RULE: Rule = Rule {
    code: "bpf-masquerade-forward-kube-dns",
    severity: Severity::Warning,
    title: "bpf.masquerade with Talos' forwardKubeDNSToHost breaks CoreDNS",
    check,
};

fn check(input: &RuleInput) -> Vec<Finding> {
    let Some(tv) = input.talos_version else {
        return Vec::new();
    };
    if !facts::talos_forward_kube_dns_default_on(tv) {
        return Vec::new();
    }
    let path = ["bpf", "masquerade"];
    let on = matches!(lookup(input.values, &path), Some(Value::Bool(true)))
        || lookup(input.values, &path).and_then(Value::as_str) == Some("true");
    if !on {
        return Vec::new();
    }
    let where_ = if facts::talos_multidoc_kube_config(tv) {
        "the ResolverConfig document (hostDNS.forwardKubeDNSToHost: false)"
    } else {
        "machine.features.hostDNS.forwardKubeDNSToHost: false"
    };
    vec![finding(
        &RULE,
        "bpf.masquerade is on while Talos forwards cluster DNS to the host".into(),
        format!(
            "Talos {tv} configs enable forwardKubeDNSToHost by default, and with Cilium's bpf.masquerade CoreDNS does not work correctly. Set {where_} in the Talos config, or turn bpf.masquerade off."
        ),
        path_of(&path),
    )]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::version::TalosVersion;
    use serde_json::json;

    fn run(v: &Value, talos: &str) -> Vec<Finding> {
        let tv = TalosVersion::parse(talos).unwrap();
        check(&RuleInput {
            talos_version: Some(&tv),
            cilium_version: None,
            kubeprism: None,
            topology: None,
            values: v,
        })
    }

    #[test]
    fn by_version_and_value() {
        let on = json!({"bpf": {"masquerade": true}});
        assert!(run(&on, "v1.7").is_empty());
        assert!(
            run(&on, "v1.8")
                .first()
                .unwrap()
                .detail
                .contains("machine.features.hostDNS")
        );
        assert!(
            run(&on, "v1.14")
                .first()
                .unwrap()
                .detail
                .contains("ResolverConfig")
        );
        assert!(run(&json!({"bpf": {"masquerade": false}}), "v1.13").is_empty());
        assert!(run(&json!({}), "v1.13").is_empty());
    }
}
