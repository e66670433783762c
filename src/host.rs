//! The host interface: what the core gets from the outside world, and nothing else.
//!
//! The core reads no clock, draws no randomness, touches no disk and opens no socket by itself;
//! that keeps it deterministic and lets one Wasm build run in Node, browsers and edge workers
//! alike. What crosses from the host, and how:
//!
//! - **Time** is a value, not a capability: every call that needs it takes `now` (Unix
//!   seconds or milliseconds, or a `DateTime`), which the JS layer reads from `Date.now()` or a
//!   caller's test clock. The sandbox keeps its simulated clock in its own state.
//! - **Randomness** comes through [`RandomSource`]: `crypto.getRandomValues` in the package
//!   (`src/wasm/host.rs`), or a seeded source the app hands in; [`SeededRandom`] in tests and in
//!   the sandbox, so a run can be replayed exactly.
//! - **HMAC-SHA256** of a webhook payload may come through [`PayloadMac`]: the Node entries
//!   hand in `node:crypto`'s, faster than the core's own
//!   ([`CoreMac`](crate::webhook::CoreMac)), which every other runtime uses.
//! - **Storage** is not a capability either: the sandbox returns the change records each
//!   request wrote, and the JS layer's storage adapter keeps them (see [`crate::sandbox`]).
//! - **The network** never reaches the core: the client's transport is a JS `fetch`, and the
//!   sandbox is a pure function of its state and one request.
//!
//! The traits carry no `Send`/`Sync` bounds: Wasm is single-threaded and JS handles are not
//! thread-safe anyway.

use crate::webhook::WebhookSecret;

/// A source of random bytes.
///
/// Implementations must fill `dest` completely with uniformly distributed bytes; the core
/// relies on that for unbiased identifiers and keys. Live use needs a cryptographic source
/// (`crypto.getRandomValues`); [`SeededRandom`] is for tests and the sandbox only.
pub trait RandomSource {
    fn fill_bytes(&mut self, dest: &mut [u8]);
}

/// HMAC-SHA256 of the webhook payload being signed or verified.
///
/// The payload belongs to the implementation: the core passes only the secret and the parts its
/// scheme puts before the payload (`"<t>", "."`, or `"<id>", ".", "<t>", "."` for Standard
/// Webhooks), so a host with its own HMAC never copies the body into the core. What the MAC is
/// compared with, and when a message is accepted, stays the core's decision.
pub trait PayloadMac {
    /// HMAC-SHA256 keyed with `secret`'s key over the `prefix` parts and then the payload; `None`
    /// if the host could not compute it. Nothing then verifies and nothing is signed: the host
    /// reports its own error.
    fn mac(&mut self, secret: &WebhookSecret, prefix: &[&[u8]]) -> Option<[u8; 32]>;
}

/// A deterministic, seedable generator: xoshiro256** seeded through SplitMix64.
///
/// NOT cryptographically secure: its output is predictable from a few observed values. It
/// exists so tests and sandbox runs are reproducible from a `u64` seed. Live keys and ids
/// must come from the host's `crypto.getRandomValues`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeededRandom {
    s: [u64; 4],
}

impl SeededRandom {
    pub fn new(seed: u64) -> Self {
        // SplitMix64 spreads any seed (including 0) into a state that is never all zeros,
        // which xoshiro requires; this is the seeding its authors recommend.
        let mut sm = seed;
        let mut next = || {
            sm = sm.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = sm;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        };
        SeededRandom {
            s: [next(), next(), next(), next()],
        }
    }

    /// A generator whose state is `state` (already well mixed, e.g. a hash); an all-zero state,
    /// which xoshiro cannot leave, is replaced by the state of seed 0.
    pub fn from_state(state: [u64; 4]) -> Self {
        if state == [0; 4] {
            return SeededRandom::new(0);
        }
        SeededRandom { s: state }
    }

    pub fn next_u64(&mut self) -> u64 {
        // Wrapping arithmetic is the algorithm's definition here, not an overflow hazard.
        let result = self.s[1].wrapping_mul(5).rotate_left(7).wrapping_mul(9);
        let t = self.s[1] << 17;
        self.s[2] ^= self.s[0];
        self.s[3] ^= self.s[1];
        self.s[1] ^= self.s[2];
        self.s[0] ^= self.s[3];
        self.s[2] ^= t;
        self.s[3] = self.s[3].rotate_left(45);
        result
    }
}

impl RandomSource for SeededRandom {
    fn fill_bytes(&mut self, dest: &mut [u8]) {
        // Whole words apart from the tail: a copy of a known length is one store, not a call.
        let mut chunks = dest.chunks_exact_mut(8);
        for chunk in &mut chunks {
            chunk.copy_from_slice(&self.next_u64().to_le_bytes());
        }
        let tail = chunks.into_remainder();
        if !tail.is_empty() {
            let bytes = self.next_u64().to_le_bytes();
            tail.copy_from_slice(&bytes[..tail.len()]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeded_random_is_deterministic_per_seed() {
        let mut a = SeededRandom::new(42);
        let mut b = SeededRandom::new(42);
        let mut c = SeededRandom::new(43);
        let xs: Vec<u64> = (0..8).map(|_| a.next_u64()).collect();
        let ys: Vec<u64> = (0..8).map(|_| b.next_u64()).collect();
        let zs: Vec<u64> = (0..8).map(|_| c.next_u64()).collect();
        assert_eq!(xs, ys);
        assert_ne!(xs, zs);
    }

    #[test]
    fn seeded_random_matches_reference_splitmix_seeding() {
        // SplitMix64's published first output for seed 0, which is our first state word.
        let r = SeededRandom::new(0);
        assert_eq!(r.s[0], 0xE220_A839_7B1D_CDAF);
    }

    #[test]
    fn seeded_random_fills_odd_lengths() {
        let mut r = SeededRandom::new(7);
        let mut buf = [0u8; 13];
        r.fill_bytes(&mut buf);
        assert!(buf.iter().any(|&b| b != 0));
        let mut r2 = SeededRandom::new(7);
        let mut first8 = [0u8; 8];
        r2.fill_bytes(&mut first8);
        assert_eq!(&buf[..8], &first8);
    }

    #[test]
    fn seeded_random_zero_seed_is_not_stuck() {
        let mut r = SeededRandom::new(0);
        let a = r.next_u64();
        let b = r.next_u64();
        assert_ne!(a, b);
        assert_ne!(a, 0);
    }
}
