//! `lb-pool-outside-nodes`: with L2 announcements, a LoadBalancer IP pool
//! outside every node's L2 network can never be reached: ARP only works inside
//! the link the nodes share.
//! Versions: Cilium 1.14+ (L2 announcements, IPv4/ARP only).
//! Source: <https://docs.cilium.io/en/stable/network/l2-announcements/>.

use super::{Rule, RuleInput, finding, lookup};
use crate::finding::{Finding, Severity};
use crate::net::Cidr;

pub const RULE: Rule = Rule {
    code: "lb-pool-outside-nodes",
    severity: Severity::Error,
    title: "LoadBalancer IP pool outside the nodes' L2 network",
    check,
};

fn parse_pool(s: &str) -> Option<Cidr> {
    Cidr::parse(s).ok().or_else(|| {
        let addr: std::net::IpAddr = s.parse().ok()?;
        Some(Cidr {
            addr,
            prefix: if addr.is_ipv4() { 32 } else { 128 },
        })
    })
}

/// The network of an interface address such as `10.0.0.11/24`.
fn node_network(s: &str) -> Option<Cidr> {
    let (a, p) = s.split_once('/')?;
    let addr: std::net::IpAddr = a.parse().ok()?;
    let prefix: u8 = p.parse().ok()?;
    let host = Cidr { addr, prefix };
    Cidr::parse(&format!("{}/{prefix}", host.network())).ok()
}

fn contains(outer: &Cidr, inner: &Cidr) -> bool {
    outer.prefix <= inner.prefix && outer.overlaps(inner)
}

fn check(input: &RuleInput) -> Vec<Finding> {
    let Some(t) = input.topology else {
        return Vec::new();
    };
    let l2_on = lookup(input.values, &["l2announcements", "enabled"]).and_then(|v| v.as_bool())
        == Some(true);
    let nets: Vec<Cidr> = t
        .nodes
        .iter()
        .filter_map(|n| node_network(&n.address))
        .collect();
    if !l2_on || nets.is_empty() {
        return Vec::new();
    }
    let mut out = Vec::new();
    for (i, pool) in t.lb_pool_cidrs.iter().enumerate() {
        let Some(p) = parse_pool(pool) else { continue };
        if !p.is_ipv4() {
            out.push(finding(
                &RULE,
                format!("{pool} is IPv6; L2 announcements only answer ARP (IPv4)"),
                "Cilium's L2 announcements are IPv4/ARP only. Use an IPv4 pool or announce IPv6 by BGP.".into(),
                format!("load_balancer_ip_pools[{i}]"),
            ));
            continue;
        }
        if !nets.iter().any(|n| contains(n, &p)) {
            let list: Vec<String> = nets
                .iter()
                .map(|n| format!("{}/{}", n.network(), n.prefix))
                .collect();
            out.push(finding(
                &RULE,
                format!("{pool} is outside the nodes' networks"),
                format!(
                    "L2 announcements answer ARP on the nodes' link, so pool addresses must lie inside it ({}). Pick \
                     unused addresses from that network, or route the pool another way (BGP, an overlay).",
                    list.join(", ")
                ),
                format!("load_balancer_ip_pools[{i}]"),
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

    fn topo(pools: &[&str]) -> Topology {
        Topology {
            nodes: vec![Node {
                address: "10.0.0.11/24".into(),
                interfaces: vec![],
            }],
            lb_pool_cidrs: pools.iter().map(|s| s.to_string()).collect(),
            ..Default::default()
        }
    }

    #[test]
    fn pool_outside_is_flagged() {
        let v = json!({"l2announcements": {"enabled": true}});
        let t = topo(&["10.0.0.240/28", "192.168.5.0/28", "fd00::/120"]);
        let f = check(&with_topology(&v, &t));
        let paths: Vec<&str> = f.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(
            paths,
            ["load_balancer_ip_pools[1]", "load_balancer_ip_pools[2]"]
        );
    }

    #[test]
    fn pool_inside_or_l2_off_is_quiet() {
        let on = json!({"l2announcements": {"enabled": true}});
        assert!(check(&with_topology(&on, &topo(&["10.0.0.240/28", "10.0.0.250"]))).is_empty());
        let off = json!({});
        assert!(check(&with_topology(&off, &topo(&["192.168.5.0/28"]))).is_empty());
    }
}
