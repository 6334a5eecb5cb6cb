//! The smallest provider this crate can serve: one resource type named like
//! `cilium_talos_patch` with two required strings, accepted as planned. It
//! does no domain work, so `scripts/bench-plan.sh` uses it to show the floor
//! of any provider on this protocol layer: what Terraform itself spends per
//! plugin launch (certificate generation, process start, connection) next to
//! what the real provider adds.
//! With `FLOOR_PLANNED_VALUES=<file>` (a JSON object, e.g. one resource's
//! `values` from `terraform show -json`) it declares each other key of that
//! object as a computed attribute and plans those values for every resource,
//! so the benchmark can show what Terraform itself spends on planned values
//! of the real provider's shape.
//! Build: cargo build --release -p tfplugin --bin floor-provider
//! (a binary, not an example: examples link the dev-dependencies, which turn
//! on aws-lc in rcgen and cost ~30 ms per launch).

use std::sync::Arc;

use tfplugin::{
    Attribute, Ctx, Mode, PlanRequest, PlanResponse, Provider, Resource, Schema, Type, Value,
};

const INPUTS: [&str; 2] = ["talos_version", "machine_type"];

/// The type of a JSON value as Terraform would show it: strings, numbers,
/// bools and lists of those. Anything else is refused.
fn type_of(v: &serde_json::Value) -> Result<Type, String> {
    use serde_json::Value as J;
    Ok(match v {
        J::String(_) => Type::String,
        J::Number(_) => Type::Number,
        J::Bool(_) => Type::Bool,
        J::Array(items) => Type::list(match items.first() {
            Some(first) => type_of(first)?,
            None => Type::String,
        }),
        other => return Err(format!("unsupported value {other}")),
    })
}

/// Computed attributes and their planned values, read from the file named by
/// FLOOR_PLANNED_VALUES (none without it).
fn replayed() -> Result<Vec<(String, Type, Value)>, String> {
    let Ok(path) = std::env::var("FLOOR_PLANNED_VALUES") else {
        return Ok(Vec::new());
    };
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{path}: {e}"))?;
    let json: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| format!("{path}: {e}"))?;
    let obj = json
        .as_object()
        .ok_or(format!("{path}: not a JSON object"))?;
    let mut out = Vec::new();
    for (name, v) in obj {
        if INPUTS.contains(&name.as_str()) || v.is_null() {
            continue;
        }
        let ty = type_of(v).map_err(|e| format!("{path}: {name}: {e}"))?;
        let value = Value::from_json(v, &ty).map_err(|e| format!("{path}: {name}: {e}"))?;
        out.push((name.clone(), ty, value));
    }
    Ok(out)
}

struct Patch {
    computed: Vec<(String, Type, Value)>,
}

impl Resource for Patch {
    fn type_name(&self) -> &str {
        "cilium_talos_patch"
    }
    fn schema(&self) -> Schema {
        Schema::new(
            0,
            "Accepts its inputs and computes nothing.",
            vec![
                Attribute::new("talos_version", Type::String, Mode::Required, "Any string."),
                Attribute::new("machine_type", Type::String, Mode::Required, "Any string."),
            ]
            .into_iter()
            .chain(
                self.computed.iter().map(|(name, ty, _)| {
                    Attribute::new(name, ty.clone(), Mode::Computed, "Replayed.")
                }),
            )
            .collect(),
        )
    }
    fn plan(&self, _ctx: &Ctx, req: PlanRequest) -> PlanResponse {
        let mut planned = req.proposed_new_state;
        if !planned.is_null() {
            for (name, _, value) in &self.computed {
                planned.set(name, value.clone());
            }
        }
        PlanResponse {
            planned_state: planned,
            planned_private: req.prior_private,
            ..Default::default()
        }
    }
}

struct Floor(Arc<Patch>);

impl Provider for Floor {
    fn type_name(&self) -> &str {
        "cilium"
    }
    fn schema(&self) -> Schema {
        Schema::new(0, "A provider that does nothing.", Vec::new())
    }
    fn resources(&self) -> Vec<Arc<dyn Resource>> {
        vec![self.0.clone()]
    }
}

fn main() {
    if !tfplugin::launched_by_terraform() {
        eprintln!("floor-provider: a benchmark reference; Terraform starts it");
        std::process::exit(2);
    }
    let computed = match replayed() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("floor-provider: {e}");
            std::process::exit(1);
        }
    };
    if let Err(e) = tfplugin::serve(Floor(Arc::new(Patch { computed }))) {
        eprintln!("Error: {e}");
        std::process::exit(1);
    }
}
