//! The sprig v3 function library (the set Helm exposes to chart templates), over the
//! `gotmpl` value model.
//!
//! Non-deterministic functions draw from an injected [`generator::Generator`]; see the
//! crate README for the replay design. [`register`] adds every function to a
//! [`gotmpl::Environment`].

pub mod case;
pub mod cast;
pub mod crypto;
pub mod duration;
pub mod funcs;
pub mod generator;
#[cfg(target_arch = "x86_64")]
mod ifma;
pub mod json;
pub mod layout;
mod monty;
pub mod pki;
mod rsagen;
pub mod semver;
pub mod text;
pub mod time;
pub mod tz;
pub mod url;
pub mod value;

use std::rc::Rc;
use std::sync::Arc;

pub use generator::{
    Charset, Clock, DefaultGenerator, FixedClock, Generator, OsSource, RandomSource, Record,
    Replay, SeededSource, SystemClock,
};
pub use pki::CertPair;
pub use time::Timestamp;
pub use value::IntSlice;

/// Registers every sprig function ([`funcs::functions`]) into `env`, replacing functions of
/// the same name (and the engine's `slice` builtin, as sprig does in Go). Non-deterministic
/// functions call `generator`. A function's error reaches the template as
/// `error calling NAME: MESSAGE`; an arity error names the function
/// (`wrong number of args for NAME: want 1 got 2`).
///
/// A host that provides its own versions of some functions (Helm's `toJson`) registers them
/// after this call.
pub fn register(
    env: &mut gotmpl::Environment,
    generator: Arc<dyn Generator>,
) -> Result<(), gotmpl::Error> {
    let ctx = Rc::new(funcs::Ctx { generator });
    for (name, f) in funcs::functions() {
        let ctx = ctx.clone();
        let call = move |_: &mut gotmpl::State<'_>, args: &[gotmpl::Value]| {
            f(&ctx, args).map_err(|msg| gotmpl::Error::function(name_arity_error(name, msg)))
        };
        match funcs::go_signature(name) {
            Some(code) => env.add_function_with_signature(name, signature(code), call)?,
            None => env.add_function(name, call)?,
        }
    }
    Ok(())
}

/// Decodes a [`funcs::go_signature`] code.
fn signature(code: &str) -> gotmpl::Signature {
    use gotmpl::ArgType;
    let (fixed, variadic) = match code.strip_suffix("...") {
        Some(head) => (&head[..head.len() - 1], head.chars().last()),
        None => (code, None),
    };
    let ty = |c: char| match c {
        's' => ArgType::String,
        'i' => ArgType::Int,
        'I' => ArgType::Int64,
        'f' => ArgType::Float64,
        'b' => ArgType::Bool,
        'm' => ArgType::Named("map[string]interface {}"),
        'l' => ArgType::Named("[]interface {}"),
        'c' => ArgType::Named("sprig.certificate"),
        't' => ArgType::Named("time.Time"),
        _ => ArgType::Any,
    };
    gotmpl::Signature {
        params: fixed.chars().map(ty).collect(),
        variadic: variadic.map(ty),
    }
}

/// `wrong number of args: …` → `wrong number of args for NAME: …` (Go's text).
fn name_arity_error(name: &str, msg: String) -> String {
    match msg.strip_prefix("wrong number of args: ") {
        Some(rest) => format!("wrong number of args for {name}: {rest}"),
        None => msg,
    }
}
