#!/usr/bin/env bash
# Fuzzes the webhook header parsers (fuzz/fuzz_targets/webhook_header.rs) for a bounded time.
#   scripts/fuzz.sh                 # 60 s
#   FUZZ_SECONDS=600 scripts/fuzz.sh
# Needs a nightly toolchain (libFuzzer's sanitizer flags). cargo-fuzz is installed into
# ./.tools (git-ignored) on first use, so nothing is installed globally.
# A bounded proptest stand-in (webhook::tests::arbitrary_headers_never_panic) runs with every
# `cargo test --lib`.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"

if [ ! -x "$root/.tools/bin/cargo-fuzz" ]; then
  cargo install --root "$root/.tools" cargo-fuzz
fi
export PATH="$root/.tools/bin:$PATH"

cd fuzz
# The fuzz crate has its own workspace and target directory; it never touches the main build.
cargo +nightly fuzz run webhook_header -- -max_total_time="${FUZZ_SECONDS:-60}"
