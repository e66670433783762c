//! The core of `@vinr/sdk`.
//!
//! Pure and deterministic: no clock, randomness, network or disk of its own. The host passes
//! those in through [`host`].

pub mod calendar;
pub mod currency;
pub mod error;
pub mod host;
pub mod ids;
pub mod keys;
pub mod money;
pub mod sandbox;
pub mod settlement;
pub mod webhook;

#[cfg(all(feature = "bindings", target_arch = "wasm32"))]
pub mod wasm;
