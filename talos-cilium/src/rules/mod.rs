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
use crate::gateway_api::GatewayApiVersion;
pub use crate::machine_config::MachineConfig;
use crate::version::{CiliumVersion, TalosVersion};
use serde_json::Value;

mod bpf_masquerade_dns;
mod cgroup;
mod chart_keys;
mod cilium_objects;
mod gateway_api_crds;
mod gateway_api_prerequisites;
mod ipam;
mod k8s_service;
mod kube_proxy;
mod kube_proxy_replacement;
mod kubernetes_version;
mod l2_devices;
mod l2_interface_match;
mod l2_platform_no_garp;
mod l2_prerequisites;
mod lb_pool_outside_nodes;
mod sys_module;
mod syslog;
mod talos_cni;
mod talos_config_format;
mod talos_kube_proxy_deleted;
mod talos_worker;

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
    /// What the caller knows about the cluster beyond the values: nodes,
    /// platform, LB pools, L2 interfaces, machine configurations, Gateway API
    /// CRDs. `None` when the caller has none of it (rules that need it skip).
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

/// The cluster around the values: where it runs, how its load-balancer
/// addresses are announced, its Talos machine configurations and the Gateway
/// API CRDs installed. Kept in one optional struct so that callers that only
/// have values (`cilium_inline_manifest`) pass `None` and the rules that need
/// these facts stay silent there.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Topology {
    /// Talos platform: `metal`, `nocloud`, `oracle`, `hcloud`, `aws`, ...
    pub platform: Option<String>,
    pub nodes: Vec<Node>,
    /// CIDRs (or single addresses) of the LB-IPAM pools.
    pub lb_pool_cidrs: Vec<String>,
    /// `CiliumL2AnnouncementPolicy.spec.interfaces` regexes.
    pub l2_interfaces: Vec<String>,
    /// Talos machine configurations, in the order of the caller's input
    /// (findings name them `machine_configurations[i]`).
    pub machine_configs: Vec<MachineConfig>,
    /// Gateway API CRD bundle version installed; `None` when not given.
    pub gateway_api_version: Option<GatewayApiVersion>,
    /// Kubernetes manifests of Cilium objects (LB pools, L2 policies), each
    /// input split into its documents (findings name them `manifests[i]`).
    pub manifests: Vec<Vec<Value>>,
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
        chart_keys::RULE,
        cilium_objects::API_VERSION,
        cilium_objects::POOL_FIELDS,
        gateway_api_crds::MISSING,
        gateway_api_crds::INCOMPATIBLE,
        gateway_api_crds::UNTESTED,
        gateway_api_prerequisites::KUBE_PROXY_REPLACEMENT,
        gateway_api_prerequisites::L7_PROXY,
        kube_proxy::NOT_DISABLED,
        kube_proxy::DISABLED_WITHOUT_REPLACEMENT,
        kubernetes_version::RULE,
        l2_devices::RULE,
        l2_prerequisites::KUBE_PROXY_REPLACEMENT,
        l2_prerequisites::XDP,
        talos_cni::MISPLACED,
        talos_cni::NOT_NONE,
        talos_config_format::MIXED,
        talos_config_format::INLINE_MANIFESTS_MIXED,
        talos_kube_proxy_deleted::RULE,
        talos_worker::CONTROLPLANE_ONLY,
        talos_worker::INLINE_MANIFEST,
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

/// `kubeProxyReplacement` turns on the full replacement: `true` (bool or
/// string, the chart renders it with toString) or the deprecated `strict`
/// (1.14/1.15). Absent, `false`, `disabled` and `partial` are off (the chart
/// default is `"false"`).
/// Source: cilium/charts values.yaml and templates/cilium-configmap.yaml
/// 1.14–1.20 (<https://github.com/cilium/charts>, facts.md §6).
pub(crate) fn kube_proxy_replacement_on(values: &Value) -> bool {
    match lookup(values, &["kubeProxyReplacement"]) {
        Some(Value::Bool(b)) => *b,
        Some(Value::String(s)) => matches!(s.as_str(), "true" | "strict"),
        _ => false,
    }
}

/// A bool value, also when given as a string.
pub(crate) fn is_true(v: Option<&Value>) -> bool {
    matches!(v, Some(Value::Bool(true))) || v.and_then(Value::as_str) == Some("true")
}

/// An explicit false, also when given as a string.
pub(crate) fn is_false(v: Option<&Value>) -> bool {
    matches!(v, Some(Value::Bool(false))) || v.and_then(Value::as_str) == Some("false")
}

/// `machine_configurations[i]` plus a location inside it.
pub(crate) fn config_path(i: usize, at: &str) -> String {
    if at.is_empty() {
        format!("machine_configurations[{i}]")
    } else {
        format!("machine_configurations[{i}].{at}")
    }
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

/// Helpers of the integration tests (../shared/data loading, a Talos-like
/// strategic merge), shared with the unit tests.
#[cfg(test)]
#[path = "../../tests/common/mod.rs"]
pub(crate) mod test_data;

#[cfg(test)]
pub(crate) mod test_support {
    use super::*;
    use crate::patch::{MachineType, PatchInput};

    /// A Talos-generated configuration from ../shared/data
    /// (`talos-machine-configs/<version>/<file>`), or None when the data is absent.
    pub fn talos_config(version: &str, file: &str) -> Option<MachineConfig> {
        let data = test_data::data_dir()?;
        Some(MachineConfig::from_documents(test_data::load_config(
            &data, version, file,
        )))
    }

    /// The base configuration of `version` with the patches
    /// `cilium_talos_patch` generates for it (defaults: KPR on, KubePrism on).
    pub fn patched_config(version: &str, machine_type: MachineType) -> Option<MachineConfig> {
        let data = test_data::data_dir()?;
        let file = format!("base-{}.yaml", machine_type.as_str());
        let base = test_data::load_config(&data, version, &file);
        let out = crate::patch::generate(&PatchInput::new(version, machine_type)).unwrap();
        let patches: Vec<Value> = out
            .patches
            .iter()
            .flat_map(|p| test_data::yaml_docs(p))
            .collect();
        Some(MachineConfig::from_documents(test_data::apply(
            &base, &patches,
        )))
    }

    /// A topology with only machine configurations.
    pub fn configs(c: Vec<MachineConfig>) -> Topology {
        Topology {
            machine_configs: c,
            ..Default::default()
        }
    }

    /// Parses a small (multi-document) YAML fixture.
    pub fn config_yaml(text: &str) -> MachineConfig {
        MachineConfig::from_documents(test_data::yaml_docs(text))
    }

    pub fn versioned<'a>(
        values: &'a Value,
        cilium: Option<&'a CiliumVersion>,
        talos: Option<&'a TalosVersion>,
        t: Option<&'a Topology>,
    ) -> RuleInput<'a> {
        RuleInput {
            talos_version: talos,
            cilium_version: cilium,
            kubeprism: None,
            topology: t,
            values,
        }
    }

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

    /// Talos-generated configurations of every version (../shared/data) with
    /// the patches and values of `cilium_talos_patch`: no rule has anything to
    /// say; the unpatched configurations deploy Flannel and kube-proxy.
    #[test]
    fn talos_correct_setups_pass_every_rule() {
        use crate::patch::MachineType;
        for version in test_data::VERSIONS {
            let Some(cp) = test_support::patched_config(version, MachineType::ControlPlane) else {
                return;
            };
            let worker = test_support::patched_config(version, MachineType::Worker).unwrap();
            let tv = TalosVersion::parse(version).unwrap();
            for cilium in ["1.16.5", "1.18.5", "1.20.0"] {
                let values = test_support::generated_values(Some(cilium));
                let cv = CiliumVersion::parse(cilium).unwrap();
                let t = test_support::configs(vec![cp.clone(), worker.clone()]);
                let input = RuleInput {
                    talos_version: Some(&tv),
                    cilium_version: Some(&cv),
                    kubeprism: Some(KubePrism {
                        enabled: true,
                        port: 7445,
                    }),
                    topology: Some(&t),
                    values: &values,
                };
                let f = run(&input);
                assert!(f.is_empty(), "{version} {cilium}: {f:#?}");
            }
            let base = test_support::talos_config(version, "base-controlplane.yaml").unwrap();
            let values = test_support::generated_values(Some("1.18.5"));
            let t = test_support::configs(vec![base]);
            let codes: Vec<_> = run(&test_support::versioned(&values, None, Some(&tv), Some(&t)))
                .iter()
                .map(|f| f.code)
                .collect();
            assert!(
                codes.contains(&"talos-cni-not-none"),
                "{version}: {codes:?}"
            );
            assert!(
                codes.contains(&"kube-proxy-not-disabled"),
                "{version}: {codes:?}"
            );
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
