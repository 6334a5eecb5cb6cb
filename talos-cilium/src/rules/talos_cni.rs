//! `talos-cni-misplaced`: a `cni` key anywhere but `cluster.network.cni`
//! (e.g. `machine.network.cni`). Talos rejects unknown keys when it loads a
//! configuration (`KnownFields(true)` plus `CheckUnknownKeys`), so the node
//! does not take the configuration, and the CNI is not switched off either.
//! Versions: Talos 1.5–1.15 (the only CNI switch is `cluster.network.cni`,
//! and from 1.14 deleting `KubeFlannelCNIConfig`).
//! Sources: <https://github.com/siderolabs/talos/blob/v1.13.9/pkg/machinery/config/types/v1alpha1/v1alpha1_types.go>
//! (`NetworkConfig` has no `cni`), <https://github.com/siderolabs/talos/blob/v1.13.9/pkg/machinery/config/configloader/internal/decoder/decoder.go>
//! (unknown keys rejected), facts.md §1.
//!
//! `talos-cni-not-none`: a control-plane configuration still deploys Flannel
//! while Cilium is the CNI: legacy `cluster.network.cni.name: flannel` (or no
//! `cni` at all on Talos ≤ 1.13, where Flannel is the default), or a
//! `KubeFlannelCNIConfig` document (1.14 contract). Two CNIs fight over the
//! pod network. A `custom` CNI is not flagged: its URLs may be Cilium itself.
//! Versions: legacy default Flannel in Talos ≤ 1.13; `KubeFlannelCNIConfig`
//! deploys Flannel in 1.14+ (deleting it means no CNI).
//! Sources: <https://github.com/siderolabs/talos/blob/v1.13.9/pkg/machinery/config/types/v1alpha1/v1alpha1_clusterconfig.go>
//! (`CNI()` defaults to flannel), <https://github.com/siderolabs/talos/blob/v1.14.0-rc.1/internal/app/machined/pkg/controllers/k8s/control_plane.go>
//! (Flannel when the document is present), facts.md §1 and §2.2.

use super::{Rule, RuleInput, config_path, finding};
use crate::facts;
use crate::finding::{Finding, Severity};
use crate::machine_config::is_delete;
use serde_json::Value;

pub const MISPLACED: Rule = Rule {
    code: "talos-cni-misplaced",
    severity: Severity::Error,
    title: "CNI set somewhere other than cluster.network.cni",
    check: check_misplaced,
};

pub const NOT_NONE: Rule = Rule {
    code: "talos-cni-not-none",
    severity: Severity::Error,
    title: "The machine configuration still deploys Flannel next to Cilium",
    check: check_not_none,
};

/// Paths of `cni` keys under `v`, as dotted paths below `prefix`.
fn cni_keys(v: &Value, prefix: &str, out: &mut Vec<String>) {
    let Value::Object(m) = v else {
        return;
    };
    for (k, x) in m {
        let p = if prefix.is_empty() {
            k.clone()
        } else {
            format!("{prefix}.{k}")
        };
        if k == "cni" {
            out.push(p.clone());
        }
        cni_keys(x, &p, out);
    }
}

fn check_misplaced(input: &RuleInput) -> Vec<Finding> {
    let Some(t) = input.topology else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (i, c) in t.machine_configs.iter().enumerate() {
        for d in &c.documents {
            if is_delete(d) {
                continue;
            }
            let mut keys = Vec::new();
            let kind = d.get("kind").and_then(Value::as_str);
            cni_keys(d, kind.unwrap_or(""), &mut keys);
            for k in keys {
                if kind.is_none() && k == "cluster.network.cni" {
                    continue;
                }
                out.push(finding(
                    &MISPLACED,
                    format!("`{k}` is not a Talos setting"),
                    String::from(
                        "Talos reads the CNI only from cluster.network.cni (legacy format) or, with the Talos 1.14 \
                         multi-document format, from the KubeFlannelCNIConfig document (delete it with `$patch: delete` \
                         for no CNI). Talos rejects unknown keys, so this configuration does not load. Move it to \
                         cluster.network.cni.name: none, or use the patches of cilium_talos_patch."
                    ),
                    config_path(i, &k),
                ));
            }
        }
    }
    out
}

fn check_not_none(input: &RuleInput) -> Vec<Finding> {
    let Some(t) = input.topology else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (i, c) in t.machine_configs.iter().enumerate() {
        if !c.is_controlplane() {
            continue;
        }
        if let Some((_, _)) = c.present("KubeFlannelCNIConfig").next() {
            out.push(finding(
                &NOT_NONE,
                "KubeFlannelCNIConfig deploys Flannel next to Cilium".into(),
                "With the Talos 1.14 multi-document format the KubeFlannelCNIConfig document deploys Flannel. Delete it \
                 (`apiVersion: v1alpha1`, `kind: KubeFlannelCNIConfig`, `$patch: delete` in the control-plane patches, \
                 as cilium_talos_patch does) so Cilium is the only CNI."
                    .into(),
                config_path(i, "KubeFlannelCNIConfig"),
            ));
            continue;
        }
        let name = c
            .legacy("/cluster/network/cni/name")
            .and_then(Value::as_str);
        let flannel = match name {
            Some(n) => n == "flannel",
            // No `cni`: Flannel on Talos ≤ 1.13 for a legacy-format config.
            // For 1.14+ (or a multi-document config) the fallback is not
            // Flannel, so nothing is said.
            None => {
                !c.is_multidoc()
                    && c.v1alpha1().is_some()
                    && !input
                        .talos_version
                        .is_some_and(facts::talos_multidoc_kube_config)
            }
        };
        if flannel {
            out.push(finding(
                &NOT_NONE,
                match name {
                    Some(_) => "cluster.network.cni.name is flannel".into(),
                    None => "cluster.network.cni is not set, so Talos deploys Flannel".into(),
                },
                "Talos deploys Flannel unless cluster.network.cni.name is none; with Cilium installed as well two CNIs \
                 manage the pod network. Set cluster.network.cni.name: none (cilium_talos_patch does)."
                    .into(),
                config_path(i, "cluster.network.cni"),
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
    use crate::version::TalosVersion;
    use serde_json::json;

    fn run(rule: &Rule, t: &Topology, talos: Option<&str>) -> Vec<Finding> {
        let v = json!({});
        let tv = talos.map(|s| TalosVersion::parse(s).unwrap());
        (rule.check)(&versioned(&v, None, tv.as_ref(), Some(t)))
    }
    use crate::rules::Topology;

    #[test]
    fn cni_under_machine_network_is_misplaced() {
        let t = configs(vec![config_yaml(
            "version: v1alpha1\nmachine:\n  type: controlplane\n  network:\n    cni:\n      name: none\ncluster:\n  network:\n    cni:\n      name: none\n",
        )]);
        let f = run(&MISPLACED, &t, None);
        assert_eq!(f.len(), 1, "{f:#?}");
        assert_eq!(f[0].path, "machine_configurations[0].machine.network.cni");
        let good = configs(vec![config_yaml(
            "version: v1alpha1\ncluster:\n  network:\n    cni:\n      name: none\n",
        )]);
        assert!(run(&MISPLACED, &good, None).is_empty());
    }

    #[test]
    fn generated_configs_deploy_flannel_until_patched() {
        for v in ["v1.5", "v1.13", "v1.14", "v1.15"] {
            let Some(base) = talos_config(v, "base-controlplane.yaml") else {
                return;
            };
            let f = run(&NOT_NONE, &configs(vec![base]), Some(v));
            assert_eq!(f.len(), 1, "{v}: {f:#?}");
            let patched = patched_config(v, MachineType::ControlPlane).unwrap();
            assert!(run(&NOT_NONE, &configs(vec![patched]), Some(v)).is_empty());
            let worker = patched_config(v, MachineType::Worker).unwrap();
            assert!(run(&NOT_NONE, &configs(vec![worker]), Some(v)).is_empty());
        }
    }

    #[test]
    fn custom_cni_and_unknown_machine_types_are_not_flagged() {
        let custom = configs(vec![config_yaml(
            "machine:\n  type: controlplane\ncluster:\n  network:\n    cni:\n      name: custom\n      urls: [https://example.com/cilium.yaml]\n",
        )]);
        assert!(run(&NOT_NONE, &custom, Some("v1.13")).is_empty());
        let untyped = configs(vec![config_yaml("machine: {}\n")]);
        assert!(run(&NOT_NONE, &untyped, Some("v1.13")).is_empty());
        let flannel = configs(vec![config_yaml(
            "machine:\n  type: controlplane\ncluster:\n  network:\n    cni:\n      name: flannel\n",
        )]);
        assert_eq!(run(&NOT_NONE, &flannel, Some("v1.13")).len(), 1);
    }
}
