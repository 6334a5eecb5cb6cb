//! Helm charts rendered natively: chart loading with limits, values (files, `--set`
//! family, coalescing), and the output assembly of `helm template` (v4).
//!
//! Knows nothing of Terraform or Talos. Semantic versions come from `sprig::semver`
//! (Masterminds/semver v3 rules), re-exported as [`semver`].

pub mod capabilities;
pub mod chart;
pub mod dependencies;
pub mod engine;
pub mod files;
pub mod ignore;
pub mod output;
mod parallel;
pub mod render;
pub mod repo;
pub mod schema;
pub mod strvals;
pub mod toml;
pub mod values;

pub use chart::{Chart, File, LoadError, Metadata};
pub use engine::{Rendered, render};
pub use render::{Prepared, RenderOptions, prepare};
pub use sprig::semver;
pub use values::ValuesBuilder;

/// Fuzz entry point for chart archives: [`Chart::load_archive`] must never panic, whatever
/// the bytes (gzip, tar, YAML and limits included).
pub fn fuzz_load_archive(data: &[u8]) {
    if let Ok(chart) = Chart::load_archive(data) {
        let _ = chart.metadata.name.len();
    }
}

/// Fuzz entry point for the `--set` family parser: every mode, on arbitrary text, must
/// never panic.
pub fn fuzz_strvals(data: &[u8]) {
    let expr = String::from_utf8_lossy(data);
    for mode in [
        strvals::Mode::Typed,
        strvals::Mode::String,
        strvals::Mode::Literal,
        strvals::Mode::Json,
    ] {
        let mut base = goyaml::Map::new();
        if strvals::parse_into(&expr, &mut base, mode).is_ok() {
            let _ = goyaml::to_yaml(&goyaml::Yaml::Map(base));
        }
    }
}
