//! `l2-platform-no-garp`: L2 announcements on a platform whose network never
//! honours gratuitous ARP.
//! Versions: Cilium 1.14+ (L2 announcements), any Talos on Oracle Cloud.
//! Sources: Oracle Cloud VCN subnets are L3-virtualised; a private IP is an API
//! object owned by one VNIC and moves only through the API
//! (<https://docs.oracle.com/en-us/iaas/Content/Network/Tasks/managingIPaddresses.htm>,
//! <https://docs.oracle.com/en-us/iaas/Content/Network/Tasks/managingpublicIPs.htm>);
//! Cilium fails over by gratuitous ARP
//! (<https://docs.cilium.io/en/stable/network/l2-announcements/>).

use super::{Rule, RuleInput, finding, lookup};
use crate::finding::{Finding, Severity};

pub const RULE: Rule = Rule {
    code: "l2-platform-no-garp",
    severity: Severity::Error,
    title: "L2 announcements on a platform whose network ignores ARP announcements",
    check,
};

/// Platforms whose virtual network delivers traffic only to the interface that
/// owns an address, whatever ARP says.
const NO_GARP_PLATFORMS: &[&str] = &["oracle"];

fn check(input: &RuleInput) -> Vec<Finding> {
    let Some(platform) = input.topology.and_then(|t| t.platform.as_deref()) else {
        return Vec::new();
    };
    let l2_on = lookup(input.values, &["l2announcements", "enabled"]).and_then(|v| v.as_bool())
        == Some(true);
    if !l2_on || !NO_GARP_PLATFORMS.contains(&platform) {
        return Vec::new();
    }
    vec![finding(
        &RULE,
        format!("L2 announcements cannot move addresses on the {platform} platform"),
        "On Oracle Cloud the VCN delivers a private address only to the VNIC that owns it as an API object; \
         the gratuitous ARP Cilium sends on failover is ignored, so a LoadBalancer IP announced by L2 is never \
         reachable from the VCN. Announce the addresses another way (an OCI Network Load Balancer, BGP on a \
         VLAN, or an overlay such as Tailscale) and set l2announcements.enabled: false."
            .into(),
        "values.l2announcements.enabled".into(),
    )]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::Topology;
    use crate::rules::test_support::with_topology;
    use serde_json::json;

    fn topo(platform: &str) -> Topology {
        Topology {
            platform: Some(platform.into()),
            ..Default::default()
        }
    }

    #[test]
    fn triggers_on_oracle_with_l2() {
        let v = json!({"l2announcements": {"enabled": true}});
        let f = check(&with_topology(&v, &topo("oracle")));
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].path, "values.l2announcements.enabled");
    }

    #[test]
    fn quiet_elsewhere_or_without_l2() {
        let on = json!({"l2announcements": {"enabled": true}});
        assert!(check(&with_topology(&on, &topo("nocloud"))).is_empty());
        let off = json!({"l2announcements": {"enabled": false}});
        assert!(check(&with_topology(&off, &topo("oracle"))).is_empty());
    }
}
