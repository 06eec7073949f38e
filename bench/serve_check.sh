#!/usr/bin/env bash
# Load test and API fuzzing of `throughline serve` on loopback, on a copy of the bundled example.
#   needs: wrk (Debian), schemathesis (pip install schemathesis)
#   usage: bash bench/serve_check.sh   (figures go in docs/benchmarks.md)
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet --bin throughline
tmp="$(mktemp -d)"
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$tmp"' EXIT
cp -r examples/wikimedia "$tmp/model"
rm -rf "$tmp/model/.throughline" "$tmp/model/measurements.sqlite"
port=18090
THROUGHLINE_ADMIN_PASSWORD="a long admin password" \
  target/release/throughline serve "$tmp/model" --admin ada --addr "127.0.0.1:$port" >"$tmp/serve.log" 2>&1 &
pid=$!
until curl -sf -o /dev/null "http://127.0.0.1:$port/login"; do sleep 0.2; done
curl -s -o /dev/null "http://127.0.0.1:$port/"   # build the pages once
for page in / /programs/wiki_loves_monuments.html; do
  echo "== wrk $page"
  wrk -t2 -c32 -d10s --latency "http://127.0.0.1:$port$page" | grep -E "Requests/sec|50%|99%|Non-2xx"
done
cookie=$(curl -s -i -X POST -d "name=ada&password=a+long+admin+password" "http://127.0.0.1:$port/login" \
  | grep -i '^set-cookie' | sed 's/.*tl_session=\([^;]*\).*/\1/' | tr -d '\r')
csrf=$(curl -s -H "Cookie: tl_session=$cookie" "http://127.0.0.1:$port/" \
  | grep -o 'name="csrf" value="[0-9a-f]*"' | head -1 | sed 's/.*value="//; s/"//')
echo "== schemathesis (as an admin, then anonymous)"
schemathesis run "http://127.0.0.1:$port/api/v1/openapi.json" --checks not_a_server_error \
  -H "Cookie: tl_session=$cookie" -H "X-CSRF-Token: $csrf" --max-examples 200 | tail -5
schemathesis run "http://127.0.0.1:$port/api/v1/openapi.json" --checks not_a_server_error \
  --max-examples 100 | tail -5
