//! The Talos × Cilium domain, pure: version contracts, the machine-config
//! patches Cilium needs, the Talos-correct Cilium values, and the version facts
//! they rest on. No I/O, no async, no Terraform types: data in, data out,
//! problems as data.

pub mod facts;
pub mod patch;
pub mod version;
pub mod yaml;

pub use patch::{ConfigFormat, MachineType, PatchInput, PatchOutput, Problem, build, validate};
pub use version::{Version, VersionError};
