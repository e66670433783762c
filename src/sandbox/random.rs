//! The randomness of one request: 64 bytes drawn once from the host's source (one call across
//! the boundary per request instead of one per id), in two independent halves:
//! - ids (`pay_…`, `evt_…`, `req_…`): xoshiro256** whose state is the first half, fast, since a
//!   request makes several and they only need to be unique;
//! - secrets (API keys): SHA-256 in counter mode keyed with the second half, unpredictable
//!   whenever the host's source is (`crypto.getRandomValues`), even to someone who recovers the
//!   id generator's state from the ids it produced.
//!
//! With a seeded host source a run replays exactly.

use sha2::{Digest, Sha256};

use crate::host::{RandomSource, SeededRandom};

/// How many bytes a request draws from the host.
pub const SEED_BYTES: usize = 64;

pub struct RequestRandom {
    ids: SeededRandom,
    secrets: SecretStream,
}

impl RequestRandom {
    pub fn draw(host: &mut dyn RandomSource) -> RequestRandom {
        let mut seed = [0u8; SEED_BYTES];
        host.fill_bytes(&mut seed);
        RequestRandom::from_seed(seed)
    }

    pub fn from_seed(seed: [u8; SEED_BYTES]) -> RequestRandom {
        let mut state = [0u64; 4];
        for (word, chunk) in state.iter_mut().zip(seed[..32].chunks_exact(8)) {
            let mut bytes = [0u8; 8];
            bytes.copy_from_slice(chunk);
            *word = u64::from_le_bytes(bytes);
        }
        let mut key = [0u8; 32];
        key.copy_from_slice(&seed[32..]);
        RequestRandom {
            ids: SeededRandom::from_state(state),
            secrets: SecretStream {
                key,
                counter: 0,
                block: [0; 32],
                used: 32,
            },
        }
    }

    /// The stream for secrets.
    pub fn secrets(&mut self) -> &mut dyn RandomSource {
        &mut self.secrets
    }
}

/// Ids come from the fast stream.
impl RandomSource for RequestRandom {
    fn fill_bytes(&mut self, dest: &mut [u8]) {
        self.ids.fill_bytes(dest);
    }
}

struct SecretStream {
    key: [u8; 32],
    counter: u64,
    block: [u8; 32],
    used: usize,
}

impl RandomSource for SecretStream {
    fn fill_bytes(&mut self, dest: &mut [u8]) {
        for byte in dest.iter_mut() {
            if self.used == self.block.len() {
                let mut h = Sha256::new();
                h.update(self.key);
                h.update(self.counter.to_le_bytes());
                self.block.copy_from_slice(&h.finalize());
                self.counter += 1;
                self.used = 0;
            }
            *byte = self.block[self.used];
            self.used += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_host_bytes_same_streams_and_the_streams_differ() {
        let mut a = RequestRandom::draw(&mut SeededRandom::new(1));
        let mut b = RequestRandom::draw(&mut SeededRandom::new(1));
        let (mut x, mut y) = ([0u8; 80], [0u8; 80]);
        a.fill_bytes(&mut x);
        b.fill_bytes(&mut y);
        assert_eq!(x, y);
        let (mut s, mut t) = ([0u8; 80], [0u8; 80]);
        a.secrets().fill_bytes(&mut s);
        b.secrets().fill_bytes(&mut t);
        assert_eq!(s, t);
        assert_ne!(x, s);
        assert_ne!(s[..32], s[32..64]);
        let mut c = RequestRandom::draw(&mut SeededRandom::new(2));
        let mut z = [0u8; 80];
        c.fill_bytes(&mut z);
        assert_ne!(x, z);
    }
}
