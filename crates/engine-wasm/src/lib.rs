//! The engine Wasm behind `@vinr/sdk/settlement` and `@vinr/sdk/sandbox`: the client core's
//! `#[wasm_bindgen]` exports plus the settlement engine's (`vinr::wasm::settlement`) and the
//! simulator's (`vinr::wasm::sandbox`). The exports live in `vinr`; this crate only gives them a
//! cdylib of their own, so that the client core's Wasm, built from `vinr` without those features,
//! stays small, and sets the allocator the simulator needs (`grow.rs`).

mod grow;

#[global_allocator]
static ALLOCATOR: grow::GeometricDlmalloc = grow::GeometricDlmalloc::new();

// Linking the crate is what exports its bindings; the `use` keeps the dependency referenced.
pub use vinr::wasm::core_version;
