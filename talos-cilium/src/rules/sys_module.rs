//! `sys-module-capability`: Cilium asks for `SYS_MODULE`, which Talos does
//! not grant (workloads may not load kernel modules).
//! Versions: all Talos (guide v1.4 .. current), Cilium charts 1.14+ whose
//! defaults include SYS_MODULE.
//! Sources: <https://docs.siderolabs.com/kubernetes-guides/cni/deploying-cilium>
//! ("SYS_MODULE capability needs to be dropped"); chart defaults in
//! <https://github.com/cilium/charts> (values.yaml securityContext.capabilities).

use super::{Rule, RuleInput, finding, lookup, path_of, string_list};
use crate::facts;
use crate::finding::{Finding, Severity};

pub const RULE: Rule = Rule {
    code: "sys-module-capability",
    severity: Severity::Error,
    title: "Cilium capabilities include SYS_MODULE, which Talos does not allow",
    check,
};

fn check(input: &RuleInput) -> Vec<Finding> {
    let mut out = Vec::new();
    for (key, talos_list) in [
        ("ciliumAgent", facts::talos_agent_caps(input.cilium_version)),
        (
            "cleanCiliumState",
            facts::talos_clean_state_caps(input.cilium_version),
        ),
    ] {
        let path = ["securityContext", "capabilities", key];
        let fix = format!(
            "Set securityContext.capabilities.{key} to [{}].",
            talos_list.join(", ")
        );
        match lookup(input.values, &path).and_then(string_list) {
            None => out.push(finding(
                &RULE,
                format!("{key} capabilities use the chart default, which includes SYS_MODULE"),
                format!("The Cilium chart's default {key} list includes SYS_MODULE, and Talos does not allow workloads to load kernel modules. {fix}"),
                path_of(&path),
            )),
            Some(list) => {
                for bad in facts::CAPS_FORBIDDEN_ON_TALOS {
                    if let Some(i) = list.iter().position(|c| c == bad) {
                        out.push(finding(
                            &RULE,
                            format!("{key} capabilities include {bad}"),
                            format!("Talos does not allow workloads to load kernel modules, so {bad} must be dropped. {fix}"),
                            format!("{}[{i}]", path_of(&path)),
                        ));
                    }
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::test_support::input;
    use serde_json::json;

    #[test]
    fn flags_sys_module_with_index() {
        let v = json!({"securityContext": {"capabilities": {
            "ciliumAgent": ["CHOWN", "SYS_MODULE"],
            "cleanCiliumState": "{NET_ADMIN,SYS_ADMIN,SYS_RESOURCE}"
        }}});
        let f = check(&input(&v));
        assert_eq!(f.len(), 1);
        assert_eq!(
            f[0].path,
            "values.securityContext.capabilities.ciliumAgent[1]"
        );
        assert_eq!(f[0].severity, Severity::Error);
        assert!(f[0].detail.contains("SYS_ADMIN"));
    }

    #[test]
    fn chart_default_is_flagged() {
        let v = json!({"securityContext": {"capabilities": {"ciliumAgent": ["CHOWN"]}}});
        let f = check(&input(&v));
        assert_eq!(f.len(), 1);
        assert_eq!(
            f[0].path,
            "values.securityContext.capabilities.cleanCiliumState"
        );
    }
}
