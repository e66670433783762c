//! The `#[wasm_bindgen]` face of the core: thin adapters between JS values and the pure
//! Rust modules. Nothing here decides behaviour; it converts and delegates.
//!
//! Which bindings a Wasm build links is chosen by feature, so that each entry of the package
//! downloads only what it uses: `bindings` is the client core (money, ids, keys, webhooks; the
//! `vinr` crate's own cdylib, `vinr_bg.wasm`), `settlement-bindings` and `sandbox-bindings` add
//! the engine (crates/engine-wasm), `test-hooks` the tests' and benchmarks' exports.
//!
//! Conventions, so every binding looks the same from the TypeScript layer:
//! - failures are thrown as JS errors built by [`error::to_js`] (named `VinrCoreError`, with
//!   `code`, `param`, `type`, `status`), which the TS layer maps onto its typed error classes;
//! - structured results cross as JSON text: one parse on the JS side is cheaper than building
//!   objects property by property through the boundary, and the API speaks JSON anyway;
//! - host capabilities (randomness, later the clock and storage) arrive as JS functions.

mod error;
mod host;
pub mod money;
mod panic;
pub mod primitives;
#[cfg(feature = "sandbox-bindings")]
pub mod sandbox;
#[cfg(feature = "settlement-bindings")]
pub mod settlement;
#[cfg(feature = "test-hooks")]
pub mod test_hooks;
pub mod webhook;

use wasm_bindgen::prelude::*;

/// Runs once when the instance starts: installs the panic hook first, so that not even a
/// panic during start-up reaches JS as a bare `unreachable`.
#[wasm_bindgen(start)]
pub fn start() {
    panic::install_hook();
}

/// The crate version, so the JS layer can check it runs against the Wasm it was built with.
#[wasm_bindgen(js_name = coreVersion)]
pub fn core_version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}
