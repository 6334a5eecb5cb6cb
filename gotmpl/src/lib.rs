//! Go `text/template` for Rust: value model, function registry, lexer, parser and evaluator
//! with Go's semantics. Knows nothing of Helm, YAML or Terraform.
//!
//! See the crate README for the API and the state of the implementation.

pub mod ast;
mod builtins;
pub mod env;
pub mod error;
pub mod exec;
pub mod format;
pub mod lexer;
pub mod parser;
pub mod printf;
pub mod value;

pub use env::{ArgType, Environment, Function, MissingKey, Options, Signature, State};
pub use error::{Error, ErrorKind};
pub use exec::TemplateSet;
pub use value::{Kind, List, Map, Object, Value};

/// Fuzzing entry point: parses arbitrary bytes as a template; must never panic.
pub fn fuzz_parse(data: &[u8]) {
    let src = String::from_utf8_lossy(data);
    let env = Environment::new();
    let mut set = TemplateSet::default();
    let _ = set.add(&env, "fuzz", &src);
}

/// Fuzzing entry point: parses and executes arbitrary bytes with a small data value.
pub fn fuzz_exec(data: &[u8]) {
    let src = String::from_utf8_lossy(data);
    let opts = Options {
        max_output_bytes: 1 << 20,
        max_template_depth: 50,
        ..Options::default()
    };
    let env = Environment::with_options(opts);
    let mut set = TemplateSet::default();
    if set.add(&env, "fuzz", &src).is_ok() {
        let mut m = std::collections::BTreeMap::new();
        m.insert(
            "a".to_string(),
            Value::list(vec![Value::Float64(1.0), Value::Nil]),
        );
        let _ = set.execute(&env, "fuzz", &Value::map(m));
    }
}
