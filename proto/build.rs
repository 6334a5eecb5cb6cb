//! Compiles the protocol definitions in `proto/` with protox (pure Rust, so no
//! `protoc` binary is needed) and generates prost messages plus tonic services.

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let files = ["proto/tfplugin6.proto", "proto/goplugin.proto"];
    for f in &files {
        println!("cargo:rerun-if-changed={f}");
    }
    let fds = protox::compile(files, ["proto"])?;
    tonic_prost_build::configure()
        .build_server(true)
        // Clients are generated too: tests and tooling drive a served plugin with them.
        .build_client(true)
        .compile_fds(fds)?;
    Ok(())
}
