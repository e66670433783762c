#!/usr/bin/env bash
# Builds the publishable npm package into pkg/:
#   cargo (release Wasm) → wasm-bindgen (the pinned CLI) → wasm-opt (binaryen) → esbuild + tsc
# and prints the raw and gzip size of every .wasm and every entry's JS.
# Options: --debug builds the Wasm without optimisation passes (faster; for iterating only).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
bash scripts/setup.sh

profile=release
for arg in "$@"; do
  case "$arg" in
    --debug) profile=debug ;;
    *) echo "build.sh: unknown argument $arg" >&2; exit 2 ;;
  esac
done

log() { printf '\033[1m[build]\033[0m %s\n' "$*" >&2; }
BINDGEN="$ROOT/target/tool/wasm-bindgen"
WASM_OPT="$ROOT/node_modules/.bin/wasm-opt"
OUT="$ROOT/target/bindgen"
# The features rustc 1.95 enables by default for wasm32-unknown-unknown; wasm-opt must be told.
WASM_FEATURES=(--enable-bulk-memory --enable-bulk-memory-opt --enable-nontrapping-float-to-int
  --enable-sign-ext --enable-reference-types --enable-multivalue --enable-mutable-globals)

# build_wasm <cargo package> <artifact name> <output dir> <wasm-opt level> [extra rustflags] [cargo profile] [cargo flag]
# Extra rustflags (target features) go through RUSTFLAGS into a target directory of their own,
# so that alternating builds with and without them never invalidate each other's cache. The
# cargo profile (default `release`) is used for release builds only.
build_wasm() {
  local package="$1" artifact="$2" outdir="$3" opt="$4" extra="${5:-}" release_profile="${6:-release}"
  local cargo_flags=(--locked --target wasm32-unknown-unknown -p "$package" ${7:+"$7"})
  local built="$profile"
  local target_dir="$ROOT/target" rustflags="${RUSTFLAGS:-}" opt_features=()
  if [ -n "$extra" ]; then
    target_dir="$ROOT/target/flags-$(printf '%s' "$extra" | tr -c 'a-z0-9=' '-' | tr -s '-')"
    rustflags="$rustflags $extra"
    [[ "$extra" == *simd128* ]] && opt_features+=(--enable-simd)
  fi
  if [ "$profile" = release ]; then
    cargo_flags+=(--profile "$release_profile")
    built="$release_profile"
  fi
  log "cargo build $package ($built${extra:+, $extra})"
  RUSTFLAGS="$rustflags" CARGO_TARGET_DIR="$target_dir" cargo build --quiet "${cargo_flags[@]}"
  rm -rf "$outdir"
  # no-modules output is one factory expression; build-js.mjs wraps it so that a fresh
  # instance (after a panic) also gets fresh glue state.
  "$BINDGEN" --target no-modules --out-dir "$outdir" \
    "$target_dir/wasm32-unknown-unknown/$built/$artifact.wasm"
  if [ "$profile" = release ]; then
    log "wasm-opt $opt $artifact"
    "$WASM_OPT" "$opt" "${WASM_FEATURES[@]}" "${opt_features[@]}" --strip-debug --strip-producers \
      "$outdir/${artifact}_bg.wasm" -o "$outdir/${artifact}_bg.wasm"
  fi
}

build_wasm vinr vinr "$OUT/full" -Os
# The sandbox's own Wasm (@vinr/sdk/sandbox): the SDK's bindings plus the simulator, built for
# speed (cargo profile `sandbox`, opt-level 3, and wasm-opt -O3: it serves every request of a
# test run; see benches/sandbox). The main Wasm above is built without it, so REST-client users
# never download the simulator (build-js.mjs checks that vinr_bg.wasm exports no SandboxCore).
build_wasm vinr-sandbox-wasm vinr_sandbox "$OUT/sandbox" -O3 "" sandbox
# The edge build (15 KB gzip budget for JS + Wasm) uses Wasm SIMD: sha2 then takes its simd128
# backend, measured both smaller (the unrolled scalar rounds are ~8 KB) and faster than the scalar
# one; every runtime the entry targets has it (Node 16.4+, Deno, Bun, workerd, Chrome 91+,
# Firefox 89+, Safari 16.4+). Its profile `edge` is opt-level "z" but for sha2/hmac at 3: measured
# 15.7 KB of Wasm against 16.1 KB with everything at "z", and ~2% faster verification.
build_wasm vinr-webhooks-wasm vinr_webhooks "$OUT/webhooks" -O3 "-C target-feature=+simd128" edge
# The same without its `host-hmac` feature (the exports' host HMAC parameter, ~1.6 KB, which only
# the Node entries use): the copy the browser/Deno/bundler entry inlines, which the budget measures.
build_wasm vinr-webhooks-wasm vinr_webhooks "$OUT/webhooks-inline" -O3 "-C target-feature=+simd128" edge --no-default-features

log "TypeScript layer and package"
node scripts/build-js.mjs
