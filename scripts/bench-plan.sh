#!/usr/bin/env bash
# Benchmarks the provider as Terraform sees it:
#  1. handshake: time from process start to the go-plugin handshake line;
#  2. `terraform plan` wall time for 10 cilium_talos_patch resources, against
#     the same plan with 10 built-in terraform_data resources (target: <= 2x);
#  3. for reference, the same plan served by tfplugin's floor-provider binary
#     (no domain work, padded to the provider's size because Terraform hashes
#     the package): the cost of any provider on this protocol layer;
#  4. the floor provider again, replaying the planned values of the real
#     provider's first resource for each resource: what Terraform itself
#     spends on planned values of that shape.
# Usage: scripts/bench-plan.sh [RUNS]   (default 15 runs each; median reported)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
runs=${1:-15}
command -v terraform >/dev/null || { echo "terraform is required" >&2; exit 1; }
command -v openssl >/dev/null || { echo "openssl is required (client certificate for the handshake bench)" >&2; exit 1; }

version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)
cargo build --release --locked -q -p terraform-provider-cilium
cargo build --release --locked -q -p tfplugin --bin floor-provider
bin="${CARGO_TARGET_DIR:-$root/target}/release/terraform-provider-cilium"
floor="${CARGO_TARGET_DIR:-$root/target}/release/floor-provider"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
dest="$work/mirror/registry.terraform.io/talos-cilium/cilium/$version/linux_amd64"
mkdir -p "$dest"
cp "$bin" "$dest/terraform-provider-cilium_v$version"
floor_dest="$work/floor-mirror/registry.terraform.io/talos-cilium/cilium/$version/linux_amd64"
mkdir -p "$floor_dest"
cp "$floor" "$floor_dest/terraform-provider-cilium_v$version"
truncate -s "$(stat -c %s "$bin")" "$floor_dest/terraform-provider-cilium_v$version"
cat > "$work/rc" <<CFG
provider_installation {
  filesystem_mirror {
    path    = "$work/mirror"
    include = ["registry.terraform.io/talos-cilium/cilium"]
  }
  direct {
    exclude = ["registry.terraform.io/talos-cilium/cilium"]
  }
}
CFG
# the floor provider's workspace installs from its own mirror; nothing else differs
sed "s#\"$work/mirror\"#\"$work/floor-mirror\"#" "$work/rc" > "$work/rc-floor"
export TF_CLI_CONFIG_FILE="$work/rc" CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1 TF_INPUT=0
unset TF_LOG TF_LOG_PROVIDER

mkdir -p "$work/cilium" "$work/builtin"
{
  echo 'terraform {'
  echo '  required_providers {'
  echo '    cilium = { source = "talos-cilium/cilium" }'
  echo '  }'
  echo '}'
  for i in $(seq 1 10); do
    echo "resource \"cilium_talos_patch\" \"n$i\" {"
    echo "  talos_version = \"v1.$((4 + i))\""
    echo "  machine_type  = \"$([ $((i % 2)) = 0 ] && echo worker || echo controlplane)\""
    echo "}"
  done
} > "$work/cilium/main.tf"
for i in $(seq 1 10); do
  printf 'resource "terraform_data" "n%d" {\n  input = "v1.%d"\n}\n' "$i" "$((4 + i))"
done > "$work/builtin/main.tf"
(cd "$work/cilium" && terraform init -no-color >/dev/null)
(cd "$work/builtin" && terraform init -no-color >/dev/null)
mkdir -p "$work/floor" && cp "$work/cilium/main.tf" "$work/floor/"
(cd "$work/floor" && TF_CLI_CONFIG_FILE="$work/rc-floor" terraform init -no-color >/dev/null)

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:secp521r1 -nodes -keyout "$work/key.pem" \
  -out "$work/cert.pem" -days 1 -subj /CN=localhost 2>/dev/null

python3 - "$work" "$bin" "$runs" <<'PY'
import json, os, statistics, subprocess, sys, time
work, binary, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])

def handshake():
    env = dict(os.environ)
    env.update({
        "TF_PLUGIN_MAGIC_COOKIE": "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2",
        "PLUGIN_PROTOCOL_VERSIONS": "6",
        "PLUGIN_CLIENT_CERT": open(os.path.join(work, "cert.pem")).read(),
    })
    t0 = time.perf_counter()
    p = subprocess.Popen([binary], env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    line = p.stdout.readline()
    dt = time.perf_counter() - t0
    p.kill(); p.wait()
    assert line.startswith(b"1|6|unix|"), line
    # a killed provider cannot remove its socket directory: do it here
    import shutil
    shutil.rmtree(os.path.dirname(line.split(b"|")[3].decode()), ignore_errors=True)
    return dt

def plan(d, env=None):
    t0 = time.perf_counter()
    subprocess.run(["terraform", "plan", "-no-color", "-refresh=false"], cwd=os.path.join(work, d),
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   env=dict(os.environ, **(env or {})))
    return time.perf_counter() - t0

def tf(d, *args, env=None):
    return subprocess.run(["terraform", *args], cwd=os.path.join(work, d), check=True,
                          capture_output=True, env=dict(os.environ, **(env or {}))).stdout

# The real provider's planned values for its first resource, replayed by the
# floor provider for every resource.
tf("cilium", "plan", "-refresh=false", "-out=" + os.path.join(work, "cilium.tfplan"))
shown = json.loads(tf("cilium", "show", "-json", os.path.join(work, "cilium.tfplan")))
first = next(r for r in shown["planned_values"]["root_module"]["resources"] if r["name"] == "n1")
with open(os.path.join(work, "planned.json"), "w") as fh:
    json.dump(first["values"], fh)
replay = {"FLOOR_PLANNED_VALUES": os.path.join(work, "planned.json")}
replay_lines = len(tf("floor", "plan", "-no-color", "-refresh=false", env=replay).splitlines())
cilium_lines = len(tf("cilium", "plan", "-no-color", "-refresh=false").splitlines())

for _ in range(2):
    plan("cilium"); plan("builtin"); plan("floor"); plan("floor", replay); handshake()
hs = sorted(handshake() for _ in range(runs))
c, b, f, s = [], [], [], []
for _ in range(runs):  # interleaved, so machine noise hits all alike
    c.append(plan("cilium")); b.append(plan("builtin")); f.append(plan("floor"))
    s.append(plan("floor", replay))
mc, mb = statistics.median(c), statistics.median(b)
print(f"handshake (process start -> handshake line), median of {runs}: {statistics.median(hs)*1000:.1f} ms (min {hs[0]*1000:.1f})")
print(f"terraform plan, 10 x cilium_talos_patch: median {mc*1000:.0f} ms (min {min(c)*1000:.0f})")
print(f"terraform plan, 10 x terraform_data:     median {mb*1000:.0f} ms (min {min(b)*1000:.0f})")
mf, ms = statistics.median(f), statistics.median(s)
print(f"terraform plan, 10 x floor-provider:     median {mf*1000:.0f} ms (min {min(f)*1000:.0f}), {mf/mb:.2f}x terraform_data")
print(f"  same, replaying our planned values:    median {ms*1000:.0f} ms (min {min(s)*1000:.0f}), {ms/mb:.2f}x terraform_data"
      f" (plan output {replay_lines} lines; ours {cilium_lines})")
print(f"ratio: {mc/mb:.2f}x (target <= 2x)")
PY
