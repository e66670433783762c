#!/usr/bin/env bash
# The settlement netting benchmark, native and Wasm in one run:
#   1. `cargo bench --bench settlement`: net_compact over 1,000,000 entries, native (release);
#   2. `node benches/settlement-wasm.mjs`: the same entries and kernel in the release Wasm
#      (the test-hooks build of target/bindgen/, which exports the kernel), under Node.
# Each prints entries/s, bytes per entry and the ratio to a plain summation loop (the floor).
# Builds first when the build is missing or older than the Rust or TS sources.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

step() { printf '\n\033[1m== %s\033[0m\n' "$*" >&2; }

bash scripts/build-if-stale.sh target/bindgen/test-hooks/vinr_bg.wasm

step "native"
cargo bench --quiet --locked -p vinr --bench settlement

step "Wasm under Node"
node benches/settlement-wasm.mjs
