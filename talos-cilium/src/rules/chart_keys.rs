//! `helm-key-not-in-chart`: the values set a key that the chart of the chosen
//! Cilium version does not have (removed, or added later), e.g.
//! `externalIPs.enabled` after 1.17.5 or `gatewayAPI.enableAlpn` before 1.16.
//! Helm accepts unknown keys silently, so the setting has no effect.
//! Versions and sources: the table in [`crate::chart_keys`] (cilium/charts
//! tarballs 1.14–1.20, <https://github.com/cilium/charts>).
//!
//! Runs only where the caller passes cluster facts (`cilium_validation`):
//! `cilium_inline_manifest` has the chart itself and checks every key against
//! its `values.yaml`, so it passes no topology and this rule stays silent there.

use super::{Rule, RuleInput, finding, lookup, path_of};
use crate::chart_keys;
use crate::finding::{Finding, Severity};

pub const RULE: Rule = Rule {
    code: "helm-key-not-in-chart",
    severity: Severity::Warning,
    title: "Helm value key that the chart of this Cilium version does not have",
    check,
};

fn check(input: &RuleInput) -> Vec<Finding> {
    let (Some(cv), Some(_)) = (input.cilium_version, input.topology) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for k in chart_keys::missing_in(cv) {
        let path = k.path();
        if lookup(input.values, &path).is_none_or(|v| v.is_null()) {
            continue;
        }
        out.push(finding(
            &RULE,
            format!("{} does not exist in the Cilium {cv} chart", k.key),
            format!(
                "{}: {}. Helm ignores keys a chart does not have, so this setting has no effect; remove it or pick a \
                 Cilium version that has it.",
                k.key, k.note
            ),
            path_of(&path),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::Topology;
    use crate::rules::test_support::versioned;
    use crate::version::CiliumVersion;
    use serde_json::json;

    fn run(v: serde_json::Value, ver: &str) -> Vec<Finding> {
        let cv = CiliumVersion::parse(ver).unwrap();
        let t = Topology::default();
        check(&versioned(&v, Some(&cv), None, Some(&t)))
    }

    #[test]
    fn keys_by_version() {
        let ext = json!({"externalIPs": {"enabled": true}});
        assert!(run(ext.clone(), "1.17.5").is_empty());
        let f = run(ext, "1.18.5");
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].path, "values.externalIPs.enabled");
        let alpn =
            json!({"gatewayAPI": {"enabled": true, "enableAlpn": true, "enableAppProtocol": true}});
        assert_eq!(run(alpn.clone(), "1.15.6").len(), 2);
        assert!(run(alpn, "1.16.0").is_empty());
        assert_eq!(
            run(json!({"nodePort": {"enabled": true}}), "1.19.6").len(),
            1
        );
        assert!(run(json!({"tunnel": "vxlan"}), "1.14.19").is_empty());
    }

    #[test]
    fn silent_without_cluster_facts() {
        let v = json!({"externalIPs": {"enabled": true}});
        let cv = CiliumVersion::parse("1.18.5").unwrap();
        assert!(check(&versioned(&v, Some(&cv), None, None)).is_empty());
    }
}
