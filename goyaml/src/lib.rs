//! YAML and JSON exactly as Helm's Go libraries read and write them.
//!
//! * Reading follows `sigs.k8s.io/yaml` over go-yaml v2: YAML 1.1 scalar resolution, merge
//!   keys, anchors and aliases, tags, non-string keys turned into strings, and (optionally)
//!   the JSON round trip that turns every number into a float64.
//! * Writing follows Helm's `toYaml` (JSON round trip, then go-yaml v2 `Marshal`) and Go's
//!   `encoding/json` (`toJson`, `toRawJson`, `toPrettyJson`).
//!
//! The value tree ([`Yaml`]) is neutral: it knows nothing about templates or Helm.

mod emit;
mod error;
mod float;
mod json;
mod parse;
mod resolve;
mod value;

pub use emit::{marshal_v2, to_yaml, to_yaml_pretty};
pub use error::{Error, ErrorKind};
pub use float::{format_float_g, format_float_json};
pub use json::{
    from_json, from_json_bytes, to_json, to_pretty_json, to_raw_json, unmarshal_json_object,
};
pub use parse::{
    Limits, from_yaml, from_yaml_object, json_normalize, parse_documents, parse_first, parse_values,
};
pub use resolve::{ResolvedScalar, resolve_plain};
pub use value::{Map, Yaml, natural_key_cmp};

/// Fuzz entry point for the YAML reader: must never panic, whatever the bytes.
pub fn fuzz_parse_yaml(data: &[u8]) {
    let limits = Limits::default();
    if let Ok(docs) = parse::parse_documents_bytes(data, &limits, false) {
        for d in &docs {
            let _ = to_yaml(d);
            let _ = to_json(d);
        }
    }
    let _ = parse::parse_documents_bytes(data, &limits, true);
}

/// Fuzz entry point for the JSON reader: must never panic, whatever the bytes.
pub fn fuzz_parse_json(data: &[u8]) {
    if let Ok(v) = from_json_bytes(data) {
        let _ = to_json(&v);
        let _ = to_yaml(&v);
    }
}
