//! `talos-kube-proxy-config-deleted`: kube-proxy replacement is on and a
//! control-plane configuration of the Talos 1.14 format removes the
//! `KubeProxyConfig` document (`$patch: delete`, or the document is missing)
//! instead of setting `enabled: false`. Without the document Talos falls back
//! to the legacy default, which deploys kube-proxy, so kube-proxy runs next to
//! Cilium's replacement.
//! Versions: Talos 1.14+ (multi-document format; `$patch: delete` exists since
//! 1.8, and from 1.14 a delete of a missing document is silently skipped).
//! Sources: <https://github.com/siderolabs/talos/blob/v1.14.0-rc.1/pkg/machinery/config/types/k8s/proxy.go>
//! (L199-206), <https://github.com/siderolabs/talos/blob/v1.14.0-rc.1/pkg/machinery/config/types/v1alpha1/v1alpha1_clusterconfig.go>
//! (L47, legacy default), facts.md §2.2 and §11 #1.

use super::{Rule, RuleInput, config_path, finding, kube_proxy_replacement_on};
use crate::finding::{Finding, Severity};
use crate::machine_config::KubeProxyState;

pub const RULE: Rule = Rule {
    code: "talos-kube-proxy-config-deleted",
    severity: Severity::Warning,
    title: "KubeProxyConfig deleted or missing: kube-proxy still runs",
    check,
};

fn check(input: &RuleInput) -> Vec<Finding> {
    let Some(t) = input.topology else {
        return Vec::new();
    };
    if !kube_proxy_replacement_on(input.values) {
        return Vec::new();
    }
    let mut out = Vec::new();
    for (i, c) in t.machine_configs.iter().enumerate() {
        if !c.is_controlplane() {
            continue;
        }
        let summary = match c.kube_proxy() {
            KubeProxyState::DeleteDocument => {
                "KubeProxyConfig `$patch: delete` does not disable kube-proxy"
            }
            KubeProxyState::MissingDocument => {
                "No KubeProxyConfig document: Talos still deploys kube-proxy"
            }
            _ => continue,
        };
        out.push(finding(
            &RULE,
            summary.into(),
            "kubeProxyReplacement is on, but without a KubeProxyConfig document Talos falls back to the legacy default \
             and deploys kube-proxy. Keep the document and set `enabled: false` (apiVersion v1alpha1, kind \
             KubeProxyConfig), as cilium_talos_patch does."
                .into(),
            config_path(i, "KubeProxyConfig"),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::patch::MachineType;
    use crate::rules::test_support::*;
    use serde_json::json;

    fn run(values: serde_json::Value, c: crate::rules::MachineConfig) -> Vec<Finding> {
        let t = configs(vec![c]);
        check(&versioned(&values, None, None, Some(&t)))
    }

    #[test]
    fn deleting_kube_proxy_config_is_flagged() {
        let Some(base) = talos_config("v1.14", "base-controlplane.yaml") else {
            return;
        };
        let kpr = json!({"kubeProxyReplacement": true});
        let mut deleted = base.clone();
        deleted.documents.retain(|d| d["kind"] != "KubeProxyConfig");
        assert_eq!(run(kpr.clone(), deleted.clone()).len(), 1);
        // KPR off: kube-proxy is wanted
        assert!(run(json!({}), deleted.clone()).is_empty());
        // the delete selector left in the configuration (Talos ≤ 1.13 appends it)
        let mut selector = deleted;
        selector
            .documents
            .push(json!({"apiVersion": "v1alpha1", "kind": "KubeProxyConfig", "$patch": "delete"}));
        let f = run(kpr.clone(), selector);
        assert!(f[0].summary.contains("$patch: delete"), "{f:#?}");
        let good = patched_config("v1.14", MachineType::ControlPlane).unwrap();
        assert!(run(kpr.clone(), good).is_empty());
        // an enabled document is kube-proxy-not-disabled's business
        assert!(run(kpr, base).is_empty());
    }
}
