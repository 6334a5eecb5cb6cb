#!/usr/bin/env bash
# Differential check of `terraform-provider-cilium template` against the reference Helm
# library on real Cilium charts, with and without Talos values (Gateway API, Hubble, L2).
# Generated keys and certificates are random in both, so base64 blobs of 60+ characters
# are masked before comparing; everything else must be byte-identical.
#
# Usage: CILIUM_CHARTS_DIR=/path/with/cilium-X.Y.Z.tgz scripts/parity-cilium.sh [VERSION...]
#        (HELM_ORACLE_PYTHON defaults to .venv-oracle/bin/python)
set -euo pipefail
cd "$(dirname "$0")/.."
: "${CILIUM_CHARTS_DIR:?set CILIUM_CHARTS_DIR to a directory holding cilium-<version>.tgz}"
py="${HELM_ORACLE_PYTHON:-.venv-oracle/bin/python}"
oracle="${HELM_ORACLE:-../shared/tools/helm-oracle/helm_oracle.py}"
versions=("$@")
[ ${#versions[@]} -gt 0 ] || versions=(1.14.19 1.15.19 1.16.19 1.17.18 1.18.12 1.19.6 1.20.0)
cargo build --release --locked -q -p terraform-provider-cilium
bin=target/release/terraform-provider-cilium
[ -n "${CARGO_TARGET_DIR:-}" ] && bin="$CARGO_TARGET_DIR/release/terraform-provider-cilium"
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
cat > "$work/talos.yaml" <<'VALUES'
ipam: {mode: kubernetes}
kubeProxyReplacement: true
k8sServiceHost: localhost
k8sServicePort: 7445
securityContext:
  capabilities:
    ciliumAgent: [CHOWN, KILL, NET_ADMIN, NET_RAW, IPC_LOCK, SYS_ADMIN, SYS_RESOURCE, DAC_OVERRIDE, FOWNER, SETGID, SETUID]
    cleanCiliumState: [NET_ADMIN, SYS_ADMIN, SYS_RESOURCE]
cgroup: {autoMount: {enabled: false}, hostRoot: /sys/fs/cgroup}
gatewayAPI: {enabled: true}
l2announcements: {enabled: true}
hubble: {relay: {enabled: true}, ui: {enabled: true}}
VALUES
mask() { sed -E 's#[A-Za-z0-9+/=]{60,}#<B64>#g' "$1"; }
fail=0
for v in "${versions[@]}"; do
  chart="$CILIUM_CHARTS_DIR/cilium-$v.tgz"
  [ -f "$chart" ] || { echo "skipped: $chart not found"; continue; }
  for mode in defaults talos; do
    args=(cilium "$chart" --namespace kube-system)
    [ "$mode" = talos ] && args+=(-f "$work/talos.yaml" --api-versions gateway.networking.k8s.io/v1/GatewayClass)
    "$bin" template "${args[@]}" > "$work/ours" 2> "$work/ours.err" || true
    "$py" "$oracle" template "${args[@]}" > "$work/ref" 2> "$work/ref.err" || true
    if diff <(mask "$work/ref") <(mask "$work/ours") > "$work/diff"; then
      echo "identical  cilium $v ($mode): $(wc -c < "$work/ref") bytes"
    else
      echo "DIFFERENT  cilium $v ($mode):"; head -20 "$work/diff"; tail -3 "$work/ours.err"; fail=1
    fi
  done
done
exit $fail
