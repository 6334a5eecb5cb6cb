#!/usr/bin/env bash
# Times `terraform-provider-cilium template` against the reference Helm library on a real
# Cilium chart with Talos values (whole process, wall time and peak RSS, median of N runs).
# Usage: CILIUM_CHARTS_DIR=... scripts/bench-template.sh [VERSION] [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
: "${CILIUM_CHARTS_DIR:?set CILIUM_CHARTS_DIR to a directory holding cilium-<version>.tgz}"
v="${1:-1.18.12}"; n="${2:-5}"
py="${HELM_ORACLE_PYTHON:-.venv-oracle/bin/python}"
oracle="${HELM_ORACLE:-../shared/tools/helm-oracle/helm_oracle.py}"
cargo build --release --locked -q -p terraform-provider-cilium
bin=target/release/terraform-provider-cilium
[ -n "${CARGO_TARGET_DIR:-}" ] && bin="$CARGO_TARGET_DIR/release/terraform-provider-cilium"
chart="$CILIUM_CHARTS_DIR/cilium-$v.tgz"
values=$(mktemp); trap 'rm -f "$values"' EXIT
printf 'kubeProxyReplacement: true\nk8sServiceHost: localhost\nk8sServicePort: 7445\nhubble: {relay: {enabled: true}, ui: {enabled: true}}\ngatewayAPI: {enabled: true}\n' > "$values"
measure() { # label, command...
  local label="$1"; shift
  local times=() mems=()
  for _ in $(seq "$n"); do
    local tf; tf=$(mktemp)
    local t0=$EPOCHREALTIME
    /usr/bin/time -o "$tf" -f '%M' "$@" > /dev/null 2> /dev/null
    local t1=$EPOCHREALTIME
    local out; out=$(tail -1 "$tf"); rm -f "$tf"
    # wall time in ms from bash's microsecond clock (time(1) rounds to 10 ms)
    times+=("$(( (${t1/./} - ${t0/./}) / 1000 ))"); mems+=("$out")
  done
  local t m
  t=$(printf '%s\n' "${times[@]}" | sort -n | sed -n "$(( (n + 1) / 2 ))p")
  m=$(printf '%s\n' "${mems[@]}" | sort -n | sed -n "$(( (n + 1) / 2 ))p")
  printf '%-22s median %5d ms   peak RSS %6d KB\n' "$label" "$t" "$m"
}
args=(cilium "$chart" -n kube-system -f "$values" --api-versions gateway.networking.k8s.io/v1/GatewayClass)
measure "native (this binary)" "$bin" template "${args[@]}"
measure "reference (Helm lib)" "$py" "$oracle" template "${args[@]}"
