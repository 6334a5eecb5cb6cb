//! Go `text/template` for Rust: value model, function registry, lexer, parser and evaluator
//! with Go's semantics. Knows nothing of Helm, YAML or Terraform.
//!
//! See the crate README for the API and the state of the implementation.

pub mod env;
pub mod error;
pub mod format;
pub mod lexer;
pub mod value;

pub use env::{Environment, Function, MissingKey, Options, State};
pub use error::{Error, ErrorKind};
pub use value::{Kind, List, Map, Object, Value};
