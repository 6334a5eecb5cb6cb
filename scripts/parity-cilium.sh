#!/usr/bin/env bash
# Differential check of `terraform-provider-cilium template` against the reference Helm
# library on real Cilium charts, with and without Talos values (Gateway API, Hubble, L2).
# Generated keys and certificates are random in both, so base64 blobs of 60+ characters
# are masked before comparing; everything else must be byte-identical.
#
# Three variants per chart: the chart's defaults; Talos values (what cilium_talos_patch
# gives); Talos values plus Hubble relay/UI, Gateway API (GatewayClass announced) and L2
# announcements. Prints a Markdown table: version x variant, identical / DIFFERENT.
#
# Usage: CILIUM_CHARTS_DIR=/path/with/cilium-X.Y.Z.tgz scripts/parity-cilium.sh [VERSION...]
#        (no VERSION: every released chart from 1.14 on found in the directory;
#         HELM_ORACLE_PYTHON defaults to .venv-oracle/bin/python)
set -euo pipefail
cd "$(dirname "$0")/.."
: "${CILIUM_CHARTS_DIR:?set CILIUM_CHARTS_DIR to a directory holding cilium-<version>.tgz}"
py="${HELM_ORACLE_PYTHON:-.venv-oracle/bin/python}"
oracle="${HELM_ORACLE:-../shared/tools/helm-oracle/helm_oracle.py}"
versions=("$@")
if [ ${#versions[@]} -eq 0 ]; then
  mapfile -t versions < <(ls "$CILIUM_CHARTS_DIR" | sed -n 's/^cilium-\(1\.\(1[4-9]\|[2-9][0-9]\)\.[0-9]*\)\.tgz$/\1/p' | sort -V)
fi
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
VALUES
cat > "$work/full.yaml" <<'VALUES'
gatewayAPI: {enabled: true}
l2announcements: {enabled: true}
hubble: {relay: {enabled: true}, ui: {enabled: true}}
VALUES
mask() { sed -E 's#[A-Za-z0-9+/=]{60,}#<B64>#g' "$1"; }
fail=0
same=0
echo "| chart | defaults | Talos values | Talos + Hubble relay/UI, Gateway API, L2 |"
echo "|---|---|---|---|"
for v in "${versions[@]}"; do
  chart="$CILIUM_CHARTS_DIR/cilium-$v.tgz"
  [ -f "$chart" ] || { echo "| $v | skipped: not found | | |"; continue; }
  row="| $v |"
  for mode in defaults talos full; do
    args=(cilium "$chart" --namespace kube-system)
    [ "$mode" != defaults ] && args+=(-f "$work/talos.yaml")
    [ "$mode" = full ] && args+=(-f "$work/full.yaml" --api-versions gateway.networking.k8s.io/v1/GatewayClass)
    "$bin" template "${args[@]}" > "$work/ours" 2> "$work/ours.err" || true
    "$py" "$oracle" template "${args[@]}" > "$work/ref" 2> "$work/ref.err" || true
    if [ -s "$work/ref" ] && diff <(mask "$work/ref") <(mask "$work/ours") > "$work/diff.$v.$mode"; then
      row="$row identical ($(wc -c < "$work/ref") B) |"; same=$((same + 1))
    elif [ ! -s "$work/ref" ] && [ ! -s "$work/ours" ] && \
         diff <(grep -v '^time=' "$work/ref.err" | sed -n '/^Error: /,$p') "$work/ours.err" > /dev/null; then
      row="$row same error |"; same=$((same + 1))
    else
      row="$row **DIFFERENT** |"; fail=1
      { echo "== $v $mode"; head -20 "$work/diff.$v.$mode" 2>/dev/null; tail -3 "$work/ours.err"; } >&2
    fi
  done
  echo "$row"
done
echo
echo "$same of $(( ${#versions[@]} * 3 )) renders identical to the reference (generated keys masked)"
exit $fail
