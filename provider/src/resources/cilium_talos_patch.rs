//! `cilium_talos_patch`: the Talos machine-config patches for Cilium and the
//! matching Cilium Helm values, computed entirely at plan time.

use sha2::{Digest, Sha256};
use talos_cilium::facts;
use talos_cilium::patch::{ConfigFormat, MachineType};
use talos_cilium::{PatchInput, Problem};
use tfplugin::{
    ApplyRequest, Attribute, AttributePath, Ctx, Diagnostic, Diagnostics, Mode, PlanRequest,
    PlanResponse, Resource, Schema, StateResponse, Type, Value,
};

pub struct TalosPatch;

/// Current schema version. Version 0 had `kube_proxy_enabled` (the inverse of
/// `kube_proxy_replacement`) and a single `patch` string instead of `patches`.
pub const SCHEMA_VERSION: i64 = 1;

/// Attributes computed by the provider from the inputs.
const OUTPUTS: &[&str] = &["id", "patches", "helm_values", "format"];

/// Inputs with a default, and that default.
fn defaults() -> Vec<(&'static str, Value)> {
    vec![
        ("kube_proxy_replacement", Value::Bool(true)),
        ("kubeprism_enabled", Value::Bool(true)),
        (
            "kubeprism_port",
            Value::int(i64::from(facts::DEFAULT_KUBEPRISM_PORT)),
        ),
        (
            "pod_subnets",
            Value::List(vec![Value::string(facts::DEFAULT_POD_SUBNET)]),
        ),
        (
            "service_subnets",
            Value::List(vec![Value::string(facts::DEFAULT_SERVICE_SUBNET)]),
        ),
        ("config_format", Value::string("auto")),
    ]
}

impl Resource for TalosPatch {
    fn type_name(&self) -> &str {
        "cilium_talos_patch"
    }

    fn schema(&self) -> Schema {
        let str_list = Type::list(Type::String);
        Schema::new(
            SCHEMA_VERSION,
            "The Talos machine-configuration patches that prepare a node for Cilium (no built-in CNI, kube-proxy \
             off when Cilium replaces it, KubePrism, pod and service subnets), in the form the targeted Talos \
             version expects, plus the Cilium Helm values that match them. Everything is computed at plan time: \
             `terraform plan` shows the real patches whenever the inputs are known.",
            vec![
                Attribute::new(
                    "talos_version",
                    Type::String,
                    Mode::Required,
                    "Talos version of the nodes, e.g. `v1.13`, `1.14.0` or `v1.14.0-rc.1`. Up to 1.13 the patch sets \
                     `cluster.*` fields of the v1alpha1 document; from 1.14 it uses the `Kube*Config` documents.",
                ),
                Attribute::new(
                    "machine_type",
                    Type::String,
                    Mode::Required,
                    "`controlplane` or `worker`. Control-plane-only settings (disabling kube-proxy and the Flannel \
                     CNI on Talos 1.14+) are left out of worker patches, where Talos would reject them.",
                ),
                Attribute::new(
                    "kube_proxy_replacement",
                    Type::Bool,
                    Mode::OptionalComputed,
                    "Whether Cilium replaces kube-proxy (default `true`). When `true` the patch disables kube-proxy \
                     and the values set `kubeProxyReplacement: true` with the API server reached through KubePrism.",
                ),
                Attribute::new(
                    "kubeprism_enabled",
                    Type::Bool,
                    Mode::OptionalComputed,
                    "Whether KubePrism (the node-local API server load balancer, Talos 1.5+) is on (default `true`). \
                     With KubePrism off and `kube_proxy_replacement` on, `cluster_endpoint` is required.",
                ),
                Attribute::new(
                    "kubeprism_port",
                    Type::Number,
                    Mode::OptionalComputed,
                    "KubePrism port (default `7445`). Set once here, it flows into both the patch and \
                     `k8sServicePort` of the values.",
                ),
                Attribute::new(
                    "pod_subnets",
                    str_list.clone(),
                    Mode::OptionalComputed,
                    "Pod CIDRs (default `[\"10.244.0.0/16\"]`, Talos' default). Cilium's `ipam.mode: kubernetes` \
                     takes pod addresses from these.",
                ),
                Attribute::new(
                    "service_subnets",
                    str_list.clone(),
                    Mode::OptionalComputed,
                    "Service CIDRs (default `[\"10.96.0.0/12\"]`, Talos' default).",
                ),
                Attribute::new(
                    "cilium_version",
                    Type::String,
                    Mode::Optional,
                    "Cilium chart version, when known (e.g. `1.18.5`). Used for version-specific values, such as \
                     keeping `SYSLOG` in the agent's capabilities from 1.19.",
                ),
                Attribute::new(
                    "cluster_endpoint",
                    Type::String,
                    Mode::Optional,
                    "Kubernetes API server URL (`https://HOST[:PORT]`). Only used, and then required, when KubePrism \
                     is off and Cilium replaces kube-proxy.",
                ),
                Attribute::new(
                    "config_format",
                    Type::String,
                    Mode::OptionalComputed,
                    "`auto` (default: `legacy` up to Talos 1.13, `multidoc` from 1.14), `legacy` or `multidoc`. Use \
                     `legacy` on Talos 1.14+ when the cluster's configs were generated with a version contract up \
                     to 1.13: Talos rejects `Kube*Config` documents next to the legacy `cluster.*` fields.",
                ),
                Attribute::new(
                    "id",
                    Type::String,
                    Mode::Computed,
                    "SHA-256 of the generated patches and values.",
                ),
                Attribute::new(
                    "patches",
                    str_list,
                    Mode::Computed,
                    "Machine-configuration patches (YAML), for `config_patches` of `talos_machine_configuration`.",
                ),
                Attribute::new(
                    "helm_values",
                    Type::String,
                    Mode::Computed,
                    "Cilium Helm values (YAML) consistent with the patches: IPAM mode, kube-proxy replacement, \
                     API server host and port, capabilities without `SYS_MODULE`, cgroup settings.",
                ),
                Attribute::new(
                    "format",
                    Type::String,
                    Mode::Computed,
                    "The machine-configuration form used: `legacy` or `multidoc`.",
                ),
            ],
        )
    }

    fn validate(&self, _ctx: &Ctx, config: &Value) -> Diagnostics {
        let config = super::with_defaults(config.clone(), defaults());
        let (input, mut problems) = read_input(&config);
        problems.extend(talos_cilium::validate_input(&input));
        problems
            .into_iter()
            .filter(|p| depends_on_known(&config, p))
            .map(problem_to_diagnostic)
            .collect()
    }

    fn plan(&self, _ctx: &Ctx, req: PlanRequest) -> PlanResponse {
        if req.proposed_new_state.is_null() {
            return PlanResponse {
                planned_state: Value::Null,
                ..Default::default()
            };
        }
        let planned = super::with_defaults(req.proposed_new_state, defaults());
        let (planned, diagnostics) = compute(planned);
        PlanResponse {
            planned_state: planned,
            planned_private: Vec::new(),
            requires_replace: Vec::new(),
            diagnostics,
        }
    }

    fn apply(&self, _ctx: &Ctx, req: ApplyRequest) -> StateResponse {
        if req.planned_state.is_null() {
            return StateResponse::default();
        }
        // Planned values are final when they were known at plan time; anything
        // unknown then (inputs from other resources) is computed now.
        let (state, diagnostics) = compute(req.planned_state);
        StateResponse {
            new_state: state,
            private: Vec::new(),
            diagnostics,
        }
    }

    fn import(&self, _ctx: &Ctx, id: &str) -> Result<Value, Diagnostics> {
        let Some((version, machine)) = id.split_once('/') else {
            return Err(vec![Diagnostic::error(
                "Invalid import ID",
                format!("{id:?} is not TALOS_VERSION/MACHINE_TYPE, e.g. \"v1.13/controlplane\"."),
            )]);
        };
        let mut state = empty_state();
        state.set("talos_version", Value::string(version));
        state.set("machine_type", Value::string(machine));
        let (state, d) = compute(super::with_defaults(state, defaults()));
        if tfplugin::has_errors(&d) {
            Err(d)
        } else {
            Ok(state)
        }
    }

    fn upgrade_state(
        &self,
        _ctx: &Ctx,
        version: i64,
        state: serde_json::Value,
    ) -> Result<serde_json::Value, Diagnostics> {
        if version != 0 {
            return Err(vec![Diagnostic::error(
                "Unsupported state version",
                format!("cilium_talos_patch state version {version} is unknown to this provider."),
            )]);
        }
        upgrade_v0(state)
    }
}

/// Version 0 → 1: `kube_proxy_enabled` became `kube_proxy_replacement` (its
/// inverse) and the single `patch` string became the `patches` list.
fn upgrade_v0(mut state: serde_json::Value) -> Result<serde_json::Value, Diagnostics> {
    let Some(obj) = state.as_object_mut() else {
        return Err(vec![Diagnostic::error(
            "Invalid stored state",
            "The version 0 state is not a JSON object.",
        )]);
    };
    let kube_proxy_enabled = obj
        .remove("kube_proxy_enabled")
        .and_then(|v| v.as_bool())
        .unwrap_or(false);
    obj.insert(
        "kube_proxy_replacement".into(),
        serde_json::Value::Bool(!kube_proxy_enabled),
    );
    let patch = obj.remove("patch");
    obj.insert(
        "patches".into(),
        match patch {
            Some(serde_json::Value::String(p)) => serde_json::json!([p]),
            _ => serde_json::Value::Null,
        },
    );
    for name in [
        "config_format",
        "format",
        "cilium_version",
        "cluster_endpoint",
    ] {
        obj.entry(name).or_insert(serde_json::Value::Null);
    }
    Ok(state)
}

fn empty_state() -> Value {
    let ty = TalosPatch.schema().value_type();
    let Type::Object(attrs) = ty else {
        return Value::Null;
    };
    Value::Object(attrs.keys().map(|k| (k.clone(), Value::Null)).collect())
}

const INPUTS: &[&str] = &[
    "talos_version",
    "machine_type",
    "kube_proxy_replacement",
    "kubeprism_enabled",
    "kubeprism_port",
    "pod_subnets",
    "service_subnets",
    "cilium_version",
    "cluster_endpoint",
    "config_format",
];

fn known(v: &Value, name: &str) -> bool {
    v.get(name).is_none_or(Value::is_wholly_known)
}

/// The inputs a problem about `field` depends on.
fn dependencies(field: &str) -> &'static [&'static str] {
    match field {
        "cluster_endpoint" => &[
            "cluster_endpoint",
            "kube_proxy_replacement",
            "kubeprism_enabled",
        ],
        "config_format" => &["config_format", "talos_version"],
        "pod_subnets" | "service_subnets" => &["pod_subnets", "service_subnets"],
        "talos_version" => &["talos_version"],
        "machine_type" => &["machine_type"],
        "kubeprism_port" => &["kubeprism_port"],
        "cilium_version" => &["cilium_version"],
        _ => INPUTS,
    }
}

fn depends_on_known(config: &Value, p: &Problem) -> bool {
    dependencies(p.field).iter().all(|f| known(config, f))
}

/// The domain input from a configuration, plus problems with the enumerated
/// inputs (which the domain takes already parsed).
fn read_input(v: &Value) -> (PatchInput, Vec<Problem>) {
    let s = |n: &str| v.get(n).and_then(Value::as_str).map(str::to_string);
    let b = |n: &str, d: bool| v.get(n).and_then(Value::as_bool).unwrap_or(d);
    let list = |n: &str, d: &str| match v.get(n).and_then(Value::as_elements) {
        Some(items) => items
            .iter()
            .map(|i| i.as_str().unwrap_or_default().to_string())
            .collect(),
        None => vec![d.to_string()],
    };
    let port = match v.get("kubeprism_port").and_then(Value::as_number) {
        Some(n) => n.as_i64().unwrap_or(-1),
        None => i64::from(facts::DEFAULT_KUBEPRISM_PORT),
    };
    let mut problems = Vec::new();
    let machine_type = s("machine_type").unwrap_or_default();
    let machine = MachineType::parse(&machine_type).unwrap_or_else(|| {
        problems.push(Problem {
            field: "machine_type",
            index: None,
            summary: "Invalid machine type".into(),
            detail: format!(
                "{machine_type:?} is not a machine type: use \"controlplane\" or \"worker\"."
            ),
        });
        MachineType::ControlPlane
    });
    let format_name = s("config_format").unwrap_or_else(|| "auto".into());
    let config_format = ConfigFormat::parse(&format_name).unwrap_or_else(|| {
        problems.push(Problem {
            field: "config_format",
            index: None,
            summary: "Invalid config format".into(),
            detail: format!(
                "{format_name:?} is not a config format: use \"auto\", \"legacy\" or \"multidoc\"."
            ),
        });
        ConfigFormat::Auto
    });
    let input = PatchInput {
        talos_version: s("talos_version").unwrap_or_default(),
        machine_type: machine,
        kube_proxy_replacement: b("kube_proxy_replacement", true),
        kubeprism_enabled: b("kubeprism_enabled", true),
        kubeprism_port: port,
        pod_subnets: list("pod_subnets", facts::DEFAULT_POD_SUBNET),
        service_subnets: list("service_subnets", facts::DEFAULT_SERVICE_SUBNET),
        cilium_version: s("cilium_version"),
        cluster_endpoint: s("cluster_endpoint"),
        config_format,
    };
    (input, problems)
}

/// Computes the outputs from the inputs in `v`: all unknown when any input is.
fn compute(v: Value) -> (Value, Diagnostics) {
    if !INPUTS.iter().all(|n| known(&v, n)) {
        return (v.with_unknown(OUTPUTS), Vec::new());
    }
    let (input, problems) = read_input(&v);
    if !problems.is_empty() {
        return (
            v.with_unknown(OUTPUTS),
            problems.into_iter().map(problem_to_diagnostic).collect(),
        );
    }
    match talos_cilium::generate(&input) {
        Ok(out) => {
            let mut h = Sha256::new();
            for p in &out.patches {
                h.update(p.as_bytes());
                h.update([0]);
            }
            h.update(out.helm_values.as_bytes());
            let id: String = h.finalize().iter().map(|b| format!("{b:02x}")).collect();
            let mut v = v;
            v.set("id", Value::string(id));
            v.set(
                "patches",
                Value::List(out.patches.into_iter().map(Value::String).collect()),
            );
            v.set("helm_values", Value::String(out.helm_values));
            v.set(
                "format",
                Value::string(match out.summary.format {
                    talos_cilium::patch::EmittedFormat::Legacy => "legacy",
                    talos_cilium::patch::EmittedFormat::MultiDocument => "multidoc",
                }),
            );
            (v, Vec::new())
        }
        Err(problems) => (
            v.with_unknown(OUTPUTS),
            problems.into_iter().map(problem_to_diagnostic).collect(),
        ),
    }
}

fn problem_to_diagnostic(p: Problem) -> Diagnostic {
    let mut path = AttributePath::attr(p.field);
    if let Some(i) = p.index {
        path = path.then_index(i);
    }
    Diagnostic::error(p.summary, p.detail).at(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(pairs: &[(&str, Value)]) -> Value {
        let mut v = empty_state();
        for (k, val) in pairs {
            v.set(k, val.clone());
        }
        v
    }

    #[test]
    fn unknown_input_makes_every_output_unknown() {
        let c = config(&[
            ("talos_version", Value::UNKNOWN),
            ("machine_type", Value::string("worker")),
        ]);
        let r = TalosPatch.plan(
            &Ctx::default(),
            PlanRequest {
                prior_state: Value::Null,
                proposed_new_state: c.clone(),
                config: c,
                prior_private: vec![],
            },
        );
        for o in OUTPUTS {
            assert!(r.planned_state.get(o).unwrap().is_unknown(), "{o}");
        }
        assert!(r.diagnostics.is_empty());
    }

    #[test]
    fn known_inputs_give_known_outputs_and_apply_keeps_them() {
        let c = config(&[
            ("talos_version", Value::string("v1.13")),
            ("machine_type", Value::string("controlplane")),
        ]);
        let r = TalosPatch.plan(
            &Ctx::default(),
            PlanRequest {
                prior_state: Value::Null,
                proposed_new_state: c.clone(),
                config: c.clone(),
                prior_private: vec![],
            },
        );
        assert!(r.planned_state.is_wholly_known());
        let applied = TalosPatch.apply(
            &Ctx::default(),
            ApplyRequest {
                prior_state: Value::Null,
                planned_state: r.planned_state.clone(),
                config: c,
                planned_private: vec![],
            },
        );
        assert_eq!(applied.new_state, r.planned_state);
    }

    #[test]
    fn validation_skips_problems_of_unknown_inputs() {
        let c = config(&[
            ("talos_version", Value::string("nonsense")),
            ("machine_type", Value::UNKNOWN),
            ("kubeprism_port", Value::int(0)),
        ]);
        let d = TalosPatch.validate(&Ctx::default(), &c);
        let paths: Vec<String> = d
            .iter()
            .map(|d| d.path.as_ref().unwrap().to_string())
            .collect();
        assert!(paths.contains(&"talos_version".to_string()));
        assert!(paths.contains(&"kubeprism_port".to_string()));
        assert!(!paths.contains(&"machine_type".to_string()), "{paths:?}");
    }

    #[test]
    fn v0_state_upgrades() {
        let v0 = serde_json::json!({
            "id": "x", "talos_version": "v1.13", "machine_type": "controlplane", "kube_proxy_enabled": false,
            "kubeprism_enabled": true, "kubeprism_port": 7445, "pod_subnets": ["10.244.0.0/16"],
            "service_subnets": ["10.96.0.0/12"], "helm_values": "v", "patch": "p"
        });
        let up = upgrade_v0(v0).unwrap();
        assert_eq!(up["kube_proxy_replacement"], true);
        assert_eq!(up["patches"], serde_json::json!(["p"]));
        let ty = TalosPatch.schema().value_type();
        assert!(Value::from_json(&up, &ty).is_ok());
    }
}
