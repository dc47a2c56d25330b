#!/usr/bin/env bash
# Runs every benchmark in bench/ against the build in $1 (default: build).
set -euo pipefail
build=${1:-build}
here=$(cd "$(dirname "$0")" && pwd)
echo "== trial overhead (sextant vs optuna, 1000 trials)"
/usr/bin/python3 "$here/trial_overhead/run.py" --sextant "$build/sextant" \
  --worker "$build/bench/bin/overhead_worker" --trials "${BENCH_TRIALS:-1000}"
