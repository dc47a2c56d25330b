#!/usr/bin/env bash
# The early-stopping bench in one command (bench/early_stopping/README.md).
#   bench/early_stopping/run.sh [BUILD_DIR] [--regenerate] [sextant-es-replay options...]
# Builds sextant-es-replay in BUILD_DIR (default: build) and replays every method over the
# recorded curves (data/mlp_digits_curves.json); the report goes to stdout and to
# BUILD_DIR/bench-results/early_stopping.txt, one JSON line per run to early_stopping.jsonl.
# --regenerate first re-trains the table with examples/mlp-digits/train.py (~5-8 min, niced).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=build
if [[ $# -gt 0 && $1 != -* ]]; then build=$1; shift; fi
regenerate=false
args=()
for arg in "$@"; do
  if [[ $arg == --regenerate ]]; then regenerate=true; else args+=("$arg"); fi
done
if [[ ! -f $build/build.ninja && ! -f $build/Makefile ]]; then
  echo "error: $build is not a configured build directory; run 'make build' first" >&2
  exit 2
fi
if $regenerate; then
  nice -n 10 /usr/bin/python3 "$here/make_curves.py" --out "$here/data/mlp_digits_curves.json"
fi
cmake --build "$build" --target sextant-es-replay
out=$build/bench-results
mkdir -p "$out"
exec "$build/bench/bin/sextant-es-replay" --table "$here/data/mlp_digits_curves.json" \
  --out "$out/early_stopping.txt" --raw "$out/early_stopping.jsonl" "${args[@]}"
