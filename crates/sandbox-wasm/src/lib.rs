//! The Wasm build behind `@vinr/sdk/sandbox`: every `#[wasm_bindgen]` export of the `vinr`
//! crate, the simulator's (`vinr::wasm::sandbox`) included. The exports live in `vinr`; this
//! crate only gives them a cdylib of their own, so that the main package's Wasm, built from
//! `vinr` without the `sandbox-bindings` feature, stays free of the simulator, and sets the
//! allocator the simulator needs (`grow.rs`).

mod grow;

#[global_allocator]
static ALLOCATOR: grow::GeometricDlmalloc = grow::GeometricDlmalloc::new();

// Linking the crate is what exports its bindings; the `use` keeps the dependency referenced.
pub use vinr::wasm::core_version;
