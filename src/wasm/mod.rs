//! The `#[wasm_bindgen]` face of the core: thin adapters between JS values and the pure
//! Rust modules. Nothing here decides behaviour; it converts and delegates.

mod panic;

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
