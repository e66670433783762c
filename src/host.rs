//! The host interface: everything the core needs from the outside world.
//!
//! The core never reads a clock, draws randomness, touches a disk or opens a socket by
//! itself; that keeps it deterministic and lets one Wasm build run in Node, browsers and edge
//! workers alike. The host hands those capabilities in through these traits:
//!
//! - in the Wasm bindings, [`Clock`] is backed by JavaScript's `Date.now()`, [`RandomSource`]
//!   by `crypto.getRandomValues`, [`Storage`] by the storage adapter the app configured and
//!   [`Transport`] by `fetch` (or a custom transport);
//! - in tests and in the sandbox, by the deterministic implementations in this module
//!   ([`ManualClock`], [`SeededRandom`], [`MemoryStorage`]), so a run can be replayed exactly.
//!
//! The traits carry no `Send`/`Sync` bounds: Wasm is single-threaded and JS handles are not
//! thread-safe anyway.

use std::collections::BTreeMap;
use std::ops::Bound;

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use thiserror::Error;

/// The current time, as the host sees it.
pub trait Clock {
    fn now(&self) -> DateTime<Utc>;
}

/// A source of random bytes.
///
/// Implementations must fill `dest` completely with uniformly distributed bytes; the core
/// relies on that for unbiased identifiers and keys. Live use needs a cryptographic source
/// (`crypto.getRandomValues`); [`SeededRandom`] is for tests and the sandbox only.
pub trait RandomSource {
    fn fill_bytes(&mut self, dest: &mut [u8]);
}

/// A key-value store for the sandbox's state and the client's caches.
///
/// Keys are UTF-8 strings; values are opaque bytes (the core decides the encoding).
pub trait Storage {
    fn get(&self, key: &str) -> Result<Option<Vec<u8>>, StorageError>;
    fn put(&mut self, key: &str, value: &[u8]) -> Result<(), StorageError>;
    /// Deleting a key that does not exist is not an error.
    fn delete(&mut self, key: &str) -> Result<(), StorageError>;
    /// All keys that start with `prefix`, in ascending byte order.
    fn keys_with_prefix(&self, prefix: &str) -> Result<Vec<String>, StorageError>;
}

/// Sends one HTTP request and returns the response, whatever its status.
///
/// A non-2xx status is a successful exchange, not a [`TransportError`]; the error is only for
/// when no response arrived at all.
pub trait Transport {
    fn send(&mut self, request: &HttpRequest) -> Result<HttpResponse, TransportError>;
}

#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum StorageError {
    #[error("storage backend failed: {message}")]
    Backend { message: String },
    #[error("storage quota exceeded")]
    QuotaExceeded,
}

#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum TransportError {
    #[error("network error: {message}")]
    Network { message: String },
    #[error("request timed out")]
    Timeout,
    #[error("request aborted")]
    Aborted,
}

#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum ClockError {
    /// Simulated time only moves forward: schedules, deadlines and retries that already fired
    /// could not be un-fired.
    #[error("the clock cannot move backwards")]
    Backwards,
    #[error("the clock would leave the representable range")]
    OutOfRange,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Method {
    Get,
    Post,
    Delete,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Delete => "DELETE",
        }
    }
}

impl std::fmt::Display for Method {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HttpRequest {
    pub method: Method,
    pub url: String,
    /// A list, not a map: HTTP allows repeated headers and their order can matter.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl HttpRequest {
    /// The first header called `name`, compared case-insensitively as HTTP requires.
    pub fn header(&self, name: &str) -> Option<&str> {
        find_header(&self.headers, name)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HttpResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl HttpResponse {
    /// The first header called `name`, compared case-insensitively as HTTP requires.
    pub fn header(&self, name: &str) -> Option<&str> {
        find_header(&self.headers, name)
    }
}

/// The first header called `name`, compared case-insensitively as HTTP requires, in a list of
/// name/value pairs of any string type.
pub(crate) fn find_header<'a, K: AsRef<str>, V: AsRef<str>>(
    headers: &'a [(K, V)],
    name: &str,
) -> Option<&'a str> {
    headers
        .iter()
        .find(|(k, _)| k.as_ref().eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_ref())
}

/// A clock that stands still until told to move, and then only forwards.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManualClock {
    now: DateTime<Utc>,
}

impl ManualClock {
    pub fn new(start: DateTime<Utc>) -> Self {
        ManualClock { now: start }
    }

    /// Moves the clock forward by `by`. A negative duration is refused; zero is a no-op.
    pub fn advance(&mut self, by: Duration) -> Result<(), ClockError> {
        if by < Duration::zero() {
            return Err(ClockError::Backwards);
        }
        self.now = self
            .now
            .checked_add_signed(by)
            .ok_or(ClockError::OutOfRange)?;
        Ok(())
    }

    /// Jumps to `to`, which must not be earlier than the current time.
    pub fn set(&mut self, to: DateTime<Utc>) -> Result<(), ClockError> {
        if to < self.now {
            return Err(ClockError::Backwards);
        }
        self.now = to;
        Ok(())
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        self.now
    }
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
        for chunk in dest.chunks_mut(8) {
            let bytes = self.next_u64().to_le_bytes();
            chunk.copy_from_slice(&bytes[..chunk.len()]);
        }
    }
}

/// An in-memory [`Storage`]; a `BTreeMap` so prefix scans come out sorted for free.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MemoryStorage {
    entries: BTreeMap<String, Vec<u8>>,
}

impl MemoryStorage {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

impl Storage for MemoryStorage {
    fn get(&self, key: &str) -> Result<Option<Vec<u8>>, StorageError> {
        Ok(self.entries.get(key).cloned())
    }

    fn put(&mut self, key: &str, value: &[u8]) -> Result<(), StorageError> {
        self.entries.insert(key.to_owned(), value.to_vec());
        Ok(())
    }

    fn delete(&mut self, key: &str) -> Result<(), StorageError> {
        self.entries.remove(key);
        Ok(())
    }

    fn keys_with_prefix(&self, prefix: &str) -> Result<Vec<String>, StorageError> {
        Ok(self
            .entries
            .range::<str, _>((Bound::Included(prefix), Bound::Unbounded))
            .take_while(|(k, _)| k.starts_with(prefix))
            .map(|(k, _)| k.clone())
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t0() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 4, 15, 10, 30, 0).unwrap()
    }

    #[test]
    fn manual_clock_advances_forward_only() {
        let mut c = ManualClock::new(t0());
        assert_eq!(c.now(), t0());
        c.advance(Duration::hours(2)).unwrap();
        assert_eq!(c.now(), t0() + Duration::hours(2));
        c.advance(Duration::zero()).unwrap();
        assert_eq!(c.now(), t0() + Duration::hours(2));
        assert_eq!(c.advance(Duration::seconds(-1)), Err(ClockError::Backwards));
        assert_eq!(c.now(), t0() + Duration::hours(2));
    }

    #[test]
    fn manual_clock_set_refuses_the_past() {
        let mut c = ManualClock::new(t0());
        assert_eq!(
            c.set(t0() - Duration::milliseconds(1)),
            Err(ClockError::Backwards)
        );
        c.set(t0()).unwrap();
        c.set(t0() + Duration::days(3)).unwrap();
        assert_eq!(c.now(), t0() + Duration::days(3));
    }

    #[test]
    fn manual_clock_overflow_is_an_error() {
        let mut c = ManualClock::new(DateTime::<Utc>::MAX_UTC - Duration::seconds(1));
        assert_eq!(c.advance(Duration::days(1)), Err(ClockError::OutOfRange));
    }

    #[test]
    fn clock_is_object_safe() {
        let c = ManualClock::new(t0());
        let dynamic: &dyn Clock = &c;
        assert_eq!(dynamic.now(), t0());
    }

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

    #[test]
    fn memory_storage_crud_and_prefix_scan() {
        let mut s = MemoryStorage::new();
        assert!(s.is_empty());
        s.put("pay/2", b"b").unwrap();
        s.put("pay/1", b"a").unwrap();
        s.put("re/1", b"r").unwrap();
        s.put("pax", b"x").unwrap();
        assert_eq!(s.get("pay/1").unwrap(), Some(b"a".to_vec()));
        assert_eq!(s.get("missing").unwrap(), None);
        assert_eq!(
            s.keys_with_prefix("pay/").unwrap(),
            vec!["pay/1".to_string(), "pay/2".to_string()]
        );
        assert_eq!(s.keys_with_prefix("").unwrap().len(), 4);
        assert!(s.keys_with_prefix("zzz").unwrap().is_empty());
        s.put("pay/1", b"a2").unwrap();
        assert_eq!(s.get("pay/1").unwrap(), Some(b"a2".to_vec()));
        s.delete("pay/1").unwrap();
        s.delete("pay/1").unwrap();
        assert_eq!(s.get("pay/1").unwrap(), None);
        assert_eq!(s.len(), 3);
    }

    #[test]
    fn headers_are_case_insensitive_and_first_wins() {
        let req = HttpRequest {
            method: Method::Post,
            url: "https://sandbox.api.vinr.com/v1/payments".into(),
            headers: vec![
                ("Idempotency-Key".into(), "k1".into()),
                ("idempotency-key".into(), "k2".into()),
            ],
            body: Vec::new(),
        };
        assert_eq!(req.header("IDEMPOTENCY-KEY"), Some("k1"));
        assert_eq!(req.header("authorization"), None);
        let resp = HttpResponse {
            status: 200,
            headers: vec![("Idempotent-Replayed".into(), "true".into())],
            body: b"{}".to_vec(),
        };
        assert_eq!(resp.header("idempotent-replayed"), Some("true"));
    }

    #[test]
    fn method_wire_names() {
        assert_eq!(Method::Delete.to_string(), "DELETE");
        assert_eq!(serde_json::to_string(&Method::Get).unwrap(), "\"GET\"");
        let m: Method = serde_json::from_str("\"POST\"").unwrap();
        assert_eq!(m, Method::Post);
    }
}
