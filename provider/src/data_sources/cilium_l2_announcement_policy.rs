//! `cilium_l2_announcement_policy`: a `CiliumL2AnnouncementPolicy` manifest
//! from typed inputs, interface regexes anchored. The domain
//! (`talos_cilium::manifests::l2_announcement_policy`) builds and checks it;
//! this file only translates.

use talos_cilium::manifests::{L2AnnouncementPolicyInput, l2_announcement_policy};
use tfplugin::{Attribute, Ctx, DataSource, Diagnostics, Mode, Schema, Type, Value};

use super::{
    input_problem_diagnostic, inputs_known, match_labels_of, selector_attribute, string_of,
    strings_of,
};

pub struct L2AnnouncementPolicy;

const INPUTS: &[&str] = &[
    "name",
    "cilium_version",
    "interfaces",
    "external_ips",
    "load_balancer_ips",
    "service_selector",
    "node_selector",
];

fn input_of(config: &Value) -> L2AnnouncementPolicyInput {
    let b = |n: &str| config.get(n).and_then(Value::as_bool).unwrap_or(false);
    L2AnnouncementPolicyInput {
        name: string_of(config, "name"),
        cilium_version: string_of(config, "cilium_version"),
        interfaces: strings_of(config.get("interfaces")),
        external_ips: b("external_ips"),
        load_balancer_ips: b("load_balancer_ips"),
        service_selector: match_labels_of(config, "service_selector"),
        node_selector: match_labels_of(config, "node_selector"),
    }
}

impl DataSource for L2AnnouncementPolicy {
    fn type_name(&self) -> &str {
        "cilium_l2_announcement_policy"
    }

    fn schema(&self) -> Schema {
        Schema::new(
            0,
            "Builds a `CiliumL2AnnouncementPolicy` manifest (which nodes answer ARP for which Service addresses, on \
             which interfaces) for the Cilium version targeted, checked at plan time. The kind exists from Cilium \
             1.14 and is served as `cilium.io/v2alpha1` (1.14 through 1.20). Interface regexes are anchored: Cilium \
             matches them unanchored, so `eth0` would also select `veth0abc`; the provider writes `^eth0$`. L2 \
             announcements also need `l2announcements.enabled=true` and `kubeProxyReplacement=true` in the Cilium \
             values.",
            vec![
                Attribute::new(
                    "name",
                    Type::String,
                    Mode::Required,
                    "Name of the policy (`metadata.name`): a Kubernetes object name (lowercase letters, digits, \
                     `-` and `.`).",
                ),
                Attribute::new(
                    "cilium_version",
                    Type::String,
                    Mode::Required,
                    "Cilium version the cluster runs, e.g. `1.16.5`; must be 1.14 or newer.",
                ),
                Attribute::new(
                    "interfaces",
                    Type::list(Type::String),
                    Mode::Optional,
                    "Interfaces to announce on, as regular expressions (RE2/Go syntax, checked at plan time). The \
                     provider anchors each one to match whole interface names: `eth0` is written as `^eth0$`, and a \
                     pattern with `|` is grouped first (`eth0|ens18` becomes `^(?:eth0|ens18)$`). A pattern that \
                     already starts with `^` or ends with `$` is kept as written, so `^ens` still matches every \
                     name starting with `ens`. Unset or empty: every interface.",
                ),
                Attribute::new(
                    "external_ips",
                    Type::Bool,
                    Mode::Optional,
                    "Announce Services' `externalIPs` (`spec.externalIPs`). Default `false`. Charts up to 1.17.5 \
                     also need `externalIPs.enabled=true` in the values.",
                ),
                Attribute::new(
                    "load_balancer_ips",
                    Type::Bool,
                    Mode::Optional,
                    "Announce the LoadBalancer addresses assigned by LB-IPAM (`spec.loadBalancerIPs`). Default \
                     `false`; at least one of `external_ips` and `load_balancer_ips` must be `true`.",
                ),
                selector_attribute("service_selector", "Service"),
                selector_attribute("node_selector", "node"),
                Attribute::new(
                    "manifest",
                    Type::String,
                    Mode::Computed,
                    "The `CiliumL2AnnouncementPolicy` as one YAML document.",
                ),
                Attribute::new("id", Type::String, Mode::Computed, "The policy name."),
            ],
        )
    }

    fn validate(&self, _ctx: &Ctx, config: &Value) -> Diagnostics {
        // Checked here when everything is known, so the errors point at the
        // attribute in the configuration; read() checks the rest.
        if !inputs_known(config, INPUTS) {
            return Vec::new();
        }
        match l2_announcement_policy(&input_of(config)) {
            Ok(_) => Vec::new(),
            Err(problems) => problems
                .into_iter()
                .filter(|p| p.is_error())
                .map(input_problem_diagnostic)
                .collect(),
        }
    }

    fn read(&self, _ctx: &Ctx, config: Value) -> (Value, Diagnostics) {
        match l2_announcement_policy(&input_of(&config)) {
            Ok(policy) => {
                let mut state = config;
                state.set("manifest", Value::String(policy.manifest));
                state.set("id", Value::string(string_of(&state, "name")));
                let diags = policy
                    .warnings
                    .into_iter()
                    .map(input_problem_diagnostic)
                    .collect();
                (state, diags)
            }
            Err(problems) => (
                Value::Null,
                problems.into_iter().map(input_problem_diagnostic).collect(),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(pairs: &[(&str, Value)]) -> Value {
        let mut v = Value::object(INPUTS.iter().map(|n| (*n, Value::Null)));
        for (k, val) in pairs {
            v.set(k, val.clone());
        }
        v
    }

    #[test]
    fn reads_a_manifest_with_anchored_interfaces() {
        let c = config(&[
            ("name", Value::string("l2")),
            ("cilium_version", Value::string("1.16.5")),
            (
                "interfaces",
                Value::List(vec![Value::string("eth0"), Value::string("^ens")]),
            ),
            ("load_balancer_ips", Value::Bool(true)),
        ]);
        let (state, diags) = L2AnnouncementPolicy.read(&Ctx::default(), c);
        assert!(diags.is_empty(), "{diags:?}");
        let m = state.get("manifest").and_then(Value::as_str).unwrap();
        assert!(
            m.contains("  interfaces:\n    - \"^eth0$\"\n    - \"^ens\"\n"),
            "{m}"
        );
        assert!(m.starts_with("apiVersion: cilium.io/v2alpha1\n"), "{m}");
    }

    #[test]
    fn old_cilium_and_bad_regex_are_errors_at_their_attribute() {
        let c = config(&[
            ("name", Value::string("l2")),
            ("cilium_version", Value::string("1.13.4")),
            (
                "interfaces",
                Value::List(vec![Value::string("eth0"), Value::string("ens(")]),
            ),
            ("external_ips", Value::Bool(true)),
        ]);
        let d = L2AnnouncementPolicy.validate(&Ctx::default(), &c);
        let paths: Vec<_> = d.iter().map(|d| d.path.clone()).collect();
        assert_eq!(
            paths,
            [
                Some(tfplugin::AttributePath::attr("cilium_version")),
                Some(tfplugin::AttributePath::attr("interfaces").then_index(1)),
            ]
        );
    }
}
