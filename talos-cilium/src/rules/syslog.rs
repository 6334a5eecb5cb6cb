//! `syslog-capability-dropped`: Cilium 1.19+ chart defaults add `SYSLOG` to
//! the agent capabilities; copying the Talos guide's pinned 11-capability
//! list silently removes it.
//! Versions: Cilium chart >= 1.19.0.
//! Sources: <https://github.com/cilium/charts> (cilium-1.19.0.tgz values.yaml);
//! <https://docs.siderolabs.com/kubernetes-guides/cni/deploying-cilium> (pinned list).

use super::{Rule, RuleInput, finding, lookup, path_of, string_list};
use crate::facts;
use crate::finding::{Finding, Severity};

pub const RULE: Rule = Rule {
    code: "syslog-capability-dropped",
    severity: Severity::Warning,
    title: "Cilium 1.19+ agent capabilities without SYSLOG",
    check,
};

fn check(input: &RuleInput) -> Vec<Finding> {
    let Some(cv) = input.cilium_version else {
        return Vec::new();
    };
    if !facts::cilium_agent_needs_syslog(cv) {
        return Vec::new();
    }
    let path = ["securityContext", "capabilities", "ciliumAgent"];
    match lookup(input.values, &path).and_then(string_list) {
        Some(list) if !list.iter().any(|c| c == "SYSLOG") => vec![finding(
            &RULE,
            format!("ciliumAgent capabilities lack SYSLOG, which Cilium {cv} asks for by default"),
            format!(
                "Cilium charts from 1.19.0 add SYSLOG to the agent's default capabilities; the list set here (often copied from the Talos guide) drops it. Add SYSLOG: [{}].",
                facts::talos_agent_caps(Some(cv)).join(", ")
            ),
            path_of(&path),
        )],
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::version::CiliumVersion;
    use serde_json::json;

    #[test]
    fn only_for_1_19_and_later() {
        let v = json!({"securityContext": {"capabilities": {"ciliumAgent": facts::TALOS_GUIDE_AGENT_CAPS}}});
        for (ver, n) in [("1.18.5", 0), ("1.19.0", 1), ("1.20.0", 1)] {
            let cv = CiliumVersion::parse(ver).unwrap();
            let i = RuleInput {
                talos_version: None,
                cilium_version: Some(&cv),
                kubeprism: None,
                values: &v,
            };
            assert_eq!(check(&i).len(), n, "{ver}");
        }
    }
}
