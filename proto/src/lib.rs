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

#[cfg(test)]
mod tests {
    //! Field numbers of the 6.6–6.9 additions, checked on the wire: the first
    //! byte of an encoded message with one field set is `(number << 3) | wire_type`.
    use super::tfplugin6 as pb;
    use prost::Message;

    fn first_tag(m: &impl Message) -> u8 {
        m.encode_to_vec()[0]
    }

    const VARINT: u8 = 0;
    const LEN: u8 = 2;

    #[test]
    fn write_only_is_field_11() {
        let a = pb::schema::Attribute {
            write_only: true,
            ..Default::default()
        };
        assert_eq!(first_tag(&a), (11 << 3) | VARINT);
    }

    #[test]
    fn client_capabilities_fields() {
        let c = pb::ClientCapabilities {
            write_only_attributes_allowed: true,
            ..Default::default()
        };
        assert_eq!(first_tag(&c), (2 << 3) | VARINT);
        let p = pb::plan_resource_change::Request {
            client_capabilities: Some(pb::ClientCapabilities::default()),
            ..Default::default()
        };
        assert_eq!(first_tag(&p), (7 << 3) | LEN);
        let r = pb::read_data_source::Request {
            client_capabilities: Some(pb::ClientCapabilities::default()),
            ..Default::default()
        };
        assert_eq!(first_tag(&r), (4 << 3) | LEN);
    }

    #[test]
    fn identity_and_deferred_fields() {
        let p = pb::plan_resource_change::Request {
            prior_identity: Some(pb::ResourceIdentityData::default()),
            ..Default::default()
        };
        assert_eq!(first_tag(&p), (8 << 3) | LEN);
        let r = pb::plan_resource_change::Response {
            deferred: Some(pb::Deferred::default()),
            ..Default::default()
        };
        assert_eq!(first_tag(&r), (6 << 3) | LEN);
        let r = pb::read_resource::Response {
            new_identity: Some(pb::ResourceIdentityData::default()),
            ..Default::default()
        };
        assert_eq!(first_tag(&r), (5 << 3) | LEN);
    }

    #[test]
    fn provider_schema_functions_and_ephemeral() {
        let mut r = pb::get_provider_schema::Response::default();
        r.functions.insert("f".into(), pb::Function::default());
        assert_eq!(first_tag(&r), (7 << 3) | LEN);
        let mut r = pb::get_provider_schema::Response::default();
        r.ephemeral_resource_schemas
            .insert("e".into(), pb::Schema::default());
        assert_eq!(first_tag(&r), (8 << 3) | LEN);
        let m = pb::get_metadata::Response {
            ephemeral_resources: vec![pb::get_metadata::EphemeralMetadata::default()],
            ..Default::default()
        };
        assert_eq!(first_tag(&m), (6 << 3) | LEN);
    }
}
