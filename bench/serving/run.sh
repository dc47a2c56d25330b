#!/usr/bin/env bash
# The serving bench in one command: builds sextant-serving-bench in BUILD_DIR (default build) and
# runs it; the table goes to stdout and to BUILD_DIR/bench-results/serving.txt.
#   bench/serving/run.sh [BUILD_DIR] [sextant-serving-bench options: --requests N --swap-seconds S]
set -euo pipefail
build=build
if [[ $# -gt 0 && $1 != -* ]]; then build=$1; shift; fi
cmake --build "$build" --target sextant-serving-bench
mkdir -p "$build/bench-results"
"$build/bench/bin/sextant-serving-bench" "$@" | tee "$build/bench-results/serving.txt"
