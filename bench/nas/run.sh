#!/usr/bin/env bash
# The tabular NAS bench in one command (bench/nas/README.md).
#   bench/nas/run.sh [BUILD_DIR] [--regenerate] [sextant-nas-replay options...]
# Builds sextant-nas-replay in BUILD_DIR (default: build) and replays every method over the
# recorded table (data/digits_macro_table.json); the report goes to stdout and to
# BUILD_DIR/bench-results/nas.txt, one JSON line per run to nas.jsonl.
# --regenerate first re-trains the table with examples/nas-digits/train_arch.py (~7 min on 2
# cores, niced).
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
  nice -n 10 /usr/bin/python3 "$here/make_table.py" --out "$here/data/digits_macro_table.json"
fi
cmake --build "$build" --target sextant-nas-replay
"$build/bench/bin/sextant-nas-replay" --self-test
out=$build/bench-results
mkdir -p "$out"
exec "$build/bench/bin/sextant-nas-replay" --table "$here/data/digits_macro_table.json" \
  --out "$out/nas.txt" --raw "$out/nas.jsonl" "${args[@]}"
