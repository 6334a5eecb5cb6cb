//! Data sources, one file each (same stem as the example, doc and acceptance test).
pub mod cilium_validation;
