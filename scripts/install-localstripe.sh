#!/usr/bin/env bash
# Installs the benchmarks' peer, localstripe (pinned in benches/sandbox/requirements.txt), into
# benches/sandbox/.venv (git-ignored) unless it is there already; bench-sandbox.sh and
# bench-server.sh run it, then start $ROOT/benches/sandbox/.venv/bin/localstripe themselves.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="$ROOT/benches/sandbox/.venv"
if [ ! -x "$venv/bin/localstripe" ]; then
  printf '\n\033[1m== %s\033[0m\n' "installing localstripe into benches/sandbox/.venv" >&2
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet -r "$ROOT/benches/sandbox/requirements.txt"
fi
