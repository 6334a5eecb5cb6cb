//! Helm charts rendered natively: chart loading with limits, values (files, `--set`
//! family, coalescing), and the output assembly of `helm template` (v4).
//!
//! Knows nothing of Terraform or Talos. Semantic versions come from `sprig::semver`
//! (Masterminds/semver v3 rules), re-exported as [`semver`].

pub mod capabilities;
pub mod chart;
pub mod engine;
pub mod files;
pub mod ignore;
pub mod output;
pub mod render;
pub mod repo;
pub mod schema;
pub mod strvals;
pub mod values;

pub use chart::{Chart, File, LoadError, Metadata};
pub use engine::{Rendered, render};
pub use render::{Prepared, RenderOptions, prepare};
pub use sprig::semver;
pub use values::ValuesBuilder;
