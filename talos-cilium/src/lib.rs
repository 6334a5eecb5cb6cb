//! Talos × Cilium domain logic, pure: version facts, Talos machine-config
//! patches and Talos-correct Cilium Helm values, and (later) the rules catalog.
//!
//! No I/O, no async, no Terraform or gRPC types: plain data in, data out,
//! errors as data ([`Problem`], [`Finding`]).
//!
//! The crate README follows (its example is compiled as a doctest).
#![doc = include_str!("../README.md")]

pub mod chart_keys;
pub mod facts;
pub mod finding;
pub mod gateway_api;
pub mod inline;
pub mod machine_config;
pub mod manifests;
pub mod net;
pub mod patch;
pub mod rules;
pub mod version;
pub mod yaml;

pub use finding::{Finding, Problem, Severity};
pub use patch::{
    ConfigFormat, EmittedFormat, MachineType, PatchInput, PatchOutput, PatchSummary, generate,
    validate_input,
};
pub use version::{CiliumVersion, KubernetesVersion, TalosVersion, VersionError};
