//! `kube-proxy-replacement-value`: `kubeProxyReplacement` values the chart
//! of that version rejects (`disabled`, `partial`, `strict` fail rendering
//! from 1.16; old Talos 1.5/1.6 guides used `disabled`).
//! Versions: Cilium charts 1.16+ accept only true/false; 1.14/1.15 also the
//! deprecated strings.
//! Sources: <https://github.com/cilium/charts> (cilium-1.16.19.tgz
//! templates/cilium-configmap.yaml); Talos v1.5 guide
//! <https://github.com/siderolabs/talos/blob/v1.5.0/website/content/v1.5/kubernetes-guides/network/deploying-cilium.md>

use super::{Rule, RuleInput, finding, lookup, path_of};
use crate::facts;
use crate::finding::{Finding, Severity};
use serde_json::Value;

pub const RULE: Rule = Rule {
    code: "kube-proxy-replacement-value",
    severity: Severity::Error,
    title: "kubeProxyReplacement value not accepted by this Cilium chart",
    check,
};

fn check(input: &RuleInput) -> Vec<Finding> {
    let Some(cv) = input.cilium_version else {
        return Vec::new();
    };
    let Some(f) = facts::cilium_minor(cv) else {
        return Vec::new();
    };
    let path = ["kubeProxyReplacement"];
    // The chart renders it with toString, so true and "true" are the same.
    let text = match lookup(input.values, &path) {
        None => return Vec::new(),
        Some(Value::Bool(b)) => b.to_string(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    };
    if f.kpr_accepted.contains(&text.as_str()) {
        return Vec::new();
    }
    vec![finding(
        &RULE,
        format!("kubeProxyReplacement {text:?} is not accepted by Cilium {cv}"),
        format!(
            "Cilium {}.{} charts accept {}; use true (with the Talos patch disabling kube-proxy) or false.",
            f.minor.0,
            f.minor.1,
            f.kpr_accepted.join(", ")
        ),
        path_of(&path),
    )]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::version::CiliumVersion;
    use serde_json::json;

    fn run(v: &Value, ver: &str) -> usize {
        let cv = CiliumVersion::parse(ver).unwrap();
        check(&RuleInput {
            talos_version: None,
            cilium_version: Some(&cv),
            kubeprism: None,
            topology: None,
            values: v,
        })
        .len()
    }

    #[test]
    fn values_by_version() {
        assert_eq!(
            run(&json!({"kubeProxyReplacement": "disabled"}), "1.15.6"),
            0
        );
        assert_eq!(
            run(&json!({"kubeProxyReplacement": "disabled"}), "1.16.0"),
            1
        );
        assert_eq!(run(&json!({"kubeProxyReplacement": "strict"}), "1.18.5"), 1);
        assert_eq!(run(&json!({"kubeProxyReplacement": true}), "1.18.5"), 0);
        assert_eq!(run(&json!({"kubeProxyReplacement": "false"}), "1.20.0"), 0);
        assert_eq!(run(&json!({}), "1.20.0"), 0);
    }
}
