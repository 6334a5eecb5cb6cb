//! The rules catalog: Talos × Cilium pitfalls, one file per rule.
//!
//! Each rule has a stable `code` (kebab-case, never reused or renamed), a
//! severity, and a check over [`RuleInput`]. Findings name a `path` inside
//! the merged Helm values (`values.cgroup.autoMount.enabled`); the provider
//! can map it to the values document that set it with [`values_origin`].
//!
//! Values are plain JSON data (`serde_json::Value`): Helm values are JSON
//! compatible, and this keeps the crate free of any YAML engine.

use crate::finding::{Finding, Severity};
use crate::version::{CiliumVersion, TalosVersion};
use serde_json::Value;

mod bpf_masquerade_dns;
mod cgroup;
mod ipam;
mod k8s_service;
mod kube_proxy_replacement;
mod l2_interface_match;
mod l2_platform_no_garp;
mod lb_pool_outside_nodes;
mod sys_module;
mod syslog;

/// KubePrism as configured on the nodes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KubePrism {
    pub enabled: bool,
    pub port: u16,
}

/// What rules look at. Unknown facts are `None`; rules that need them skip.
#[derive(Debug, Clone, Copy)]
pub struct RuleInput<'a> {
    pub talos_version: Option<&'a TalosVersion>,
    pub cilium_version: Option<&'a CiliumVersion>,
    pub kubeprism: Option<KubePrism>,
    /// Nodes, platform, LB pools and L2 interfaces, when the caller knows them.
    pub topology: Option<&'a Topology>,
    /// Merged Helm values (see [`merge_values`]).
    pub values: &'a Value,
}

/// One node as the rules see it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Node {
    /// Address with prefix length, e.g. `10.0.0.11/24`.
    pub address: String,
    /// Interface names, e.g. `ens18`.
    pub interfaces: Vec<String>,
}

/// Where the cluster runs and how its load-balancer addresses are announced.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Topology {
    /// Talos platform: `metal`, `nocloud`, `oracle`, `hcloud`, `aws`, ...
    pub platform: Option<String>,
    pub nodes: Vec<Node>,
    /// CIDRs (or single addresses) of the LB-IPAM pools.
    pub lb_pool_cidrs: Vec<String>,
    /// `CiliumL2AnnouncementPolicy.spec.interfaces` regexes.
    pub l2_interfaces: Vec<String>,
}

/// A rule of the catalog.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    pub code: &'static str,
    pub severity: Severity,
    /// One line: what the rule looks for.
    pub title: &'static str,
    pub check: fn(&RuleInput) -> Vec<Finding>,
}

/// All rules, in code order.
pub fn catalog() -> Vec<Rule> {
    let mut rules = vec![
        bpf_masquerade_dns::RULE,
        sys_module::RULE,
        syslog::RULE,
        cgroup::AUTOMOUNT,
        cgroup::HOST_ROOT,
        ipam::MODE,
        ipam::CLUSTER_POOL_IGNORED,
        k8s_service::RULE,
        kube_proxy_replacement::RULE,
        l2_interface_match::RULE,
        l2_platform_no_garp::RULE,
        lb_pool_outside_nodes::RULE,
    ];
    rules.sort_by_key(|r| r.code);
    rules
}

/// Runs every rule; findings in catalog order.
pub fn run(input: &RuleInput) -> Vec<Finding> {
    catalog().iter().flat_map(|r| (r.check)(input)).collect()
}

/// Looks up a dotted key path in values.
pub fn lookup<'a>(values: &'a Value, path: &[&str]) -> Option<&'a Value> {
    path.iter().try_fold(values, |v, k| v.as_object()?.get(*k))
}

/// Merges values documents like Helm's repeated `-f`: maps merge
/// recursively, a later scalar or list replaces, and `null` removes the key.
/// Source: <https://helm.sh/docs/chart_template_guide/values_files/> (deleting a default key with null)
pub fn merge_values(docs: &[Value]) -> Value {
    fn merge(base: &mut serde_json::Map<String, Value>, over: &serde_json::Map<String, Value>) {
        for (k, v) in over {
            match (base.get_mut(k), v) {
                (_, Value::Null) => {
                    base.remove(k);
                }
                (Some(Value::Object(b)), Value::Object(o)) => merge(b, o),
                _ => {
                    base.insert(k.clone(), v.clone());
                }
            }
        }
    }
    let mut out = serde_json::Map::new();
    for d in docs {
        if let Value::Object(o) = d {
            merge(&mut out, o);
        }
    }
    Value::Object(out)
}

/// Index of the last document that sets `path` (the one that wins).
pub fn values_origin(docs: &[Value], path: &[&str]) -> Option<usize> {
    docs.iter().rposition(|d| lookup(d, path).is_some())
}

/// `values.a.b.c` display path.
pub(crate) fn path_of(path: &[&str]) -> String {
    let mut s = String::from("values");
    for p in path {
        s.push('.');
        s.push_str(p);
    }
    s
}

/// Reads a capability list given as a YAML list or as a `--set` style
/// `"{A,B}"` string.
pub(crate) fn string_list(v: &Value) -> Option<Vec<String>> {
    match v {
        Value::Array(a) => Some(
            a.iter()
                .filter_map(|x| x.as_str().map(str::to_string))
                .collect(),
        ),
        Value::String(s) => {
            let inner = s.trim().trim_start_matches('{').trim_end_matches('}');
            Some(
                inner
                    .split(',')
                    .map(|x| x.trim().to_string())
                    .filter(|x| !x.is_empty())
                    .collect(),
            )
        }
        _ => None,
    }
}

pub(crate) fn finding(rule: &Rule, summary: String, detail: String, path: String) -> Finding {
    Finding {
        code: rule.code,
        severity: rule.severity,
        summary,
        detail,
        path,
    }
}

#[cfg(test)]
pub(crate) mod test_support {
    use super::*;

    pub fn with_topology<'a>(values: &'a Value, t: &'a Topology) -> RuleInput<'a> {
        RuleInput {
            talos_version: None,
            cilium_version: None,
            kubeprism: None,
            topology: Some(t),
            values,
        }
    }

    pub fn input(values: &Value) -> RuleInput<'_> {
        RuleInput {
            talos_version: None,
            cilium_version: None,
            kubeprism: None,
            topology: None,
            values,
        }
    }

    /// Values generated by `patch::generate` for the given options: every
    /// rule must be silent on them.
    pub fn generated_values(cilium: Option<&str>) -> Value {
        let mut i = crate::patch::PatchInput::new("v1.13", crate::patch::MachineType::ControlPlane);
        i.cilium_version = cilium.map(str::to_string);
        let out = crate::patch::generate(&i).unwrap();
        let v: serde_yaml_ng::Value = serde_yaml_ng::from_str(&out.helm_values).unwrap();
        serde_json::to_value(v).unwrap()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn codes_are_unique_and_kebab_case() {
        let rules = catalog();
        let mut codes: Vec<_> = rules.iter().map(|r| r.code).collect();
        codes.dedup();
        assert_eq!(codes.len(), rules.len());
        for c in codes {
            assert!(
                c.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
                "{c}"
            );
        }
    }

    #[test]
    fn generated_values_pass_every_rule() {
        for cilium in [
            None,
            Some("1.16.5"),
            Some("1.18.5"),
            Some("1.19.6"),
            Some("1.21.0-pre.0"),
        ] {
            let values = test_support::generated_values(cilium);
            let cv = cilium.map(|c| CiliumVersion::parse(c).unwrap());
            let tv = TalosVersion::parse("v1.13").unwrap();
            let input = RuleInput {
                talos_version: Some(&tv),
                cilium_version: cv.as_ref(),
                kubeprism: Some(KubePrism {
                    enabled: true,
                    port: 7445,
                }),
                topology: None,
                values: &values,
            };
            let f = run(&input);
            // Without a version the SYSLOG rule cannot know; everything else is silent.
            assert!(f.is_empty(), "{cilium:?}: {f:#?}");
        }
    }

    #[test]
    fn empty_values_trigger_chart_default_findings() {
        let v = json!({});
        let codes: Vec<_> = run(&test_support::input(&v))
            .iter()
            .map(|f| f.code)
            .collect();
        assert!(codes.contains(&"sys-module-capability"));
        assert!(codes.contains(&"cgroup-automount"));
    }

    #[test]
    fn merge_and_origin() {
        let docs = vec![
            json!({"a": {"b": 1, "c": [1, 2]}, "d": "x"}),
            json!({"a": {"c": [3]}, "d": null}),
            json!({"a": {"e": true}}),
        ];
        assert_eq!(
            merge_values(&docs),
            json!({"a": {"b": 1, "c": [3], "e": true}})
        );
        assert_eq!(values_origin(&docs, &["a", "c"]), Some(1));
        assert_eq!(values_origin(&docs, &["a", "b"]), Some(0));
        assert_eq!(values_origin(&docs, &["z"]), None);
    }

    #[test]
    fn string_lists() {
        assert_eq!(
            string_list(&json!("{A, B}")),
            Some(vec!["A".into(), "B".into()])
        );
        assert_eq!(string_list(&json!(["A"])), Some(vec!["A".into()]));
        assert_eq!(string_list(&json!(1)), None);
    }
}
