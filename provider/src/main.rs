//! terraform-provider-cilium: started by Terraform it serves plugin protocol 6;
//! run by a person it is a small CLI (`docs`, `template`, `--version`).

mod data_sources;
mod docs;
mod functions;
mod provider;
mod resources;

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
    Template(Box<TemplateArgs>),
}

#[derive(clap::Args)]
struct TemplateArgs {
    /// Release name.
    release: String,
    /// Chart directory, .tgz, or chart name with --repo.
    chart: String,
    #[arg(short = 'n', long)]
    namespace: Option<String>,
    #[arg(short = 'f', long = "values")]
    values: Vec<PathBuf>,
    #[arg(long)]
    set: Vec<String>,
    #[arg(long = "set-string")]
    set_string: Vec<String>,
    #[arg(long = "set-json")]
    set_json: Vec<String>,
    #[arg(long = "set-file")]
    set_file: Vec<String>,
    #[arg(long = "kube-version")]
    kube_version: Option<String>,
    #[arg(short = 'a', long = "api-versions")]
    api_versions: Vec<String>,
    /// Chart version (with --repo).
    #[arg(long = "version")]
    chart_version: Option<String>,
    #[arg(long)]
    repo: Option<String>,
    #[arg(long = "include-crds")]
    include_crds: bool,
    #[arg(long = "no-hooks")]
    no_hooks: bool,
    #[arg(short = 's', long = "show-only")]
    show_only: Vec<String>,
}

fn main() -> ExitCode {
    if tfplugin::launched_by_terraform() {
        return match tfplugin::serve(provider::CiliumProvider) {
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
        Some(Command::Template(args)) => {
            let _ = (&args.release, &args.chart);
            eprintln!(
                "Error: the native Helm renderer is not part of this build yet; `template` accepts helm template's \
                 flags but cannot render charts."
            );
            ExitCode::from(2)
        }
    }
}
