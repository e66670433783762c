#!/usr/bin/env bash
# The main demo: builds the package, installs it into examples/ as a user would, and runs the
# Node quickstart. It grows with the SDK (sandbox, settlement, webhooks).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
bash scripts/build.sh
npm install --prefix examples --no-audit --no-fund --loglevel=error
printf '\n\033[1m== examples/node-quickstart.mjs\033[0m\n'
node examples/node-quickstart.mjs
