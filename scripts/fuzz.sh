#!/usr/bin/env bash
# Fuzzes, each for a bounded time, the webhook header parsers (fuzz/fuzz_targets/webhook_header.rs)
# and the sandbox's request handler (fuzz/fuzz_targets/sandbox_handler.rs):
#   scripts/fuzz.sh                      # both targets, 60 s each
#   FUZZ_SECONDS=600 scripts/fuzz.sh sandbox_handler
# cargo-fuzz is installed into ./.tools (git-ignored) on first use, so nothing is installed
# globally. libFuzzer's instrumentation needs nightly flags: with a nightly toolchain it is used;
# otherwise the pinned stable toolchain runs them with RUSTC_BOOTSTRAP=1 and no sanitizer.
# Bounded proptest stand-ins run with every `cargo test` (webhook::tests::arbitrary_headers_never_panic,
# tests/sandbox_properties.rs::arbitrary_requests_never_panic).
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"

if [ ! -x "$root/.tools/bin/cargo-fuzz" ]; then
  cargo install --root "$root/.tools" cargo-fuzz
fi
export PATH="$root/.tools/bin:$PATH"

targets=("$@")
[ "${#targets[@]}" -gt 0 ] || targets=(webhook_header sandbox_handler)
cd fuzz
# The fuzz crate has its own workspace and target directory; it never touches the main build.
for target in "${targets[@]}"; do
  if rustup toolchain list 2>/dev/null | grep -q '^nightly'; then
    cargo +nightly fuzz run "$target" -- -max_total_time="${FUZZ_SECONDS:-60}"
  else
    RUSTC_BOOTSTRAP=1 cargo fuzz run --sanitizer none "$target" -- -max_total_time="${FUZZ_SECONDS:-60}"
  fi
done
