#!/usr/bin/env bash
# The dashboard bench: seeds a 50,000-trial database (10 steps of loss and accuracy each, so 1M
# observations) and measures the experiment page's API calls over loopback.
set -euo pipefail
build=${1:-build}
trials=${BENCH_DASHBOARD_TRIALS:-50000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
start=$(date +%s%N)
"$build/bench/bin/sextant-seed-dashboard" --db "$work/dash.db" --trials "$trials" --steps 10 --running 4 > /dev/null
echo "seeded $trials trials in $(( ($(date +%s%N) - start) / 1000000 )) ms ($(du -h "$work/dash.db" | cut -f1))"
"$build/bench/bin/sextant-dashboard-load" --db "$work/dash.db" --runs "${BENCH_DASHBOARD_RUNS:-7}"
