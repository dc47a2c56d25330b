#!/usr/bin/env bash
# The main demo: tune an SVM on the digits dataset with the real engine, then show the results;
# then the whole serving loop: tune XGBoost with Bayesian optimization, promote the best trial's
# model, serve it over the Open Inference Protocol, and ask it for a prediction.
set -euo pipefail
sextant=${1:-build/sextant}
here=$(cd "$(dirname "$0")" && pwd)
db=${SEXTANT_DEMO_DB:-$(dirname "$sextant")/demo.db}
port=${SEXTANT_DEMO_PORT:-18080}
rm -f "$db" "$db-wal" "$db-shm"
rm -rf "$(dirname "$db")/demo-runs" "$(dirname "$db")/demo-models"

echo "== sextant run -f examples/sklearn-svc/svc-digits.yaml"
"$sextant" --db "$db" run -f "$here/sklearn-svc/svc-digits.yaml"
echo
echo "== sextant get trials svc-digits"
"$sextant" --db "$db" get trials svc-digits
echo
echo "== sextant best svc-digits"
"$sextant" --db "$db" best svc-digits

echo
echo "== sextant run -f examples/xgboost-breast-cancer/xgb-breast-cancer.yaml"
"$sextant" --db "$db" run -f "$here/xgboost-breast-cancer/xgb-breast-cancer.yaml"
echo
echo "== sextant serve --listen 127.0.0.1:$port (in the background)"
"$sextant" --db "$db" serve --listen "127.0.0.1:$port" &
serve_pid=$!
trap 'kill "$serve_pid" 2>/dev/null || true' EXIT
for _ in $(seq 50); do
  curl -sf "http://127.0.0.1:$port/v2/health/ready" >/dev/null && break
  sleep 0.1
done
echo
echo "== sextant promote xgb-breast-cancer --model breast-cancer --server http://127.0.0.1:$port"
"$sextant" --db "$db" promote xgb-breast-cancer --model breast-cancer --server "http://127.0.0.1:$port"
echo
echo "== sextant models list"
"$sextant" --db "$db" models list
echo
echo "== curl -d @examples/xgboost-breast-cancer/request.json http://127.0.0.1:$port/v2/models/breast-cancer/infer"
echo "   (two samples of the dataset: the first is malignant, the second benign)"
curl -sS --fail-with-body -H 'Content-Type: application/json' \
  -d @"$here/xgboost-breast-cancer/request.json" \
  "http://127.0.0.1:$port/v2/models/breast-cancer/infer"
echo
kill "$serve_pid"
wait "$serve_pid" || true
trap - EXIT
