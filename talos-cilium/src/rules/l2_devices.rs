//! `l2-interface-not-in-devices`: `devices` is set and an interface the L2
//! announcement policy selects is not one of them. Cilium announces only on
//! the devices it manages, so addresses are not announced on that interface.
//! `devices` entries are names or prefixes ending in `+` (`eth+`); the chart
//! takes a list, or a string with space- or comma-separated names.
//! Without node interfaces the regexes are tested against the device names.
//! Versions: Cilium 1.14–1.20.
//! Source: <https://github.com/cilium/cilium/blob/main/Documentation/network/l2-announcements.rst>
//! (announced interfaces must be in `devices` when `devices` is set), facts.md §8.

use regex::Regex;

use super::{Rule, RuleInput, finding, lookup, string_list};
use crate::finding::{Finding, Severity};
use serde_json::Value;

pub const RULE: Rule = Rule {
    code: "l2-interface-not-in-devices",
    severity: Severity::Error,
    title: "L2 announcement interface not covered by devices",
    check,
};

fn devices(values: &Value) -> Vec<String> {
    let Some(v) = lookup(values, &["devices"]) else {
        return Vec::new();
    };
    match v {
        Value::String(s) if !s.trim_start().starts_with('{') => s
            .split([' ', ','])
            .map(str::trim)
            .filter(|x| !x.is_empty())
            .map(str::to_string)
            .collect(),
        _ => string_list(v).unwrap_or_default(),
    }
}

fn covered(iface: &str, devices: &[String]) -> bool {
    devices.iter().any(|d| match d.strip_suffix('+') {
        Some(prefix) => iface.starts_with(prefix),
        None => iface == d,
    })
}

fn check(input: &RuleInput) -> Vec<Finding> {
    let Some(t) = input.topology else {
        return Vec::new();
    };
    let devs = devices(input.values);
    if devs.is_empty() || t.l2_interfaces.is_empty() {
        return Vec::new();
    }
    let mut node_ifaces: Vec<&str> = t
        .nodes
        .iter()
        .flat_map(|n| n.interfaces.iter().map(String::as_str))
        .collect();
    node_ifaces.sort_unstable();
    node_ifaces.dedup();
    let mut out = Vec::new();
    for (i, pattern) in t.l2_interfaces.iter().enumerate() {
        // an invalid regex is l2-interface-match's finding
        let Ok(re) = Regex::new(pattern) else {
            continue;
        };
        let path = format!("l2_announcement_interfaces[{i}]");
        if node_ifaces.is_empty() {
            // Only literal device names can be tested without node data.
            if devs.iter().any(|d| d.ends_with('+')) {
                continue;
            }
            if !devs.iter().any(|d| re.is_match(d)) {
                out.push(finding(
                    &RULE,
                    format!("{pattern:?} matches none of devices"),
                    format!(
                        "devices is set to {}; Cilium announces only on those, and {pattern:?} selects none of them. \
                         Add the interface to devices or change the pattern.",
                        devs.join(", ")
                    ),
                    path,
                ));
            }
            continue;
        }
        let missing: Vec<&str> = node_ifaces
            .iter()
            .copied()
            .filter(|n| re.is_match(n) && !covered(n, &devs))
            .collect();
        if !missing.is_empty() {
            out.push(finding(
                &RULE,
                format!("{pattern:?} selects {} outside devices", missing.join(", ")),
                format!(
                    "devices is set to {}; Cilium does not manage {} and announces nothing there. Add {} to devices \
                     (or remove devices to let Cilium detect them).",
                    devs.join(", "),
                    missing.join(", "),
                    if missing.len() == 1 { "it" } else { "them" }
                ),
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

    fn topo(nodes: &[&str], l2: &[&str]) -> Topology {
        Topology {
            nodes: nodes
                .iter()
                .map(|i| Node {
                    address: "10.0.0.11/24".into(),
                    interfaces: vec![i.to_string()],
                })
                .collect(),
            l2_interfaces: l2.iter().map(|s| s.to_string()).collect(),
            ..Default::default()
        }
    }

    #[test]
    fn interface_outside_devices() {
        let t = topo(&["ens18", "ens19"], &["^ens19$"]);
        let v = json!({"devices": ["ens18"]});
        let f = check(&with_topology(&v, &t));
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].path, "l2_announcement_interfaces[0]");
        let ok = json!({"devices": "ens18 ens19"});
        assert!(check(&with_topology(&ok, &t)).is_empty());
        let wildcard = json!({"devices": "ens+"});
        assert!(check(&with_topology(&wildcard, &t)).is_empty());
        // devices unset: Cilium detects the devices itself
        assert!(check(&with_topology(&json!({}), &t)).is_empty());
    }

    #[test]
    fn without_nodes_the_device_names_are_matched() {
        let t = topo(&[], &["^eth1$"]);
        assert_eq!(
            check(&with_topology(&json!({"devices": "{eth0}"}), &t)).len(),
            1
        );
        assert!(check(&with_topology(&json!({"devices": ["eth0", "eth1"]}), &t)).is_empty());
        assert!(check(&with_topology(&json!({"devices": "eth+"}), &t)).is_empty());
    }
}
