#!/usr/bin/env bash
# The API client's benchmark (not part of the test run): builds pkg/ if it is missing or older
# than the sources, installs the pinned peer (stripe, benches/client/package-lock.json), and runs
# benches/client/bench.mjs under Node: start-up against stripe, and calls per second over the
# in-process sandbox against raw sandbox.fetch, with the client's overhead per call.
#   bash scripts/bench-client.sh            # ~1 minute
#   BENCH_STARTS=41 BENCH_SECONDS=3 bash scripts/bench-client.sh
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
log() { printf '\033[1m[bench]\033[0m %s\n' "$*" >&2; }

bash scripts/build-if-stale.sh pkg/package.json
BENCH="$ROOT/benches/client"
if [ ! -f "$BENCH/node_modules/.package-lock.json" ] || [ "$BENCH/package-lock.json" -nt "$BENCH/node_modules/.package-lock.json" ]; then
  log "installing the peer (stripe) from benches/client/package-lock.json"
  npm ci --prefix "$BENCH" --no-audit --no-fund --loglevel=error
fi
node "$BENCH/bench.mjs"
