//! Generated wire types and gRPC services for the Terraform plugin protocol.
//!
//! - [`tfplugin6`]: the provider protocol, version 6.9 (6.5 plus client
//!   capabilities, deferral, ephemeral resources, write-only attributes and
//!   resource identity).
//! - [`plugin`]: the go-plugin host services every plugin process serves
//!   (`GRPCController`, `GRPCStdio`, `GRPCBroker`).
//!
//! The `.proto` sources live in `proto/` of this crate and are compiled at build
//! time by `build.rs`; no `protoc` binary is required.

#![allow(clippy::all, clippy::pedantic, missing_docs)]

/// Terraform plugin protocol 6.9 (`package tfplugin6`).
pub mod tfplugin6 {
    include!(concat!(env!("OUT_DIR"), "/tfplugin6.rs"));
}

/// go-plugin host services (`package plugin`).
pub mod plugin {
    include!(concat!(env!("OUT_DIR"), "/plugin.rs"));
}

/// Protocol major version served by this crate's definitions.
pub const PROTOCOL_MAJOR: u32 = 6;
/// Protocol minor version of this crate's definitions.
pub const PROTOCOL_MINOR: u32 = 9;
