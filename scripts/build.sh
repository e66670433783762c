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

# build_wasm <cargo package> <artifact name> <output dir> [key=value…]
#   opt=-Os          wasm-opt level (release builds only)
#   profile=release  cargo profile (release builds only)
#   rustflags=…      extra rustflags (target features)
#   features=…       cargo features
#   names=keep       keep the `name` section, so that a panic's stack names Rust functions
#   default-features=no  build without the package's default features
# Extra rustflags go through RUSTFLAGS into a target directory of their own, so that alternating
# builds with and without them never invalidate each other's cache. Extra features do too: a
# cdylib's file name carries no hash, so two feature sets of one package in one target directory
# would overwrite, and rebuild, each other.
build_wasm() {
  local package="$1" artifact="$2" outdir="$3"
  shift 3
  local opt=-Os release_profile=release extra="" features="" names=strip no_default="" arg
  for arg in "$@"; do
    case "$arg" in
      opt=*) opt="${arg#opt=}" ;;
      profile=*) release_profile="${arg#profile=}" ;;
      rustflags=*) extra="${arg#rustflags=}" ;;
      features=*) features="${arg#features=}" ;;
      names=keep) names=keep ;;
      default-features=no) no_default=1 ;;
      *) echo "build_wasm: unknown option $arg" >&2; exit 2 ;;
    esac
  done
  local cargo_flags=(--locked --target wasm32-unknown-unknown -p "$package")
  [ -n "$features" ] && cargo_flags+=(--features "$features")
  [ -n "$no_default" ] && cargo_flags+=(--no-default-features)
  local built="$profile"
  local target_dir="$ROOT/target" rustflags="${RUSTFLAGS:-}" opt_features=()
  [ -n "$features" ] && target_dir="$ROOT/target/features-$(printf '%s' "$features" | tr -c 'a-z0-9' '-')"
  if [ -n "$extra" ]; then
    target_dir="$ROOT/target/flags-$(printf '%s' "$extra" | tr -c 'a-z0-9=' '-' | tr -s '-')"
    rustflags="$rustflags $extra"
    [[ "$extra" == *simd128* ]] && opt_features+=(--enable-simd)
  fi
  # Like a feature set, the build without default features needs a target directory of its own.
  [ -n "$no_default" ] && target_dir="$target_dir-nodefault"
  if [ "$profile" = release ]; then
    cargo_flags+=(--profile "$release_profile")
    built="$release_profile"
  fi
  log "cargo build $package ($built${extra:+, $extra}${features:+, features $features})"
  RUSTFLAGS="$rustflags" CARGO_TARGET_DIR="$target_dir" cargo build --quiet "${cargo_flags[@]}"
  rm -rf "$outdir"
  # no-modules output is one factory expression; build-js.mjs wraps it so that a fresh
  # instance (after a panic) also gets fresh glue state.
  "$BINDGEN" --target no-modules --out-dir "$outdir" \
    "$target_dir/wasm32-unknown-unknown/$built/$artifact.wasm"
  if [ "$profile" = release ]; then
    # -g keeps the name section through the passes (wasm-opt drops it otherwise); DWARF goes
    # either way: the release profiles build without debug info, but the standard library's
    # precompiled code carries some.
    local strip=(--strip-debug)
    [ "$names" = keep ] && strip=(-g --strip-dwarf)
    log "wasm-opt $opt $artifact${strip[1]:+, keeping names}"
    "$WASM_OPT" "$opt" "${WASM_FEATURES[@]}" "${opt_features[@]}" "${strip[@]}" --strip-producers \
      "$outdir/${artifact}_bg.wasm" -o "$outdir/${artifact}_bg.wasm"
  fi
}

# The client core (`@vinr/sdk`): money, ids, keys and webhooks; no settlement engine, no
# simulator. Held to a budget by build-js.mjs (a bundled `import { Vinr }` for browsers, JS and
# Wasm together), which also checks that it exports neither `SettlementEngine` nor `SandboxCore`.
build_wasm vinr vinr "$OUT/client"
# The engine (`@vinr/sdk/settlement` and `@vinr/sdk/sandbox`, one Wasm for both): the client
# core's bindings plus the settlement engine and the simulator, built for speed (cargo profile
# `engine`, opt-level 3, and wasm-opt -O3: it serves every request of a test run; see
# benches/sandbox). It keeps its name section, so that a panic's stack trace names the Rust
# functions of the engine, the build where panics are likeliest; the small builds stay stripped.
build_wasm vinr-engine-wasm vinr_engine "$OUT/engine" opt=-O3 profile=engine names=keep
# The edge build (15 KB gzip budget for JS + Wasm) uses Wasm SIMD: sha2 then takes its simd128
# backend, measured both smaller (the unrolled scalar rounds are ~8 KB) and faster than the scalar
# one; every runtime the entry targets has it (Node 16.4+, Deno, Bun, workerd, Chrome 91+,
# Firefox 89+, Safari 16.4+). Its profile `edge` is opt-level "z" but for sha2/hmac at 3: measured
# 15.7 KB of Wasm against 16.1 KB with everything at "z", and ~2% faster verification.
build_wasm vinr-webhooks-wasm vinr_webhooks "$OUT/webhooks" opt=-O3 rustflags="-C target-feature=+simd128" profile=edge
# The same without its `host-hmac` feature (the exports' host HMAC parameter, ~1.6 KB, which only
# the Node entries use): the copy the browser/Deno/bundler entry inlines, which the budget measures.
build_wasm vinr-webhooks-wasm vinr_webhooks "$OUT/webhooks-inline" opt=-O3 rustflags="-C target-feature=+simd128" profile=edge \
  default-features=no
# Not shipped: the client core plus the tests' and benchmarks' exports (feature `test-hooks`:
# a panic on demand for tests/js/panic.test.mjs, the netting benchmark's Wasm half for
# benches/settlement-wasm.mjs), built like the client core.
build_wasm vinr vinr "$OUT/test-hooks" features=test-hooks

log "TypeScript layer and package"
js_flags=()
[ "$profile" = debug ] && js_flags+=(--debug)
node scripts/build-js.mjs "${js_flags[@]}"
