//! `cilium_lb_ip_pool`: a `CiliumLoadBalancerIPPool` manifest from typed
//! inputs, with the apiVersion and list field of the Cilium version targeted.
//! The domain (`talos_cilium::manifests::lb_ip_pool`) builds and checks it;
//! this file only translates.

use talos_cilium::manifests::{IpRange, LbIpPoolInput, lb_ip_pool};
use tfplugin::{Attribute, Ctx, DataSource, Diagnostics, Mode, Nesting, Schema, Type, Value};

use super::{
    input_problem_diagnostic, inputs_known, match_labels_of, selector_attribute, string_of,
    strings_of,
};

pub struct LbIpPool;

const INPUTS: &[&str] = &[
    "name",
    "cilium_version",
    "cidrs",
    "ranges",
    "service_selector",
    "disabled",
];

fn input_of(config: &Value) -> LbIpPoolInput {
    let ranges = config
        .get("ranges")
        .and_then(Value::as_elements)
        .map(|rs| {
            rs.iter()
                .map(|r| IpRange {
                    start: string_of(r, "start"),
                    stop: r.get("stop").and_then(Value::as_str).map(str::to_string),
                })
                .collect()
        })
        .unwrap_or_default();
    LbIpPoolInput {
        name: string_of(config, "name"),
        cilium_version: string_of(config, "cilium_version"),
        cidrs: strings_of(config.get("cidrs")).unwrap_or_default(),
        ranges,
        service_selector: match_labels_of(config, "service_selector"),
        disabled: config
            .get("disabled")
            .and_then(Value::as_bool)
            .unwrap_or(false),
    }
}

impl DataSource for LbIpPool {
    fn type_name(&self) -> &str {
        "cilium_lb_ip_pool"
    }

    fn schema(&self) -> Schema {
        Schema::new(
            0,
            "Builds a `CiliumLoadBalancerIPPool` manifest (the addresses Cilium LB-IPAM gives to Services of type \
             `LoadBalancer`) for the Cilium version targeted, checked at plan time. The apiVersion and the list \
             field follow that version: `cilium.io/v2alpha1` with `spec.cidrs` in 1.13-1.14, `cilium.io/v2alpha1` \
             with `spec.blocks` in 1.15-1.17 (start/stop ranges from 1.15), `cilium.io/v2` with `spec.blocks` from \
             1.18. Cilium before 1.13 has no LB-IPAM. Apply the manifest with any Kubernetes tool, or add it to a \
             Talos inline manifest.",
            vec![
                Attribute::new(
                    "name",
                    Type::String,
                    Mode::Required,
                    "Name of the pool (`metadata.name`): a Kubernetes object name (lowercase letters, digits, `-` \
                     and `.`).",
                ),
                Attribute::new(
                    "cilium_version",
                    Type::String,
                    Mode::Required,
                    "Cilium version the cluster runs, e.g. `1.16.5`. Selects the apiVersion and the fields; must be \
                     1.13 or newer.",
                ),
                Attribute::new(
                    "cidrs",
                    Type::list(Type::String),
                    Mode::Optional,
                    "Address blocks as CIDRs, IPv4 or IPv6, e.g. `[\"10.0.0.240/28\"]`. Each must be a network \
                     address (no host bits set). Written first, as `{cidr: ...}` entries. At least one of `cidrs` \
                     and `ranges` must be given.",
                ),
                Attribute::nested(
                    "ranges",
                    Nesting::List,
                    vec![
                        Attribute::new(
                            "start",
                            Type::String,
                            Mode::Required,
                            "First address of the range, e.g. `10.0.0.240`.",
                        ),
                        Attribute::new(
                            "stop",
                            Type::String,
                            Mode::Optional,
                            "Last address of the range (same family, not below `start`). Unset: the range is \
                             the single address `start`.",
                        ),
                    ],
                    Mode::Optional,
                    "Address ranges as start/stop pairs, written after `cidrs` as `{start, stop}` entries. Cilium \
                     1.15 or newer.",
                ),
                selector_attribute("service_selector", "Service"),
                Attribute::new(
                    "disabled",
                    Type::Bool,
                    Mode::Optional,
                    "When `true`, no new addresses are allocated from the pool (existing allocations stay). \
                     Default `false`.",
                ),
                Attribute::new(
                    "manifest",
                    Type::String,
                    Mode::Computed,
                    "The `CiliumLoadBalancerIPPool` as one YAML document.",
                ),
                Attribute::new(
                    "api_version",
                    Type::String,
                    Mode::Computed,
                    "The apiVersion written: `cilium.io/v2` (Cilium 1.18+) or `cilium.io/v2alpha1`.",
                ),
                Attribute::new("id", Type::String, Mode::Computed, "The pool name."),
            ],
        )
    }

    fn validate(&self, _ctx: &Ctx, config: &Value) -> Diagnostics {
        // Checked here when everything is known, so the errors point at the
        // attribute in the configuration; read() checks the rest.
        if !inputs_known(config, INPUTS) {
            return Vec::new();
        }
        match lb_ip_pool(&input_of(config)) {
            Ok(_) => Vec::new(),
            Err(problems) => problems
                .into_iter()
                .filter(|p| p.is_error())
                .map(input_problem_diagnostic)
                .collect(),
        }
    }

    fn read(&self, _ctx: &Ctx, config: Value) -> (Value, Diagnostics) {
        match lb_ip_pool(&input_of(&config)) {
            Ok(pool) => {
                let mut state = config;
                state.set("manifest", Value::String(pool.manifest));
                state.set("api_version", Value::string(pool.api_version));
                state.set("id", Value::string(string_of(&state, "name")));
                let diags = pool
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
    use tfplugin::Provider;

    fn config(pairs: &[(&str, Value)]) -> Value {
        let mut v = Value::object(INPUTS.iter().map(|n| (*n, Value::Null)));
        for (k, val) in pairs {
            v.set(k, val.clone());
        }
        v
    }

    #[test]
    fn registered() {
        let p = crate::provider::CiliumProvider::new();
        assert!(
            p.data_sources()
                .iter()
                .any(|d| d.type_name() == "cilium_lb_ip_pool")
        );
    }

    #[test]
    fn reads_a_manifest() {
        let c = config(&[
            ("name", Value::string("blue")),
            ("cilium_version", Value::string("1.18.5")),
            ("cidrs", Value::List(vec![Value::string("10.0.0.240/28")])),
            (
                "ranges",
                Value::List(vec![Value::object([
                    ("start", Value::string("10.0.1.1")),
                    ("stop", Value::Null),
                ])]),
            ),
            (
                "service_selector",
                Value::object([(
                    "match_labels",
                    Value::Map([("color".to_string(), Value::string("blue"))].into()),
                )]),
            ),
        ]);
        let (state, diags) = LbIpPool.read(&Ctx::default(), c);
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(
            state.get("api_version"),
            Some(&Value::string("cilium.io/v2"))
        );
        assert_eq!(state.get("id"), Some(&Value::string("blue")));
        let m = state.get("manifest").and_then(Value::as_str).unwrap();
        assert!(
            m.contains("  blocks:\n    - cidr: 10.0.0.240/28\n    - start: \"10.0.1.1\"\n"),
            "{m}"
        );
        assert!(m.contains("matchLabels:\n      color: blue\n"), "{m}");
    }

    #[test]
    fn bad_cidr_points_at_the_element() {
        let c = config(&[
            ("name", Value::string("blue")),
            ("cilium_version", Value::string("1.16.5")),
            (
                "cidrs",
                Value::List(vec![
                    Value::string("10.0.0.0/24"),
                    Value::string("10.0.0.1/24"),
                ]),
            ),
        ]);
        let d = LbIpPool.validate(&Ctx::default(), &c);
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(
            d[0].path,
            Some(tfplugin::AttributePath::attr("cidrs").then_index(1))
        );
        assert!(d[0].detail.starts_with("cidrs[1]: "), "{}", d[0].detail);
        // unknown inputs: nothing to say yet
        let mut u = c.clone();
        u.set("cidrs", Value::List(vec![Value::UNKNOWN]));
        assert!(LbIpPool.validate(&Ctx::default(), &u).is_empty());
    }
}
