//! Generated types and service stubs of the Terraform plugin protocol 6.9
//! (`tfplugin6`) and HashiCorp go-plugin's controller, stdio and broker
//! services (`plugin`). The `.proto` sources under `proto/` are ours, written
//! from the protocol's message and field numbers.

#![allow(clippy::all, clippy::pedantic, missing_docs)]

/// `tfplugin6`: the provider service.
pub mod tfplugin6 {
    tonic::include_proto!("tfplugin6");
}

/// `plugin`: go-plugin's GRPCController, GRPCStdio and GRPCBroker.
pub mod plugin {
    tonic::include_proto!("plugin");
}
