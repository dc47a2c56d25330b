#!/usr/bin/env bash
# The main demo: tune an SVM on the digits dataset with the real engine, then show the results.
set -euo pipefail
sextant=${1:-build/sextant}
here=$(cd "$(dirname "$0")" && pwd)
db=${SEXTANT_DEMO_DB:-$(dirname "$sextant")/demo.db}
rm -f "$db" "$db-wal" "$db-shm"
rm -rf "$(dirname "$db")/demo-runs"

echo "== sextant run -f examples/sklearn-svc/svc-digits.yaml"
"$sextant" --db "$db" run -f "$here/sklearn-svc/svc-digits.yaml"
echo
echo "== sextant get trials svc-digits"
"$sextant" --db "$db" get trials svc-digits
echo
echo "== sextant best svc-digits"
"$sextant" --db "$db" best svc-digits
