//! `l2-interface-match`: an L2 announcement interface regex that matches no
//! interface of the nodes (or, without node data, none the platform names).
//! `spec.interfaces` are Go regular expressions, OR-ed and unanchored.
//! Versions: Cilium 1.14-1.20 (`CiliumL2AnnouncementPolicy` v2alpha1); Talos 1.5+
//! (predictable interface names).
//! Sources: <https://docs.cilium.io/en/stable/network/l2-announcements/>;
//! platform images add `net.ifnames=0` (names `eth0`...) except `metal`, which
//! uses predictable names such as `ens18` on Proxmox virtio
//! (<https://github.com/siderolabs/talos/blob/v1.13.9/internal/app/machined/pkg/runtime/v1alpha1/platform/nocloud/nocloud.go>,
//! <https://docs.siderolabs.com/talos/v1.13/networking/predictable-interface-names>).

use regex::Regex;

use super::{Rule, RuleInput, finding};
use crate::finding::{Finding, Severity};

pub const RULE: Rule = Rule {
    code: "l2-interface-match",
    severity: Severity::Error,
    title: "L2 announcement interface regex matches no interface of the nodes",
    check,
};

/// Platforms whose Talos images boot with `net.ifnames=0`.
const IFNAMES0_PLATFORMS: &[&str] = &[
    "nocloud",
    "oracle",
    "aws",
    "azure",
    "gcp",
    "hcloud",
    "openstack",
    "vmware",
    "digitalocean",
    "scaleway",
    "upcloud",
    "vultr",
    "akamai",
    "cloudstack",
    "exoscale",
    "opennebula",
];

fn check(input: &RuleInput) -> Vec<Finding> {
    let Some(t) = input.topology else {
        return Vec::new();
    };
    let node_ifaces: Vec<&str> = t
        .nodes
        .iter()
        .flat_map(|n| n.interfaces.iter().map(String::as_str))
        .collect();
    let mut out = Vec::new();
    for (i, pattern) in t.l2_interfaces.iter().enumerate() {
        let path = format!("l2_announcement_interfaces[{i}]");
        let re = match Regex::new(pattern) {
            Ok(r) => r,
            Err(e) => {
                out.push(finding(
                    &RULE,
                    format!("{pattern:?} is not a regular expression"),
                    format!("Cilium compiles interface patterns as Go regular expressions: {e}"),
                    path,
                ));
                continue;
            }
        };
        if !node_ifaces.is_empty() {
            if !node_ifaces.iter().any(|n| re.is_match(n)) {
                out.push(finding(
                    &RULE,
                    format!("{pattern:?} matches no interface of the nodes"),
                    format!(
                        "The nodes have the interfaces {}; Cilium would announce on none of them. Use an anchored \
                         pattern for the interface that carries the node network, e.g. \"^{}$\".",
                        node_ifaces.join(", "),
                        node_ifaces[0]
                    ),
                    path,
                ));
            }
            continue;
        }
        let Some(platform) = t.platform.as_deref() else {
            continue;
        };
        let eth_names = IFNAMES0_PLATFORMS.contains(&platform);
        let (sample, other) = if eth_names {
            ("eth0", "ens18")
        } else {
            ("ens18", "eth0")
        };
        if !re.is_match(sample) && re.is_match(other) {
            out.push(finding(
                &RULE,
                format!("{pattern:?} expects {other}-style names, but the {platform} platform names interfaces like {sample}"),
                if eth_names {
                    format!("Talos images for {platform} boot with net.ifnames=0, so interfaces are eth0, eth1, ... Use e.g. \"^eth0$\".")
                } else {
                    "Talos metal images use predictable interface names (e.g. ens18 for a Proxmox virtio NIC). Use the real name, e.g. \"^ens18$\", or give the nodes' interfaces.".to_string()
                },
                path,
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::test_support::with_topology;
    use crate::rules::{Node, Topology};
    use serde_json::json;

    #[test]
    fn eth0_on_metal_is_flagged_and_ens18_on_nocloud_too() {
        let v = json!({});
        let metal = Topology {
            platform: Some("metal".into()),
            l2_interfaces: vec!["^eth0$".into()],
            ..Default::default()
        };
        assert_eq!(check(&with_topology(&v, &metal)).len(), 1);
        let nocloud = Topology {
            platform: Some("nocloud".into()),
            l2_interfaces: vec!["^ens18$".into()],
            ..Default::default()
        };
        assert_eq!(check(&with_topology(&v, &nocloud)).len(), 1);
    }

    #[test]
    fn matching_patterns_are_quiet() {
        let v = json!({});
        let metal = Topology {
            platform: Some("metal".into()),
            l2_interfaces: vec!["^ens18$".into()],
            ..Default::default()
        };
        assert!(check(&with_topology(&v, &metal)).is_empty());
        let nodes = Topology {
            nodes: vec![Node {
                address: "10.0.0.11/24".into(),
                interfaces: vec!["enp6s18".into()],
            }],
            l2_interfaces: vec!["^enp".into()],
            ..Default::default()
        };
        assert!(check(&with_topology(&v, &nodes)).is_empty());
    }

    #[test]
    fn node_interfaces_win_over_platform_guesses() {
        let v = json!({});
        let t = Topology {
            platform: Some("metal".into()),
            nodes: vec![Node {
                address: "10.0.0.11/24".into(),
                interfaces: vec!["ens18".into()],
            }],
            l2_interfaces: vec!["^eth0$".into(), "(".into()],
            ..Default::default()
        };
        let f = check(&with_topology(&v, &t));
        assert_eq!(f.len(), 2);
        assert_eq!(f[0].path, "l2_announcement_interfaces[0]");
        assert!(f[1].summary.contains("not a regular expression"));
    }
}
