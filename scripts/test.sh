#!/usr/bin/env bash
# Every test of the project, from a fresh machine (it installs what it needs):
#   1. Rust: rustfmt, clippy (native and wasm32), unit + property + integration tests
#   2. wasm-bindgen-test: the bindings (the engine's too) in Node and in headless Chromium
#      (Debian's chromedriver)
#   3. the release build of pkg/ (prints the size table), tsc --noEmit over the TS layer
#   4. the JS suites against `npm pack` of pkg/, installed into fresh projects: loading in Node
#      ESM and CJS, Deno, Bun, workerd, a Chromium page and a Vite bundle; client options;
#      webhooks verified by servers on Node, workerd, Deno and Bun and in Chromium; settlement
#      (`@vinr/sdk/settlement`: invariants, TARGET/Fed payout dates, reconciliation, typed
#      errors, determinism, the statement PDF rendered by pdftoppm, the same run in Deno and
#      Bun); how a panic surfaces (on the test-hooks build the package does not ship)
#   5. the examples, run against the built package
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
bash scripts/setup.sh --test-deps

step() { printf '\n\033[1m== %s\033[0m\n' "$*" >&2; }

step "rustfmt and clippy"
cargo fmt --all -- --check
cargo clippy --quiet --locked -p vinr --all-targets -- -D warnings
cargo clippy --quiet --locked -p vinr --target wasm32-unknown-unknown --lib --test wasm -- -D warnings
cargo clippy --quiet --locked -p vinr-webhooks-wasm --target wasm32-unknown-unknown -- -D warnings
# Each feature set of the bindings (src/wasm/mod.rs): the client core above, then the engine's
# halves and the test hooks.
cargo clippy --quiet --locked -p vinr --features settlement-bindings --target wasm32-unknown-unknown --lib -- -D warnings
cargo clippy --quiet --locked -p vinr --features sandbox-bindings --target wasm32-unknown-unknown --lib --test wasm_sandbox -- -D warnings
cargo clippy --quiet --locked -p vinr --features test-hooks --target wasm32-unknown-unknown --lib -- -D warnings
cargo clippy --quiet --locked -p vinr-engine-wasm --target wasm32-unknown-unknown -- -D warnings

step "Rust tests (native)"
cargo test --locked -p vinr

step "wasm-bindgen-test in Node"
export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER="$ROOT/target/tool/wasm-bindgen-test-runner"
cargo test --locked -p vinr --features sandbox-bindings --target wasm32-unknown-unknown --test wasm --test wasm_sandbox

step "wasm-bindgen-test in headless Chromium"
# webdriver.json (repo root) passes Chromium the flags it needs as root on a closed network.
WASM_BINDGEN_USE_BROWSER=1 CHROMEDRIVER=/usr/bin/chromedriver \
  cargo test --locked -p vinr --features sandbox-bindings --target wasm32-unknown-unknown --test wasm --test wasm_sandbox

step "build pkg/"
bash scripts/build.sh

step "TypeScript: tsc --noEmit"
node_modules/.bin/tsc -p js/tsconfig.json --noEmit
node_modules/.bin/tsc -p dashboard/tsconfig.json

step "JS suites against the packed package"
node --test --test-concurrency=1 tests/js/

step "examples run against the built package"
# The examples throw on any unexpected result, so this keeps them from rotting.
npm install --prefix examples --no-audit --no-fund --loglevel=error
node examples/node-quickstart.mjs > /dev/null
