//! `talos-config-format-mixed`: one configuration sets an area both in the
//! legacy v1alpha1 fields and in the Talos 1.14 multi-document kinds:
//! `cluster.network` with `KubeNetworkConfig` or `KubeFlannelCNIConfig`,
//! `cluster.proxy` with `KubeProxyConfig`, `machine.features.kubePrism` with
//! `KubePrismConfig`. Talos' `V1Alpha1ConflictValidate` rejects the
//! configuration ("cluster network config is already set in the v1alpha1
//! config ... Please remove it"). Typical cause: legacy patches applied to a
//! configuration generated with the 1.14 contract (or the reverse).
//! Versions: Talos 1.14+ (the kinds do not exist before).
//! Sources: <https://github.com/siderolabs/talos/blob/v1.14.0-rc.1/pkg/machinery/config/types/k8s/network.go>,
//! flannel.go, proxy.go, kubeprism.go in the same directory, and
//! container/validate.go (facts.md §2.2).
//!
//! `talos-inline-manifests-mixed`: `cluster.inlineManifests` and
//! `KubeInlineManifestConfig` in one configuration. Talos accepts both and
//! applies the concatenation, so a manifest delivered both ways (e.g. an old
//! legacy Cilium patch next to a new one) is applied twice, and the legacy
//! field is deprecated from 1.14.
//! Versions: Talos 1.14+.
//! Source: <https://github.com/siderolabs/talos/blob/v1.14.0-rc.1/pkg/machinery/config/container/container.go>
//! (`K8sInlineManifestConfigs` concatenates both), facts.md §2.2.

use super::{Rule, RuleInput, config_path, finding};
use crate::finding::{Finding, Severity};
use serde_json::Value;

pub const MIXED: Rule = Rule {
    code: "talos-config-format-mixed",
    severity: Severity::Error,
    title: "Legacy cluster fields and Talos 1.14 Kube*Config documents set the same area",
    check: check_mixed,
};

pub const INLINE_MANIFESTS_MIXED: Rule = Rule {
    code: "talos-inline-manifests-mixed",
    severity: Severity::Warning,
    title: "cluster.inlineManifests and KubeInlineManifestConfig in one configuration",
    check: check_inline,
};

/// (legacy pointer, its display path, conflicting kinds)
const CONFLICTS: &[(&str, &str, &[&str])] = &[
    (
        "/cluster/network",
        "cluster.network",
        &["KubeNetworkConfig", "KubeFlannelCNIConfig"],
    ),
    ("/cluster/proxy", "cluster.proxy", &["KubeProxyConfig"]),
    (
        "/machine/features/kubePrism",
        "machine.features.kubePrism",
        &["KubePrismConfig"],
    ),
];

fn check_mixed(input: &RuleInput) -> Vec<Finding> {
    let Some(t) = input.topology else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (i, c) in t.machine_configs.iter().enumerate() {
        for (pointer, legacy, kinds) in CONFLICTS {
            if c.legacy(pointer).is_none() {
                continue;
            }
            for kind in *kinds {
                if c.present(kind).next().is_none() {
                    continue;
                }
                out.push(finding(
                    &MIXED,
                    format!("{legacy} and {kind} in the same configuration"),
                    format!(
                        "Talos rejects a configuration that sets {legacy} (legacy v1alpha1 format) and has a {kind} \
                         document (Talos 1.14 multi-document format). Use one format: the one the configuration was \
                         generated with. cilium_talos_patch picks it from talos_version; set config_format = \"legacy\" \
                         for clusters created before Talos 1.14."
                    ),
                    config_path(i, legacy),
                ));
            }
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
        let legacy = c
            .legacy("/cluster/inlineManifests")
            .and_then(Value::as_array)
            .is_some_and(|a| !a.is_empty());
        if legacy && c.present("KubeInlineManifestConfig").next().is_some() {
            out.push(finding(
                &INLINE_MANIFESTS_MIXED,
                "cluster.inlineManifests and KubeInlineManifestConfig in the same configuration".into(),
                "Talos applies the manifests of both (the legacy list is deprecated from Talos 1.14), so a manifest \
                 delivered both ways is applied twice. Keep one form: KubeInlineManifestConfig for configurations \
                 generated with Talos 1.14+, cluster.inlineManifests before."
                    .into(),
                config_path(i, "cluster.inlineManifests"),
            ));
        }
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
    fn legacy_patch_on_a_multidoc_config_conflicts() {
        let Some(base) = talos_config("v1.14", "base-controlplane.yaml") else {
            return;
        };
        assert!(run(&MIXED, base.clone()).is_empty());
        // the legacy Cilium patch applied to a 1.14-contract configuration
        let mut mixed = base;
        mixed.documents[0]["cluster"]["network"] = json!({"cni": {"name": "none"}});
        mixed.documents[0]["cluster"]["proxy"] = json!({"disabled": true});
        let f = run(&MIXED, mixed);
        let paths: Vec<&str> = f.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(
            paths,
            vec![
                "machine_configurations[0].cluster.network",
                "machine_configurations[0].cluster.network",
                "machine_configurations[0].cluster.proxy"
            ],
            "{f:#?}"
        );
        for v in ["v1.13", "v1.14"] {
            let good = patched_config(v, MachineType::ControlPlane).unwrap();
            assert!(run(&MIXED, good).is_empty(), "{v}");
        }
    }

    #[test]
    fn inline_manifests_in_both_forms() {
        let both = config_yaml(
            "machine: {type: controlplane}\ncluster:\n  inlineManifests:\n    - {name: cilium, contents: x}\n---\napiVersion: v1alpha1\nkind: KubeInlineManifestConfig\nname: cilium2\nmanifest: x\n",
        );
        assert_eq!(run(&INLINE_MANIFESTS_MIXED, both).len(), 1);
        let one = config_yaml(
            "machine: {type: controlplane}\n---\napiVersion: v1alpha1\nkind: KubeInlineManifestConfig\nname: cilium\nmanifest: x\n",
        );
        assert!(run(&INLINE_MANIFESTS_MIXED, one).is_empty());
    }
}
