//! A Terraform plugin protocol (version 6) server library.
//!
//! It owns the protocol: the go-plugin handshake, AutoMTLS with a pinned
//! client certificate, the controller/stdio services, the msgpack/JSON value
//! codec with unknowns, the schema model, diagnostics with attribute paths and
//! the [`Provider`], [`Resource`], [`DataSource`] and [`Function`] traits. It
//! knows nothing about what a provider manages.
//!
//! ```no_run
//! # use tfplugin::*;
//! # use std::sync::Arc;
//! struct MyProvider;
//! #[async_trait::async_trait]
//! impl Provider for MyProvider {
//!     fn schema(&self) -> Schema { Schema::new(Block::new()) }
//!     fn resources(&self) -> Vec<Arc<dyn Resource>> { vec![] }
//! }
//! fn main() -> std::process::ExitCode {
//!     if !launched_by_terraform() {
//!         eprintln!("This is a Terraform plugin.");
//!         return std::process::ExitCode::from(1);
//!     }
//!     serve_blocking(MyProvider)
//! }
//! ```

#![warn(missing_docs)]

pub mod codec;
mod diag;
mod json;
pub mod logging;
mod path;
mod provider;
mod schema;
mod serve;
mod server;
mod tls;
mod types;
mod value;

pub use async_trait::async_trait;
pub use codec::CodecError;
pub use diag::{Diagnostic, Diagnostics, FunctionError, Severity};
pub use path::{AttributePath, PathStep};
pub use provider::{
    ApplyRequest, ApplyResponse, Cancellation, ClientCapabilities, ConfigureRequest,
    ConfigureResponse, Context, DataSource, DeferredReason, Function, ImportRequest,
    ImportResponse, ImportedResource, PlanRequest, PlanResponse, Provider, ProviderData,
    ReadDataRequest, ReadDataResponse, ReadRequest, ReadResponse, Resource, UpgradeStateRequest,
};
pub use schema::{
    Attribute, AttributeKind, Block, BlockNesting, DescriptionKind, FunctionSignature,
    NestedAttributes, NestedBlock, ObjectNesting, Parameter, Schema,
};
pub use serve::{
    MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE, MAX_MESSAGE_SIZE, MAX_SOCKET_PATH, SHUTDOWN_GRACE,
    ServeError, ServeOptions, TLS_HANDSHAKE_TIMEOUT, launched_by_terraform, serve, serve_blocking,
    serve_with,
};
pub use types::{MAX_TYPE_DEPTH, Type, TypeError};
pub use value::{Number, Refinements, Value};

/// Compiles the usage sketch in README.md as a doctest.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
