//! `cgroup-automount` / `cgroup-host-root`: on Talos, cgroup2 is already
//! mounted at /sys/fs/cgroup; Cilium must not mount its own (chart default
//! `cgroup.autoMount.enabled: true`, hostRoot `/run/cilium/cgroupv2`).
//! Versions: all Talos guides v1.4 .. current; Cilium charts 1.14-1.20 defaults.
//! Sources: <https://docs.siderolabs.com/kubernetes-guides/cni/deploying-cilium>
//! (cgroup.autoMount.enabled=false, cgroup.hostRoot=/sys/fs/cgroup);
//! <https://github.com/cilium/charts> (values.yaml cgroup).

use super::{Rule, RuleInput, finding, lookup, path_of};
use crate::facts;
use crate::finding::{Finding, Severity};
use serde_json::Value;

pub const AUTOMOUNT: Rule = Rule {
    code: "cgroup-automount",
    severity: Severity::Error,
    title: "Cilium mounts its own cgroup2 filesystem on Talos",
    check: check_automount,
};

pub const HOST_ROOT: Rule = Rule {
    code: "cgroup-host-root",
    severity: Severity::Error,
    title: "cgroup.hostRoot is not Talos' /sys/fs/cgroup",
    check: check_host_root,
};

fn is_false(v: &Value) -> bool {
    matches!(v, Value::Bool(false)) || v.as_str() == Some("false")
}

fn check_automount(input: &RuleInput) -> Vec<Finding> {
    let path = ["cgroup", "autoMount", "enabled"];
    match lookup(input.values, &path) {
        Some(v) if is_false(v) => Vec::new(),
        found => vec![finding(
            &AUTOMOUNT,
            if found.is_some() {
                "cgroup.autoMount.enabled is on".into()
            } else {
                "cgroup.autoMount.enabled uses the chart default (true)".into()
            },
            format!(
                "Talos already mounts cgroup2 at {root}; set cgroup.autoMount.enabled: false and cgroup.hostRoot: {root}.",
                root = facts::TALOS_CGROUP_HOST_ROOT
            ),
            path_of(&path),
        )],
    }
}

fn check_host_root(input: &RuleInput) -> Vec<Finding> {
    let path = ["cgroup", "hostRoot"];
    match lookup(input.values, &path).and_then(Value::as_str) {
        Some(r) if r.trim_end_matches('/') == facts::TALOS_CGROUP_HOST_ROOT => Vec::new(),
        found => vec![finding(
            &HOST_ROOT,
            match found {
                Some(r) => format!("cgroup.hostRoot is {r:?}"),
                None => "cgroup.hostRoot uses the chart default (/run/cilium/cgroupv2)".into(),
            },
            format!(
                "On Talos the cgroup2 hierarchy is at {root}; set cgroup.hostRoot: {root} (with cgroup.autoMount.enabled: false).",
                root = facts::TALOS_CGROUP_HOST_ROOT
            ),
            path_of(&path),
        )],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::test_support::input;
    use serde_json::json;

    #[test]
    fn automount() {
        assert!(
            check_automount(&input(
                &json!({"cgroup": {"autoMount": {"enabled": false}}})
            ))
            .is_empty()
        );
        assert!(
            check_automount(&input(
                &json!({"cgroup": {"autoMount": {"enabled": "false"}}})
            ))
            .is_empty()
        );
        let f = check_automount(&input(&json!({"cgroup": {"autoMount": {"enabled": true}}})));
        assert_eq!(f[0].path, "values.cgroup.autoMount.enabled");
        assert_eq!(check_automount(&input(&json!({}))).len(), 1);
    }

    #[test]
    fn host_root() {
        assert!(
            check_host_root(&input(&json!({"cgroup": {"hostRoot": "/sys/fs/cgroup"}}))).is_empty()
        );
        assert_eq!(
            check_host_root(&input(
                &json!({"cgroup": {"hostRoot": "/run/cilium/cgroupv2"}})
            ))
            .len(),
            1
        );
        assert_eq!(check_host_root(&input(&json!({}))).len(), 1);
    }
}
