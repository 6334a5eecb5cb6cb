//! A Terraform plugin protocol 6 server.
//!
//! It owns the protocol: the go-plugin handshake, AutoMTLS with the client
//! certificate pinned and required, the value codec (msgpack and JSON, with
//! unknowns, refinements and big numbers), the schema model, and the traits a
//! provider implements. It knows nothing of what a provider manages.
//!
//! ```no_run
//! use std::sync::Arc;
//! use tfplugin::*;
//!
//! struct Hello;
//! impl Resource for Hello {
//!     fn type_name(&self) -> &str { "example_hello" }
//!     fn schema(&self) -> Schema {
//!         Schema::new(0, "Says hello.", vec![
//!             Attribute::new("name", Type::String, Mode::Required, "Who to greet."),
//!             Attribute::new("greeting", Type::String, Mode::Computed, "The greeting."),
//!         ])
//!     }
//!     fn plan(&self, _ctx: &Ctx, req: PlanRequest) -> PlanResponse {
//!         let mut planned = req.proposed_new_state;
//!         let greeting = match planned.get("name") {
//!             Some(Value::String(n)) => Value::string(format!("hello {n}")),
//!             _ => Value::UNKNOWN,
//!         };
//!         planned.set("greeting", greeting);
//!         PlanResponse { planned_state: planned, ..Default::default() }
//!     }
//! }
//!
//! struct Example;
//! impl Provider for Example {
//!     fn type_name(&self) -> &str { "example" }
//!     fn schema(&self) -> Schema { Schema::default() }
//!     fn resources(&self) -> Vec<Arc<dyn Resource>> { vec![Arc::new(Hello)] }
//! }
//!
//! fn main() {
//!     if launched_by_terraform() {
//!         if let Err(e) = serve(Example) { eprintln!("{e}"); std::process::exit(1) }
//!     }
//! }
//! ```

mod api;
pub mod codec;
mod diag;
pub mod log;
mod p521;
mod schema;
mod server;
mod service;
mod value;

pub use api::{
    ApplyRequest, Ctx, DataSource, Function, FunctionError, PlanRequest, PlanResponse, Provider,
    Resource, StateResponse,
};
pub use codec::CodecError;
pub use diag::{AttributePath, Diagnostic, Diagnostics, Severity, Step, has_errors};
/// ECDSA P-521 / SHA-512 verification as the TLS layer uses it for the host's
/// client certificate (public for benchmarks and outside checks).
pub use p521::verify as verify_ecdsa_p521_sha512;
pub use schema::{
    AttrType, Attribute, Block, FunctionSignature, Mode, NestedBlock, Nesting, Parameter, Schema,
};
pub use server::{
    MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE, MAX_MESSAGE_SIZE, PROTOCOL_VERSION, Running, ServeConfig,
    ServeError, install_panic_hook, launched_by_terraform, protocol_offered, serve, start,
};
pub use service::ProviderService;
pub use value::{Number, Type, Value};
