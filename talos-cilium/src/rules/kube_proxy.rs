//! `kube-proxy-not-disabled`: `kubeProxyReplacement` is on, but a control-plane
//! configuration still deploys kube-proxy (legacy `cluster.proxy.disabled` not
//! true, or a `KubeProxyConfig` without `enabled: false`). kube-proxy's
//! iptables/nftables rules then run next to Cilium's eBPF service handling;
//! the Talos guide disables kube-proxy whenever `kubeProxyReplacement: true`.
//! Versions: Talos 1.5–1.15 (legacy `cluster.proxy.disabled` up to 1.13,
//! `KubeProxyConfig.enabled` from 1.14; `enabled` defaults to true).
//! Sources: <https://docs.siderolabs.com/kubernetes-guides/cni/deploying-cilium>,
//! <https://github.com/siderolabs/talos/blob/v1.13.9/hack/test/patches/cilium-kubeproxy.yaml>,
//! <https://github.com/siderolabs/talos/blob/v1.14.0-rc.1/pkg/machinery/config/types/k8s/proxy.go> (facts.md §0, §1, §2.2).
//!
//! `kube-proxy-disabled-without-replacement`: a control-plane configuration
//! disables kube-proxy while `kubeProxyReplacement` is off or unset (the chart
//! default is `"false"`): nothing implements ClusterIP/NodePort Services, and
//! the cluster's Services (CoreDNS included) stop working.
//! Versions: Talos 1.5–1.15, Cilium 1.14–1.20 (chart default "false").
//! Sources: <https://docs.siderolabs.com/kubernetes-guides/cni/deploying-cilium>
//! ("kubeProxyReplacement: false when keeping kube-proxy"), cilium/charts
//! values.yaml <https://github.com/cilium/charts> (facts.md §0, §6).

use super::{Rule, RuleInput, config_path, finding, kube_proxy_replacement_on};
use crate::finding::{Finding, Severity};
use crate::machine_config::KubeProxyState;

pub const NOT_DISABLED: Rule = Rule {
    code: "kube-proxy-not-disabled",
    severity: Severity::Warning,
    title: "kubeProxyReplacement is on but the machine configuration still deploys kube-proxy",
    check: check_not_disabled,
};

pub const DISABLED_WITHOUT_REPLACEMENT: Rule = Rule {
    code: "kube-proxy-disabled-without-replacement",
    severity: Severity::Error,
    title: "kube-proxy is disabled but kubeProxyReplacement is off: Services break",
    check: check_disabled,
};

fn check_not_disabled(input: &RuleInput) -> Vec<Finding> {
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
        let (summary, at, fix) = match c.kube_proxy() {
            KubeProxyState::EnabledLegacy => (
                "cluster.proxy.disabled is not true: Talos deploys kube-proxy",
                "cluster.proxy",
                "set cluster.proxy.disabled: true in the control-plane patch",
            ),
            KubeProxyState::EnabledDocument => (
                "KubeProxyConfig is enabled: Talos deploys kube-proxy",
                "KubeProxyConfig",
                "set `enabled: false` in the KubeProxyConfig document",
            ),
            // Disabled; deleted/missing documents are talos-kube-proxy-config-deleted.
            _ => continue,
        };
        out.push(finding(
            &NOT_DISABLED,
            summary.into(),
            format!(
                "kubeProxyReplacement is on, so Cilium handles Services itself and kube-proxy should not run next to \
                 it; {fix} (cilium_talos_patch does with kube_proxy_replacement = true), or set \
                 kubeProxyReplacement: false to keep kube-proxy."
            ),
            config_path(i, at),
        ));
    }
    out
}

fn check_disabled(input: &RuleInput) -> Vec<Finding> {
    let Some(t) = input.topology else {
        return Vec::new();
    };
    if kube_proxy_replacement_on(input.values) {
        return Vec::new();
    }
    let mut out = Vec::new();
    for (i, c) in t.machine_configs.iter().enumerate() {
        if !c.is_controlplane() || c.kube_proxy() != KubeProxyState::Disabled {
            continue;
        }
        let at = if c.present("KubeProxyConfig").next().is_some() {
            "KubeProxyConfig"
        } else {
            "cluster.proxy.disabled"
        };
        out.push(finding(
            &DISABLED_WITHOUT_REPLACEMENT,
            "kube-proxy is disabled but kubeProxyReplacement is off".into(),
            "Without kube-proxy and without Cilium's kube-proxy replacement nothing implements Services (CoreDNS \
             included). Set kubeProxyReplacement: true (with k8sServiceHost/k8sServicePort pointing at KubePrism), or \
             keep kube-proxy (cilium_talos_patch with kube_proxy_replacement = false)."
                .into(),
            config_path(i, at),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::patch::MachineType;
    use crate::rules::test_support::*;
    use serde_json::{Value, json};

    fn run(rule: &Rule, values: Value, c: crate::rules::MachineConfig) -> Vec<Finding> {
        let t = configs(vec![c]);
        (rule.check)(&versioned(&values, None, None, Some(&t)))
    }

    #[test]
    fn generated_configs_deploy_kube_proxy_until_patched() {
        let kpr = json!({"kubeProxyReplacement": true});
        for v in ["v1.5", "v1.13", "v1.14", "v1.15"] {
            let Some(base) = talos_config(v, "base-controlplane.yaml") else {
                return;
            };
            assert_eq!(
                run(&NOT_DISABLED, kpr.clone(), base.clone()).len(),
                1,
                "{v}"
            );
            assert!(run(&NOT_DISABLED, json!({}), base.clone()).is_empty());
            assert!(run(&DISABLED_WITHOUT_REPLACEMENT, json!({}), base).is_empty());
            let cp = patched_config(v, MachineType::ControlPlane).unwrap();
            assert!(
                run(&NOT_DISABLED, kpr.clone(), cp.clone()).is_empty(),
                "{v}"
            );
            assert!(run(&DISABLED_WITHOUT_REPLACEMENT, kpr.clone(), cp.clone()).is_empty());
            // the patch disables kube-proxy; without KPR Services break
            let f = run(
                &DISABLED_WITHOUT_REPLACEMENT,
                json!({"kubeProxyReplacement": "false"}),
                cp,
            );
            assert_eq!(f.len(), 1, "{v}");
            // workers never deploy kube-proxy
            let w = talos_config(v, "base-worker.yaml").unwrap();
            assert!(run(&NOT_DISABLED, kpr.clone(), w).is_empty());
        }
    }

    #[test]
    fn strict_counts_as_replacement() {
        let off =
            config_yaml("machine: {type: controlplane}\ncluster:\n  proxy:\n    disabled: true\n");
        assert!(
            run(
                &DISABLED_WITHOUT_REPLACEMENT,
                json!({"kubeProxyReplacement": "strict"}),
                off.clone()
            )
            .is_empty()
        );
        assert_eq!(
            run(
                &DISABLED_WITHOUT_REPLACEMENT,
                json!({"kubeProxyReplacement": "partial"}),
                off
            )
            .len(),
            1
        );
    }
}
