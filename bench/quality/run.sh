#!/usr/bin/env bash
# The quality and speed bench, sextant vs Optuna, in one command (bench/quality/README.md).
#   bench/quality/run.sh [BUILD_DIR] [run.py options...]
# Builds the bridge (sextant-ask-tell) in BUILD_DIR (default: build), then runs run.py with
# --bridge from it; results go to BUILD_DIR/bench-results/quality.jsonl and the report to
# quality.txt beside it, unless --out is given.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=build
if [[ $# -gt 0 && $1 != -* ]]; then build=$1; shift; fi
if [[ ! -f $build/build.ninja && ! -f $build/Makefile ]]; then
  echo "error: $build is not a configured build directory; run 'make build' first" >&2
  exit 2
fi
cmake --build "$build" --target sextant-ask-tell
out=$build/bench-results
mkdir -p "$out"
exec /usr/bin/python3 "$here/run.py" --bridge "$build/bench/bin/sextant-ask-tell" \
  --out "$out/quality.jsonl" "$@"
