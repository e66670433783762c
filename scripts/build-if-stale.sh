#!/usr/bin/env bash
# Builds pkg/ (release) when the given built file is missing or older than the Rust or TS
# sources; the benchmarks run it first, so that they always measure the current code.
#   bash scripts/build-if-stale.sh pkg/dist/vinr_engine_bg.wasm
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
built="$1"
if [ ! -f "$built" ] || [ -n "$(find src crates js/src Cargo.toml Cargo.lock -newer "$built" -print -quit)" ]; then
  printf '\n\033[1m== %s\033[0m\n' "build pkg/ (release)" >&2
  bash scripts/build.sh
fi
