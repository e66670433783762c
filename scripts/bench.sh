#!/usr/bin/env bash
# Every benchmark, each against the peer its issue names, in one run (not part of the tests):
#   webhook verification vs stripe and standardwebhooks, in Node and Deno (bench-webhooks.sh);
#   settlement netting vs a plain summation floor, native and Wasm under Node (bench-settlement.sh).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$ROOT/scripts/bench-webhooks.sh"
bash "$ROOT/scripts/bench-settlement.sh"
