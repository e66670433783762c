//! The randomness of one request: 32 bytes drawn once from the host's source, stretched with
//! SHA-256 in counter mode. One call across the boundary per request instead of one per id,
//! and still unpredictable when the host's source is (`crypto.getRandomValues`); with a seeded
//! host source a run replays exactly.

use sha2::{Digest, Sha256};

use crate::host::RandomSource;

pub struct RequestRandom {
    key: [u8; 32],
    counter: u64,
    block: [u8; 32],
    used: usize,
}

impl RequestRandom {
    pub fn draw(host: &mut dyn RandomSource) -> RequestRandom {
        let mut key = [0u8; 32];
        host.fill_bytes(&mut key);
        RequestRandom::from_seed(key)
    }

    pub fn from_seed(key: [u8; 32]) -> RequestRandom {
        RequestRandom {
            key,
            counter: 0,
            block: [0; 32],
            used: 32,
        }
    }

    fn refill(&mut self) {
        let mut h = Sha256::new();
        h.update(self.key);
        h.update(self.counter.to_le_bytes());
        self.block.copy_from_slice(&h.finalize());
        self.counter += 1;
        self.used = 0;
    }
}

impl RandomSource for RequestRandom {
    fn fill_bytes(&mut self, dest: &mut [u8]) {
        for byte in dest.iter_mut() {
            if self.used == self.block.len() {
                self.refill();
            }
            *byte = self.block[self.used];
            self.used += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::host::SeededRandom;

    #[test]
    fn same_host_bytes_same_stream_and_blocks_differ() {
        let mut a = RequestRandom::draw(&mut SeededRandom::new(1));
        let mut b = RequestRandom::draw(&mut SeededRandom::new(1));
        let (mut x, mut y) = ([0u8; 80], [0u8; 80]);
        a.fill_bytes(&mut x);
        b.fill_bytes(&mut y);
        assert_eq!(x, y);
        assert_ne!(x[..32], x[32..64]);
        let mut c = RequestRandom::draw(&mut SeededRandom::new(2));
        let mut z = [0u8; 80];
        c.fill_bytes(&mut z);
        assert_ne!(x, z);
    }
}
