#!/usr/bin/env bash
# Regenerate the goldens under tests/golden/ with the reference Helm library.
# Usage (from the workspace root): bash helm/tests/regen_golden.sh [.venv-oracle]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
venv="${1:-.venv-oracle}"
oracle="${HELM_ORACLE:-../shared/tools/helm-oracle/helm_oracle.py}"
out="${GOLDEN_DIR:-$here/golden}"   # tests/engine.rs regenerates into a temporary directory
run() { # name, args...
  local name="$1"; shift
  "$venv/bin/python" "$oracle" template "$@" > "$out/$name.out" 2> "$out/$name.stderr" || true
  # keep the error (it may span lines), not the log lines (they carry timestamps)
  grep -v '^time=' "$out/$name.stderr" | sed -n '/^Error: /,$p' > "$out/$name.err" || true
  rm -f "$out/$name.stderr"
}
run sorting "$here/charts/sorting"
run sorting-no-hooks "$here/charts/sorting" --no-hooks
run sorting-skip-tests "$here/charts/sorting" --skip-tests
run sorting-show-only "$here/charts/sorting" --show-only templates/c.yaml --show-only 'templates/[ab].yaml'
run sorting-show-only-missing "$here/charts/sorting" --show-only templates/nope.yaml
run files "$here/charts/files"
# template execution (tests/engine.rs)
run engine rel "$here/charts/engine" --namespace kube-system --api-versions gateway.networking.k8s.io/v1/GatewayClass
run engine-defaults "$here/charts/engine"
run engine-set rel "$here/charts/engine" --set-json port=9090 --set name=other --set-string big=7 --kube-version v1.30.2
run toml rel "$here/charts/toml"
run subcharts rel "$here/charts/subcharts"
run conditions rel "$here/charts/conditions"
run aliases rel "$here/charts/aliases"
run aliases-off rel "$here/charts/aliases" --set second.enabled=false
run imports rel "$here/charts/imports"
run imports-set rel "$here/charts/imports" --set database.host=user --set level=top
run conditions-off rel "$here/charts/conditions" --set a.enabled=false --set tags.extra=false
run conditions-on rel "$here/charts/conditions" --set tags.extra=true --set c.on=true --set a.aa.enabled=true
run subcharts-set rel "$here/charts/subcharts" --set global.g=user --set sub.x=7 --set-json 'second={"z":null}'
for c in err-required err-fail err-nilptr err-parse err-include err-tpl err-undefined-fn err-badyaml err-missing-dep; do
  run "$c" rel "$here/charts/$c"
done
