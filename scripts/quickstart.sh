#!/usr/bin/env bash
# Builds the provider, installs it into a local filesystem mirror, and runs
# `terraform init` + `terraform apply` on examples/quickstart, printing the patches.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
command -v terraform >/dev/null 2>&1 || { echo "error: terraform is not installed (>= 1.11 needed)" >&2; exit 1; }

version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)
cargo build --release --locked -p terraform-provider-cilium

mirror="$root/target/terraform-mirror"
dest="$mirror/registry.terraform.io/talos-cilium/cilium/$version/linux_amd64"
mkdir -p "$dest"
cp "${CARGO_TARGET_DIR:-$root/target}/release/terraform-provider-cilium" "$dest/terraform-provider-cilium_v$version"

cli_config="$root/target/terraformrc"
cat > "$cli_config" <<CFG
provider_installation {
  filesystem_mirror {
    path    = "$mirror"
    include = ["registry.terraform.io/talos-cilium/cilium"]
  }
  direct {
    exclude = ["registry.terraform.io/talos-cilium/cilium"]
  }
}
CFG

export TF_CLI_CONFIG_FILE="$cli_config" CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1 TF_INPUT=0
cd examples/quickstart
rm -f .terraform.lock.hcl
terraform init -no-color >/dev/null
terraform apply -auto-approve -no-color
