//! Managed resources, one file each (same stem as the example, doc and acceptance test).
pub mod cilium_inline_manifest;
pub mod cilium_talos_patch;
