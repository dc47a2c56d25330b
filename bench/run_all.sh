#!/usr/bin/env bash
# Runs every benchmark in bench/ against the build in $1 (default: build).
set -euo pipefail
build=${1:-build}
here=$(cd "$(dirname "$0")" && pwd)
echo "== trial overhead (sextant vs optuna, 1000 trials)"
/usr/bin/python3 "$here/trial_overhead/run.py" --sextant "$build/sextant" \
  --worker "$build/bench/bin/overhead_worker" --trials "${BENCH_TRIALS:-1000}"
echo "== quality and speed (sextant vs optuna; ~30 min on 2 idle cores; BENCH_QUALITY_ARGS=--quick for ~2 min)"
# shellcheck disable=SC2086 # BENCH_QUALITY_ARGS is a list of options
"$here/quality/run.sh" "$build" ${BENCH_QUALITY_ARGS:-}
echo "== early stopping (engine rules and multi-fidelity algorithms over recorded MLP-digits curves; ~1 s)"
"$here/early_stopping/run.sh" "$build"
echo "== NAS (random, regularized evolution, ENAS over a table of 1728 trained digits MLPs, 50 seeds; ~5 min)" && "$here/nas/run.sh" "$build"
echo "== dashboard data load (50,000 trials, the experiment page's API calls over loopback; ~1 min)" && "$here/dashboard/run.sh" "$build"
echo "== serving (OIP inference over loopback, XGBoost and MLP, 1 and 16 connections, swap under load; ~30 s)" && "$here/serving/run.sh" "$build"
