#!/usr/bin/env bash
# Installs everything the build and the tests need, on a fresh machine, idempotently:
# the wasm32 target, the pinned wasm-bindgen CLI (built from this workspace's lockfile),
# the npm tooling, and — with --test-deps — Debian's chromium, chromium-driver and poppler-utils.
# Sourced by build.sh, test.sh, demo.sh and bench.sh; safe to run again.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

log() { printf '\033[1m[setup]\033[0m %s\n' "$*" >&2; }

want_browser=0
for arg in "$@"; do
  case "$arg" in
    --test-deps) want_browser=1 ;;
    *) echo "setup.sh: unknown argument $arg" >&2; exit 2 ;;
  esac
done

# 1. Rust: the toolchain of rust-toolchain.toml and its wasm32 target.
if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  log "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

# 2. The wasm-bindgen CLI, exactly the version Cargo.lock pins for the `wasm-bindgen` crate.
#    Built from tools/wasm-bindgen-cli (a workspace member), so no global CLI can drift.
#    cargo itself decides whether anything changed, so this is cheap when up to date.
log "building the pinned wasm-bindgen CLI (first time: a few minutes)"
cargo build --quiet --locked --profile tool -p vinr-wasm-bindgen-cli
pinned="$(sed -n '/^name = "wasm-bindgen"$/{n;s/^version = "\(.*\)"$/\1/p;}' Cargo.lock)"
have="$("$ROOT/target/tool/wasm-bindgen" --version | awk '{print $2}')"
if [ "$pinned" != "$have" ]; then
  echo "setup.sh: wasm-bindgen CLI is $have but Cargo.lock pins the crate at $pinned" >&2
  exit 1
fi

# 3. npm tooling (TypeScript, esbuild, binaryen's wasm-opt, deno, bun, workerd, Node 22 and 24,
#    playwright-core, vite).
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  # `npm install` rather than `npm ci`: it installs exactly the lockfile's versions too, but
  # tolerates the lockfile's missing entries for other platforms' optional binaries (deno,
  # workerd), which this machine's registry does not carry and `npm ci` would refuse.
  log "installing npm tooling (npm install from package-lock.json)"
  npm install --no-audit --no-fund --loglevel=error
fi

# 4. Debian's packages for the tests: Chromium and its driver for the browser tests (never a
#    test tool's own download), poppler-utils' pdftoppm to render the statement PDFs.
if [ "$want_browser" = 1 ]; then
  missing=()
  command -v chromium >/dev/null || missing+=(chromium)
  command -v chromedriver >/dev/null || missing+=(chromium-driver)
  command -v pdftoppm >/dev/null || missing+=(poppler-utils)
  if [ "${#missing[@]}" -gt 0 ]; then
    log "installing Debian's ${missing[*]}"
    if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
fi
