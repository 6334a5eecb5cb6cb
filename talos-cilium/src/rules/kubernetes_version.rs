//! `kubernetes-version-untested`: the cluster's Kubernetes is newer than the
//! newest version the Cilium minor was e2e-tested with (e.g. Talos 1.13's
//! default Kubernetes 1.36 with Cilium 1.18, tested up to 1.33). The version is
//! the kubelet image tag of the machine configurations, else the default
//! Kubernetes of the Talos version. Older Kubernetes than the tested range is
//! not reported (the recorded ranges are e2e coverage, not a support floor).
//! Versions: Cilium minors with a recorded range (1.15, 1.16, 1.18, 1.20; see
//! [`crate::facts::CILIUM_KUBERNETES_TESTED`] for each row's source); other
//! minors are skipped.
//! Sources: <https://raw.githubusercontent.com/cilium/cilium/v1.18.14/Documentation/network/kubernetes/compatibility.rst>,
//! Talos defaults <https://github.com/siderolabs/talos/blob/v1.13.9/pkg/machinery/constants/constants.go> (facts.md §2.5, §9).

use super::{Rule, RuleInput, finding};
use crate::facts;
use crate::finding::{Finding, Severity};
use crate::version::KubernetesVersion;

pub const RULE: Rule = Rule {
    code: "kubernetes-version-untested",
    severity: Severity::Warning,
    title: "Kubernetes newer than the Cilium version was tested with",
    check,
};

fn check(input: &RuleInput) -> Vec<Finding> {
    let (Some(cv), Some(t)) = (input.cilium_version, input.topology) else {
        return Vec::new();
    };
    let Some(tested) = facts::cilium_kubernetes_tested(cv) else {
        return Vec::new();
    };
    // (version, where it comes from, finding path)
    let from_config = t
        .machine_configs
        .iter()
        .enumerate()
        .filter_map(|(i, c)| c.kubernetes_version().map(|k| (i, k)))
        .max_by(|a, b| a.1.cmp(&b.1));
    let (k8s, origin, path) = match from_config {
        Some((i, k)) => (
            k,
            format!("the kubelet image of machine_configurations[{i}]"),
            format!("machine_configurations[{i}]"),
        ),
        None => {
            let Some(tv) = input.talos_version else {
                return Vec::new();
            };
            let Some(k) = facts::talos_minor(tv)
                .and_then(|f| KubernetesVersion::parse(f.default_kubernetes).ok())
            else {
                return Vec::new();
            };
            (
                k,
                format!(
                    "the default of Talos {}.{}",
                    tv.minor_key().0,
                    tv.minor_key().1
                ),
                "talos_version".to_string(),
            )
        }
    };
    if k8s.minor_key() <= tested.newest {
        return Vec::new();
    }
    vec![finding(
        &RULE,
        format!(
            "Kubernetes {k8s} is newer than Cilium {}.{} was tested with",
            cv.minor_key().0,
            cv.minor_key().1
        ),
        format!(
            "Kubernetes {k8s} ({origin}) is newer than {}.{}, the newest Kubernetes Cilium {}.{} was e2e-tested with \
             ({}). Use a newer Cilium or pin an older Kubernetes (talos_machine_configuration kubernetes_version).",
            tested.newest.0,
            tested.newest.1,
            cv.minor_key().0,
            cv.minor_key().1,
            tested.source
        ),
        path,
    )]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::Topology;
    use crate::rules::test_support::*;
    use crate::version::{CiliumVersion, TalosVersion};
    use serde_json::json;

    fn run(cilium: &str, talos: Option<&str>, t: &Topology) -> Vec<Finding> {
        let v = json!({});
        let cv = CiliumVersion::parse(cilium).unwrap();
        let tv = talos.map(|s| TalosVersion::parse(s).unwrap());
        check(&versioned(&v, Some(&cv), tv.as_ref(), Some(t)))
    }

    #[test]
    fn talos_default_kubernetes_against_the_tested_range() {
        let none = Topology::default();
        let f = run("1.18.5", Some("v1.13"), &none);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].path, "talos_version");
        assert!(run("1.18.5", Some("v1.10"), &none).is_empty());
        assert!(run("1.20.0", Some("v1.13"), &none).is_empty());
        // no recorded range for 1.19
        assert!(run("1.19.6", Some("v1.13"), &none).is_empty());
    }

    #[test]
    fn kubelet_image_wins_over_the_talos_default() {
        let Some(c) = talos_config("v1.13", "base-controlplane.yaml") else {
            return;
        };
        // the generated configs pin Kubernetes 1.28.0
        assert!(run("1.18.5", Some("v1.13"), &configs(vec![c.clone()])).is_empty());
        let mut new = c;
        new.documents[0]["machine"]["kubelet"]["image"] =
            json!("ghcr.io/siderolabs/kubelet:v1.34.1");
        let f = run("1.18.5", Some("v1.13"), &configs(vec![new]));
        assert_eq!(f[0].path, "machine_configurations[0]");
    }
}
