#!/usr/bin/env bash
# The local server's benchmark (not part of the test run): builds pkg/ if it is missing or older
# than the sources, installs the peer (localstripe, benches/sandbox/requirements.txt), and runs
# benches/server/bench.mjs on this machine's Node: the flow create customer → create payment →
# capture → partial refund → retrieve → list over HTTP, 50 keep-alive connections, against
# `vinr sandbox --data DIR` (durable), `vinr sandbox --memory` and localstripe, with the
# requests/s, p50/p99 latency and ratios to localstripe. Each server runs for its part only.
#   bash scripts/bench-server.sh                 # ~1 minute
#   BENCH_SECONDS=30 BENCH_CONNECTIONS=50 BENCH_TARGETS=memory,localstripe bash scripts/bench-server.sh
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

bash scripts/build-if-stale.sh pkg/dist/cli.mjs
bash scripts/install-localstripe.sh
printf '\n\033[1m== %s\033[0m\n' "the local server over HTTP, and localstripe" >&2
node benches/server/bench.mjs
