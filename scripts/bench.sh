#!/usr/bin/env bash
# Every benchmark, each against the peer its issue names, in one run (not part of the tests):
#   webhook verification vs stripe and standardwebhooks, in Node and Deno (bench-webhooks.sh);
#   settlement netting vs a plain summation floor, native and Wasm under Node (bench-settlement.sh);
#   the sandbox through sandbox.fetch, the Wasm core and native, memory per payment, and
#   localstripe over HTTP (bench-sandbox.sh);
#   the API client: start-up vs stripe, calls per second over the sandbox vs raw sandbox.fetch
#   (bench-client.sh);
#   the local server over HTTP, durable and in memory, vs localstripe (bench-server.sh).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$ROOT/scripts/bench-webhooks.sh"
bash "$ROOT/scripts/bench-settlement.sh"
bash "$ROOT/scripts/bench-sandbox.sh"
bash "$ROOT/scripts/bench-client.sh"
bash "$ROOT/scripts/bench-server.sh"
