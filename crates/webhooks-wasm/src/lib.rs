//! The webhook-only Wasm build behind `@vinr/sdk/webhooks`.
//!
//! It exports the same status-number functions as the client core's `src/wasm/webhook.rs` (one
//! macro, `vinr::webhook_wasm_exports!`, defines them for both), so the TypeScript layer drives
//! both with one implementation. The JS side reads linear memory from the instance's exports. What is
//! left out, on purpose, to keep `import { verify } from '@vinr/sdk/webhooks'` small:
//! - every other binding of the SDK (the `bindings` feature of `vinr` is off);
//! - message text and `core::fmt`: failures cross as one number, which the JS layer words from
//!   templates generated from the core (`src/webhook/status.rs`);
//! - dlmalloc, in the copy inlined for browsers: a counting bump allocator (`bump.rs`) serves the
//!   few short-lived blocks of a call;
//! - a panic hook (it would link the formatter). Nothing here panics on any input (the header
//!   parser is fuzzed); should it ever, JS sees a `WebAssembly.RuntimeError` and replaces the
//!   instance.
#![no_std]

extern crate alloc;

// The bump allocator only without the host HMAC: the host arrives as an externref, and
// wasm-bindgen's externref slot table keeps heap blocks live across calls, so the bump's count
// never returns to zero and memory grows with every call (measured). That build is loaded from
// its file, outside the size budget, so it keeps std's allocator.
#[cfg(not(feature = "host-hmac"))]
mod bump;

#[cfg(not(feature = "host-hmac"))]
#[global_allocator]
static ALLOCATOR: bump::Bump = bump::Bump::new();

// The host HMAC path only where the build is loaded from its file (Node, Bun, workerd, Vercel
// Edge; only the Node entries use it): the copy inlined for browsers, Deno and bundlers, which
// the 15 KB budget measures, is built without the default feature (scripts/build.sh).
#[cfg(feature = "host-hmac")]
vinr::webhook_wasm_exports!(host);

#[cfg(not(feature = "host-hmac"))]
vinr::webhook_wasm_exports!();
