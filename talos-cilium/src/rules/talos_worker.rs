//! `talos-controlplane-only-on-worker`: a worker configuration carries a
//! document kind Talos accepts on control planes only (`KubeProxyConfig`,
//! `KubeFlannelCNIConfig`, ...); Talos rejects the configuration.
//! Versions: Talos 1.14+ (the kinds exist from 1.14).
//! Source: <https://github.com/siderolabs/talos/blob/v1.14.0-rc.1/pkg/machinery/config/container/validate.go>
//! (L298-313, `ControlplaneOnlyConfig`), facts.md §2.2.
//!
//! `talos-inline-manifest-on-worker`: inline manifests (`cluster.inlineManifests`
//! or `KubeInlineManifestConfig`) in a worker configuration. Talos applies
//! manifests from control-plane nodes only, so they do nothing there, and a
//! Cilium manifest carries the generated CA key to every worker.
//! Versions: Talos 1.5–1.15.
//! Sources: <https://docs.siderolabs.com/kubernetes-guides/cni/deploying-cilium>
//! ("Only add the Cilium inline manifest to the control plane nodes"),
//! <https://docs.siderolabs.com/kubernetes-guides/advanced-guides/inlinemanifests>
//! (applied by control-plane nodes), facts.md §3.4 and §4.

use super::{Rule, RuleInput, config_path, finding};
use crate::finding::{Finding, Severity};
use serde_json::Value;

pub const CONTROLPLANE_ONLY: Rule = Rule {
    code: "talos-controlplane-only-on-worker",
    severity: Severity::Error,
    title: "Control-plane-only document kind in a worker configuration",
    check: check_controlplane_only,
};

pub const INLINE_MANIFEST: Rule = Rule {
    code: "talos-inline-manifest-on-worker",
    severity: Severity::Warning,
    title: "Inline manifests in a worker configuration",
    check: check_inline,
};

/// Kinds Talos rejects on workers (container/validate.go, v1.14.0-rc.1).
const CONTROLPLANE_ONLY_KINDS: &[&str] = &[
    "KubeFlannelCNIConfig",
    "KubeProxyConfig",
    "KubeAPIServerConfig",
    "KubeControllerManagerConfig",
    "KubeSchedulerConfig",
    "KubeCoreDNSConfig",
    "KubeEtcdEncryptionConfig",
    "KubeServiceAccountConfig",
    "KubeAggregatorCAConfig",
    "KubeAdmissionControlConfig",
    "KubeAuditPolicyConfig",
    "KubeAuthenticationConfig",
    "KubeAuthorizerConfig",
    "KubeTalosAPIAccessConfig",
];

fn check_controlplane_only(input: &RuleInput) -> Vec<Finding> {
    let Some(t) = input.topology else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (i, c) in t.machine_configs.iter().enumerate() {
        if !c.is_worker() {
            continue;
        }
        for kind in CONTROLPLANE_ONLY_KINDS {
            if c.present(kind).next().is_none() {
                continue;
            }
            out.push(finding(
                &CONTROLPLANE_ONLY,
                format!("{kind} in a worker configuration"),
                format!(
                    "Talos accepts {kind} on control-plane nodes only and rejects this worker configuration. Apply the \
                     patch to control planes only (cilium_talos_patch with machine_type = \"worker\" leaves it out)."
                ),
                config_path(i, kind),
            ));
        }
    }
    out
}

fn check_inline(input: &RuleInput) -> Vec<Finding> {
    let Some(t) = input.topology else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (i, c) in t.machine_configs.iter().enumerate() {
        if !c.is_worker() {
            continue;
        }
        let legacy = c
            .legacy("/cluster/inlineManifests")
            .and_then(Value::as_array)
            .is_some_and(|a| !a.is_empty());
        let at = if legacy {
            "cluster.inlineManifests"
        } else if c.present("KubeInlineManifestConfig").next().is_some() {
            "KubeInlineManifestConfig"
        } else {
            continue;
        };
        out.push(finding(
            &INLINE_MANIFEST,
            "Inline manifests in a worker configuration".into(),
            "Talos applies inline manifests from control-plane nodes only; on a worker they do nothing, and a Cilium \
             manifest puts its CA key on every worker. Add cilium_inline_manifest patches to control-plane \
             configurations only."
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
    use serde_json::json;

    fn run(rule: &Rule, c: crate::rules::MachineConfig) -> Vec<Finding> {
        let v = json!({});
        let t = configs(vec![c]);
        (rule.check)(&versioned(&v, None, None, Some(&t)))
    }

    #[test]
    fn kube_proxy_config_on_a_worker() {
        let Some(mut w) = patched_config("v1.14", MachineType::Worker) else {
            return;
        };
        assert!(run(&CONTROLPLANE_ONLY, w.clone()).is_empty());
        w.documents
            .push(json!({"apiVersion": "v1alpha1", "kind": "KubeProxyConfig", "enabled": false}));
        let f = run(&CONTROLPLANE_ONLY, w);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].path, "machine_configurations[0].KubeProxyConfig");
        // on a control plane it belongs
        let cp = patched_config("v1.14", MachineType::ControlPlane).unwrap();
        assert!(run(&CONTROLPLANE_ONLY, cp).is_empty());
    }

    #[test]
    fn inline_manifests_on_workers() {
        let legacy = config_yaml(
            "machine: {type: worker}\ncluster:\n  inlineManifests:\n    - {name: cilium, contents: x}\n",
        );
        assert_eq!(run(&INLINE_MANIFEST, legacy).len(), 1);
        let multi = config_yaml(
            "machine: {type: worker}\n---\napiVersion: v1alpha1\nkind: KubeInlineManifestConfig\nname: cilium\nmanifest: x\n",
        );
        assert_eq!(run(&INLINE_MANIFEST, multi).len(), 1);
        let cp = config_yaml(
            "machine: {type: controlplane}\n---\napiVersion: v1alpha1\nkind: KubeInlineManifestConfig\nname: cilium\nmanifest: x\n",
        );
        assert!(run(&INLINE_MANIFEST, cp).is_empty());
    }
}
