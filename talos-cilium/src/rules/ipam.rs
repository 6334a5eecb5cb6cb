//! `ipam-mode` / `cluster-pool-cidr-ignored`: Talos runs kube-controller-manager
//! with `allocate-node-cidrs` over the Talos pod subnets, so Cilium should take
//! pod addresses from the node's PodCIDR (`ipam.mode: kubernetes`). The chart's
//! default is `cluster-pool` (10.0.0.0/8), which ignores the Talos pod subnets;
//! and `ipam.operator.clusterPoolIPv4PodCIDRList` is only rendered in
//! cluster-pool mode, so setting it with `kubernetes` mode does nothing.
//! Versions: Talos 1.x; Cilium charts 1.14-1.20 (default mode cluster-pool).
//! Sources: <https://github.com/siderolabs/talos/blob/v1.13.9/internal/app/machined/pkg/controllers/k8s/control_plane_static_pod.go>
//! (allocate-node-cidrs, cluster-cidr); <https://docs.siderolabs.com/kubernetes-guides/cni/deploying-cilium>
//! (ipam.mode=kubernetes); <https://github.com/cilium/charts> (cilium-1.16.19.tgz
//! templates/cilium-configmap.yaml: cluster-pool CIDRs only in cluster-pool mode).

use super::{Rule, RuleInput, finding, lookup, path_of};
use crate::finding::{Finding, Severity};

pub const MODE: Rule = Rule {
    code: "ipam-mode",
    severity: Severity::Warning,
    title: "Cilium IPAM does not use the pod CIDRs Talos allocates",
    check: check_mode,
};

pub const CLUSTER_POOL_IGNORED: Rule = Rule {
    code: "cluster-pool-cidr-ignored",
    severity: Severity::Warning,
    title: "clusterPoolIPv4PodCIDRList is set but ignored in kubernetes IPAM mode",
    check: check_cluster_pool,
};

fn mode(input: &RuleInput) -> Option<String> {
    lookup(input.values, &["ipam", "mode"])
        .and_then(|v| v.as_str())
        .map(str::to_string)
}

fn check_mode(input: &RuleInput) -> Vec<Finding> {
    let path = ["ipam", "mode"];
    match mode(input) {
        Some(m) if m == "kubernetes" => Vec::new(),
        m => vec![finding(
            &MODE,
            match &m {
                Some(m) => format!("ipam.mode is {m:?}, not \"kubernetes\""),
                None => "ipam.mode is unset (the chart default is \"cluster-pool\")".into(),
            },
            "Talos allocates a PodCIDR to every node from its pod subnets (kube-controller-manager \
             --allocate-node-cidrs). In any other mode Cilium hands out addresses from its own pool (10.0.0.0/8 \
             by default), which can overlap node or service networks and ignores the Talos pod subnets. Set \
             ipam.mode: kubernetes."
                .into(),
            path_of(&path),
        )],
    }
}

fn check_cluster_pool(input: &RuleInput) -> Vec<Finding> {
    let path = ["ipam", "operator", "clusterPoolIPv4PodCIDRList"];
    if mode(input).as_deref() != Some("kubernetes") {
        return Vec::new();
    }
    match lookup(input.values, &path) {
        Some(v)
            if v.as_array().is_some_and(|a| !a.is_empty())
                || v.as_str().is_some_and(|s| !s.is_empty()) =>
        {
            vec![finding(
                &CLUSTER_POOL_IGNORED,
                "clusterPoolIPv4PodCIDRList has no effect in kubernetes IPAM mode".into(),
                "With ipam.mode: kubernetes, pod addresses come from the Talos pod subnets \
                 (cluster.network.podSubnets or KubeNetworkConfig.podSubnets); the chart renders the cluster-pool \
                 list only in cluster-pool mode. Remove it and set the pod subnets in Talos instead."
                    .into(),
                path_of(&path),
            )]
        }
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::test_support::input;
    use serde_json::json;

    #[test]
    fn cluster_pool_or_unset_mode_is_flagged() {
        assert_eq!(
            check_mode(&input(&json!({"ipam": {"mode": "cluster-pool"}}))).len(),
            1
        );
        let unset = check_mode(&input(&json!({})));
        assert_eq!(unset.len(), 1);
        assert_eq!(unset[0].path, "values.ipam.mode");
    }

    #[test]
    fn kubernetes_mode_is_quiet() {
        assert!(check_mode(&input(&json!({"ipam": {"mode": "kubernetes"}}))).is_empty());
    }

    #[test]
    fn cluster_pool_list_with_kubernetes_mode_is_flagged() {
        let v = json!({"ipam": {"mode": "kubernetes", "operator": {"clusterPoolIPv4PodCIDRList": ["10.42.0.0/16"]}}});
        let f = check_cluster_pool(&input(&v));
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].path, "values.ipam.operator.clusterPoolIPv4PodCIDRList");
    }

    #[test]
    fn cluster_pool_list_in_cluster_pool_mode_is_quiet() {
        let v = json!({"ipam": {"mode": "cluster-pool", "operator": {"clusterPoolIPv4PodCIDRList": ["10.42.0.0/16"]}}});
        assert!(check_cluster_pool(&input(&v)).is_empty());
        assert!(check_cluster_pool(&input(&json!({"ipam": {"mode": "kubernetes"}}))).is_empty());
    }
}
