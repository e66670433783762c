#!/usr/bin/env bash
# Webhook verification benchmark (not part of the test run): builds pkg/ if it is missing or
# older than the sources, installs the pinned peers (benches/webhooks/package-lock.json), and runs
# benches/webhooks/bench.mjs in Node and in Deno. Prints ops/s and the ratio to each peer.
#   bash scripts/bench-webhooks.sh          # ~2 minutes
#   BENCH_SECONDS=3 BENCH_ROUNDS=5 bash scripts/bench-webhooks.sh
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
log() { printf '\033[1m[bench]\033[0m %s\n' "$*" >&2; }

if [ ! -f pkg/package.json ] || [ -n "$(find src crates js scripts/build.sh scripts/build-js.mjs pkg-template Cargo.toml \
    -newer pkg/package.json -type f -print -quit)" ]; then
  log "building the package"
  bash scripts/build.sh
fi

BENCH="$ROOT/benches/webhooks"
if [ ! -f "$BENCH/node_modules/.package-lock.json" ] || [ "$BENCH/package-lock.json" -nt "$BENCH/node_modules/.package-lock.json" ]; then
  log "installing the peers (stripe, standardwebhooks) from benches/webhooks/package-lock.json"
  npm ci --prefix "$BENCH" --no-audit --no-fund --loglevel=error
fi

log "Node"
node "$BENCH/bench.mjs"
log "Deno"
cd "$BENCH"
DENO_NO_UPDATE_CHECK=1 DENO_DIR="$ROOT/target/deno" "$ROOT/node_modules/.bin/deno" run --quiet --no-prompt \
  --node-modules-dir=manual --allow-read --allow-env --allow-net bench.mjs
