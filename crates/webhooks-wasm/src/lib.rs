//! The webhook-only Wasm build behind `@vinr/sdk/webhooks`.
//!
//! It exports the same status-number functions as the client core's `src/wasm/webhook.rs` (one
//! macro, `vinr::webhook_wasm_exports!`, defines them for both), so the TypeScript layer drives
//! both with one implementation. The JS side reads linear memory from the instance's exports. What is
//! left out, on purpose, to keep `import { verify } from '@vinr/sdk/webhooks'` small:
//! - every other binding of the SDK (the `bindings` feature of `vinr` is off);
//! - error messages: `core::fmt` is never reached from these exports; JS maps the status
//!   number to the code and message;
//! - dlmalloc: a counting bump allocator (`bump.rs`) serves the few short-lived blocks of a call;
//! - a panic hook (it would link the formatter). Nothing here panics on any input (the header
//!   parser is fuzzed); should it ever, JS sees a `WebAssembly.RuntimeError` and replaces the
//!   instance.
#![no_std]

extern crate alloc;

mod bump;

#[global_allocator]
static ALLOCATOR: bump::Bump = bump::Bump::new();

vinr::webhook_wasm_exports!();
