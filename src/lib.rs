//! The core of `@vinr/sdk`.
//!
//! Pure and deterministic: no clock, randomness, network or disk of its own. The host passes
//! those in through [`host`].

pub mod webhook;
