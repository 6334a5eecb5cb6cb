//! Managed resources, one file each (same stem as the example, doc and acceptance test).
pub mod cilium_inline_manifest;
pub mod cilium_talos_patch;

use tfplugin::Value;

/// Fills null inputs of `v` with their defaults (unknown values stay unknown).
pub(crate) fn with_defaults(mut v: Value, defaults: Vec<(&'static str, Value)>) -> Value {
    for (name, default) in defaults {
        if v.get(name).is_none_or(Value::is_null) {
            v.set(name, default);
        }
    }
    v
}
