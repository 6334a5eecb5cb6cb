//! The smallest provider this crate can serve: one resource type named like
//! `cilium_talos_patch` with two required strings, accepted as planned. It
//! does no domain work, so `scripts/bench-plan.sh` uses it to show the floor
//! of any provider on this protocol layer: what Terraform itself spends per
//! plugin launch (certificate generation, process start, connection) next to
//! what the real provider adds.
//! Build: cargo build --release -p tfplugin --bin floor-provider
//! (a binary, not an example: examples link the dev-dependencies, which turn
//! on aws-lc in rcgen and cost ~30 ms per launch).

use std::sync::Arc;

use tfplugin::{Attribute, Mode, Provider, Resource, Schema, Type};

struct Patch;

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
            ],
        )
    }
}

struct Floor;

impl Provider for Floor {
    fn type_name(&self) -> &str {
        "cilium"
    }
    fn schema(&self) -> Schema {
        Schema::new(0, "A provider that does nothing.", Vec::new())
    }
    fn resources(&self) -> Vec<Arc<dyn Resource>> {
        vec![Arc::new(Patch)]
    }
}

fn main() {
    if !tfplugin::launched_by_terraform() {
        eprintln!("floor-provider: a benchmark reference; Terraform starts it");
        std::process::exit(2);
    }
    if let Err(e) = tfplugin::serve(Floor) {
        eprintln!("Error: {e}");
        std::process::exit(1);
    }
}
