//! terraform-provider-cilium: started by Terraform it serves plugin protocol 6;
//! run by a person it is a small CLI (`docs`, `template`, `--version`).

mod data_sources;
mod docs;
mod functions;
mod provider;
mod resources;
mod template_cmd;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "terraform-provider-cilium",
    version,
    about = "Terraform/OpenTofu provider for Cilium on Talos Linux.",
    long_about = "Terraform/OpenTofu provider for Cilium on Talos Linux.\n\n\
                  Terraform starts this binary itself; install it in a provider mirror and use \
                  source = \"talos-cilium/cilium\" in required_providers. Run by hand it offers the commands below."
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Writes docs/ (Terraform Registry layout) from the provider's schema and examples/.
    Docs {
        /// Repository root holding examples/ and docs/.
        #[arg(long, default_value = ".")]
        dir: PathBuf,
        /// Do not write; fail when docs/ differs from what would be written.
        #[arg(long)]
        check: bool,
    },
    /// Renders a Helm chart like `helm template` (same flags, same output bytes).
    Template(Box<template_cmd::TemplateArgs>),
}

fn main() -> ExitCode {
    if tfplugin::launched_by_terraform() {
        return match tfplugin::serve(provider::CiliumProvider::new()) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("Error: {e}");
                ExitCode::FAILURE
            }
        };
    }
    let cli = Cli::parse();
    match cli.command {
        None => {
            eprintln!(
                "terraform-provider-cilium {}: this is a Terraform provider; Terraform starts it.\n\
                 Install it in a provider mirror and reference it as source = \"talos-cilium/cilium\".\n\
                 Run with --help for the commands it offers by hand.",
                env!("CARGO_PKG_VERSION")
            );
            ExitCode::from(2)
        }
        Some(Command::Docs { dir, check }) => match docs::run(&dir, check) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("Error: {e}");
                ExitCode::FAILURE
            }
        },
        Some(Command::Template(args)) => match template_cmd::run(&args) {
            Ok(out) => {
                use std::io::Write;
                let mut stdout = std::io::stdout().lock();
                match stdout
                    .write_all(out.as_bytes())
                    .and_then(|_| stdout.flush())
                {
                    Ok(()) => ExitCode::SUCCESS,
                    Err(_) => ExitCode::FAILURE,
                }
            }
            Err(e) => {
                eprintln!("Error: {e}");
                ExitCode::FAILURE
            }
        },
    }
}
