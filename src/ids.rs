//! Object identifiers: a type prefix, `_`, and a random base62 part (`pay_3Nf91…`).
//!
//! The prefix makes an id self-describing (support can tell a refund from a payment at a
//! glance, and the API can reject a refund id where a payment id belongs); the random part
//! is drawn from the host's [`RandomSource`] so ids are unguessable in live mode and
//! reproducible in the seeded sandbox.

use std::fmt;
use std::hash::Hasher;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use thiserror::Error;

use crate::error::FieldError;
use crate::host::RandomSource;

pub(crate) const BASE62: &[u8; 62] =
    b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// Bytes at or above this are rejected: 248 = 4 × 62 is the largest multiple of 62 that fits
/// in a byte, so `byte % 62` over `0..248` hits every symbol exactly four times. Taking
/// `byte % 62` over all 256 values would favour the first eight symbols.
pub(crate) const REJECT_FROM: u8 = 248;

/// `BASE62[b % 62]` for each byte `b` below [`REJECT_FROM`], 0 (rejected) for the rest: one
/// load per random byte instead of a division.
const SYMBOL_OF_BYTE: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut b = 0;
    while b < REJECT_FROM as usize {
        table[b] = BASE62[b % 62];
        b += 1;
    }
    table
};

/// Length of the random part of generated ids: 24 × log2(62) ≈ 143 bits.
pub const GENERATED_LEN: usize = 24;
const MIN_LEN: usize = 8;
const MAX_LEN: usize = 64;

/// `len` unbiased base62 characters from `rng`, by rejection sampling over bytes.
///
/// Loops until enough bytes were accepted; each byte is accepted with probability 31/32, so
/// a conforming [`RandomSource`] finishes after about one refill. A source that only ever
/// yields bytes ≥ 248 violates the trait's contract and would never finish.
pub(crate) fn random_base62(rng: &mut dyn RandomSource, len: usize) -> String {
    let mut out = String::with_capacity(len);
    push_random_base62(&mut out, rng, len);
    out
}

/// Appends `len` unbiased base62 characters to `out` (see [`random_base62`]).
fn push_random_base62(out: &mut String, rng: &mut dyn RandomSource, len: usize) {
    let mut missing = len;
    // A little more than needed so one fill is almost always enough; on the stack, since ids
    // are made on every request.
    let mut buf = [0u8; 40];
    let mut chars = [0u8; 40];
    while missing > 0 {
        let want = (missing + missing / 8 + 4).min(buf.len());
        rng.fill_bytes(&mut buf[..want]);
        let mut taken = 0;
        for &b in &buf[..want] {
            if taken == missing {
                break;
            }
            let c = SYMBOL_OF_BYTE[usize::from(b)];
            if c != 0 {
                chars[taken] = c;
                taken += 1;
            }
        }
        missing -= taken;
        // One append per fill rather than one per character; base62 is ASCII.
        out.push_str(std::str::from_utf8(&chars[..taken]).unwrap_or_default());
    }
}

pub(crate) fn is_base62(b: u8) -> bool {
    b.is_ascii_alphanumeric()
}

/// The kind of object an id names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum IdPrefix {
    Payment,
    Refund,
    Dispute,
    Customer,
    Settlement,
    Payout,
    WebhookEndpoint,
    Event,
    PaymentMethod,
    Request,
    BalanceEntry,
    Account,
    ApiKey,
    TeamMember,
    WebhookDelivery,
}

impl IdPrefix {
    pub const ALL: [IdPrefix; 15] = [
        IdPrefix::Payment,
        IdPrefix::Refund,
        IdPrefix::Dispute,
        IdPrefix::Customer,
        IdPrefix::Settlement,
        IdPrefix::Payout,
        IdPrefix::WebhookEndpoint,
        IdPrefix::Event,
        IdPrefix::PaymentMethod,
        IdPrefix::Request,
        IdPrefix::BalanceEntry,
        IdPrefix::Account,
        IdPrefix::ApiKey,
        IdPrefix::TeamMember,
        IdPrefix::WebhookDelivery,
    ];

    /// The prefix as written in ids, without the `_`.
    pub fn as_str(self) -> &'static str {
        match self {
            IdPrefix::Payment => "pay",
            IdPrefix::Refund => "re",
            IdPrefix::Dispute => "dp",
            IdPrefix::Customer => "cust",
            IdPrefix::Settlement => "setl",
            IdPrefix::Payout => "po",
            IdPrefix::WebhookEndpoint => "we",
            IdPrefix::Event => "evt",
            IdPrefix::PaymentMethod => "pm",
            IdPrefix::Request => "req",
            IdPrefix::BalanceEntry => "be",
            IdPrefix::Account => "acct",
            IdPrefix::ApiKey => "key",
            IdPrefix::TeamMember => "mbr",
            IdPrefix::WebhookDelivery => "whd",
        }
    }

    pub fn from_prefix(s: &str) -> Option<IdPrefix> {
        // A match rather than a search of `ALL`: every id in a request is parsed through here.
        Some(match s {
            "pay" => IdPrefix::Payment,
            "re" => IdPrefix::Refund,
            "dp" => IdPrefix::Dispute,
            "cust" => IdPrefix::Customer,
            "setl" => IdPrefix::Settlement,
            "po" => IdPrefix::Payout,
            "we" => IdPrefix::WebhookEndpoint,
            "evt" => IdPrefix::Event,
            "pm" => IdPrefix::PaymentMethod,
            "req" => IdPrefix::Request,
            "be" => IdPrefix::BalanceEntry,
            "acct" => IdPrefix::Account,
            "key" => IdPrefix::ApiKey,
            "mbr" => IdPrefix::TeamMember,
            "whd" => IdPrefix::WebhookDelivery,
            _ => return None,
        })
    }
}

impl fmt::Display for IdPrefix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Messages never quote the input: ids arrive in URLs and bodies, and an error should not
/// become a reflection channel for whatever was sent.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum IdError {
    #[error("id must be a prefix, '_' and a random part, like 'pay_3Nf91aBc'")]
    MissingSeparator,
    #[error("id has an unknown prefix")]
    UnknownPrefix,
    #[error("id's random part must be 8 to 64 characters, got {len}")]
    InvalidLength { len: usize },
    #[error("id's random part may only contain letters and digits")]
    InvalidCharacter,
    #[error("expected an id starting with '{expected}_', got one starting with '{found}_'")]
    WrongPrefix { expected: IdPrefix, found: IdPrefix },
}

impl FieldError for IdError {
    fn code(&self) -> &'static str {
        match self {
            IdError::MissingSeparator => "id_malformed",
            IdError::UnknownPrefix => "id_unknown_prefix",
            IdError::InvalidLength { .. } => "id_invalid_length",
            IdError::InvalidCharacter => "id_invalid_character",
            IdError::WrongPrefix { .. } => "id_wrong_prefix",
        }
    }
}

/// A multiply-rotate hash (FxHash's) for maps keyed by ids (the sandbox's indexes, the settlement
/// engine's payments): ids are random already, so SipHash's keyed defence against chosen keys
/// buys nothing here, and it cost about 5% of a sandbox request.
#[derive(Debug, Default, Clone, Copy)]
pub struct IdHasher(u64);

impl Hasher for IdHasher {
    fn write(&mut self, bytes: &[u8]) {
        const K: u64 = 0x51_7c_c1_b7_27_22_0a_95;
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            self.0 = (self.0.rotate_left(5) ^ u64::from_le_bytes(word)).wrapping_mul(K);
        }
        for &b in chunks.remainder() {
            self.0 = (self.0.rotate_left(5) ^ u64::from(b)).wrapping_mul(K);
        }
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// A validated object id. Holding an `Id` means its prefix is known and its random part is
/// well-formed.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Id {
    value: String,
    prefix: IdPrefix,
}

impl Id {
    /// A fresh id with a 24-character random part.
    pub fn generate(prefix: IdPrefix, rng: &mut dyn RandomSource) -> Id {
        let mut value = String::with_capacity(prefix.as_str().len() + 1 + GENERATED_LEN);
        value.push_str(prefix.as_str());
        value.push('_');
        push_random_base62(&mut value, rng, GENERATED_LEN);
        Id { value, prefix }
    }

    /// Accepts any known prefix and a random part of 8 to 64 base62 characters; shorter
    /// parts are allowed because hand-written fixtures and docs use them.
    pub fn parse(s: &str) -> Result<Id, IdError> {
        Ok(Id {
            prefix: Id::check(s)?,
            value: s.to_owned(),
        })
    }

    /// Like [`Id::parse`], and the id must also be of the `expected` kind.
    pub fn parse_with_prefix(s: &str, expected: IdPrefix) -> Result<Id, IdError> {
        Id::check_with_prefix(s, expected)?;
        Ok(Id {
            value: s.to_owned(),
            prefix: expected,
        })
    }

    /// What [`Id::parse`] checks, without making an `Id`: the prefix of a well-formed id.
    pub fn check(s: &str) -> Result<IdPrefix, IdError> {
        let (head, body) = s.split_once('_').ok_or(IdError::MissingSeparator)?;
        let prefix = IdPrefix::from_prefix(head).ok_or(IdError::UnknownPrefix)?;
        if !(MIN_LEN..=MAX_LEN).contains(&body.len()) {
            return Err(IdError::InvalidLength { len: body.len() });
        }
        if !body.bytes().all(is_base62) {
            return Err(IdError::InvalidCharacter);
        }
        Ok(prefix)
    }

    /// What [`Id::parse_with_prefix`] checks, without making an `Id`.
    pub fn check_with_prefix(s: &str, expected: IdPrefix) -> Result<(), IdError> {
        let found = Id::check(s)?;
        if found != expected {
            return Err(IdError::WrongPrefix { expected, found });
        }
        Ok(())
    }

    pub fn prefix(&self) -> IdPrefix {
        self.prefix
    }

    pub fn as_str(&self) -> &str {
        &self.value
    }

    /// The id's text, without copying it.
    pub fn into_string(self) -> String {
        self.value
    }
}

impl fmt::Display for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.value)
    }
}

impl fmt::Debug for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Id({})", self.value)
    }
}

impl FromStr for Id {
    type Err = IdError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Id::parse(s)
    }
}

impl AsRef<str> for Id {
    fn as_ref(&self) -> &str {
        &self.value
    }
}

impl Serialize for Id {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.value)
    }
}

impl<'de> Deserialize<'de> for Id {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        Id::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::host::SeededRandom;

    /// Plays back a fixed byte script, then zeros.
    struct Script {
        bytes: Vec<u8>,
        pos: usize,
    }

    impl RandomSource for Script {
        fn fill_bytes(&mut self, dest: &mut [u8]) {
            for d in dest.iter_mut() {
                *d = self.bytes.get(self.pos).copied().unwrap_or(0);
                self.pos += 1;
            }
        }
    }

    #[test]
    fn generated_ids_have_prefix_and_24_base62_chars() {
        let mut rng = SeededRandom::new(1);
        for prefix in IdPrefix::ALL {
            let id = Id::generate(prefix, &mut rng);
            let (head, body) = id.as_str().split_once('_').unwrap();
            assert_eq!(head, prefix.as_str());
            assert_eq!(body.len(), GENERATED_LEN);
            assert!(body.bytes().all(is_base62));
            assert_eq!(id.prefix(), prefix);
            assert_eq!(Id::parse(id.as_str()).unwrap(), id);
        }
    }

    #[test]
    fn generation_is_deterministic_for_a_seed() {
        let a = Id::generate(IdPrefix::Payment, &mut SeededRandom::new(9));
        let b = Id::generate(IdPrefix::Payment, &mut SeededRandom::new(9));
        let c = Id::generate(IdPrefix::Payment, &mut SeededRandom::new(10));
        assert_eq!(a, b);
        assert_ne!(a, c);
    }

    #[test]
    fn bytes_from_248_up_are_rejected() {
        // Every byte 248..=255 must be skipped; 0 → '0', 61 → 'z', 62 → '0', 247 → 'z'.
        let mut script: Vec<u8> = (248..=255).collect();
        script.extend([0, 61, 62, 247, 255, 123, 124, 185]);
        let mut rng = Script {
            bytes: script,
            pos: 0,
        };
        let s = random_base62(&mut rng, 7);
        assert_eq!(s, "0z0zz0z");
    }

    #[test]
    fn only_rejected_bytes_then_valid_ones_still_completes() {
        let mut script = vec![255u8; 200];
        script.push(10);
        let mut rng = Script {
            bytes: script,
            pos: 0,
        };
        let s = random_base62(&mut rng, 3);
        // The script runs out into zeros after the 'A'.
        assert_eq!(s, "A00");
    }

    /// Pearson's chi-square statistic against a uniform distribution, times 100, in integer
    /// arithmetic (this crate keeps floats out entirely): Σ (62·c − n)² / (62·n).
    fn chi_square_x100(counts: &[u64; 62]) -> u128 {
        let n: u128 = counts.iter().map(|&c| u128::from(c)).sum();
        let sum: u128 = counts
            .iter()
            .map(|&c| {
                let d = (62 * u128::from(c)).abs_diff(n);
                d * d
            })
            .sum();
        sum * 100 / (62 * n)
    }

    #[test]
    fn characters_are_uniform_enough() {
        let mut rng = SeededRandom::new(0xC0FFEE);
        let mut counts = [0u64; 62];
        let ids = 4000;
        for _ in 0..ids {
            let id = Id::generate(IdPrefix::Event, &mut rng);
            for b in id.as_str()[4..].bytes() {
                let i = BASE62.iter().position(|&c| c == b).unwrap();
                counts[i] += 1;
            }
        }
        let chi2 = chi_square_x100(&counts);
        // 61 degrees of freedom: mean 61, sd ≈ 11. 120 is far in the tail (p < 1e-5), while
        // the modulo bias this guards against (first 8 symbols 5/4 as likely) gives > 1000.
        assert!(chi2 < 12_000, "chi2 × 100 = {chi2}");
        assert!(counts.iter().all(|&c| c > 0));
    }

    #[test]
    fn biased_sampling_would_fail_the_same_check() {
        // Sanity check of the test itself: plain `byte % 62` is detectably biased.
        let mut rng = SeededRandom::new(0xC0FFEE);
        let mut counts = [0u64; 62];
        let mut buf = [0u8; 96_000];
        rng.fill_bytes(&mut buf);
        for b in buf {
            counts[usize::from(b % 62)] += 1;
        }
        let chi2 = chi_square_x100(&counts);
        assert!(chi2 > 12_000, "chi2 × 100 = {chi2}");
    }

    #[test]
    fn parse_accepts_known_prefixes_and_length_bounds() {
        assert_eq!(
            Id::parse("pay_3Nf91aBc").unwrap().prefix(),
            IdPrefix::Payment
        );
        assert_eq!(
            Id::parse("acct_12345678").unwrap().prefix(),
            IdPrefix::Account
        );
        let max = format!("evt_{}", "a".repeat(64));
        assert!(Id::parse(&max).is_ok());
    }

    #[test]
    fn parse_rejects_malformed_ids() {
        assert_eq!(Id::parse(""), Err(IdError::MissingSeparator));
        assert_eq!(Id::parse("pay3Nf91aBc"), Err(IdError::MissingSeparator));
        assert_eq!(Id::parse("xx_3Nf91aBcd"), Err(IdError::UnknownPrefix));
        assert_eq!(Id::parse("PAY_3Nf91aBcd"), Err(IdError::UnknownPrefix));
        assert_eq!(Id::parse("_3Nf91aBcd"), Err(IdError::UnknownPrefix));
        assert_eq!(
            Id::parse("pay_3Nf91"),
            Err(IdError::InvalidLength { len: 5 })
        );
        assert_eq!(Id::parse("pay_"), Err(IdError::InvalidLength { len: 0 }));
        let long = format!("pay_{}", "a".repeat(65));
        assert_eq!(Id::parse(&long), Err(IdError::InvalidLength { len: 65 }));
        assert_eq!(Id::parse("pay_3Nf91aB-"), Err(IdError::InvalidCharacter));
        assert_eq!(Id::parse("pay_3Nf9_aBc"), Err(IdError::InvalidCharacter));
        assert_eq!(Id::parse("pay_3Nf91aBé"), Err(IdError::InvalidCharacter));
        assert_eq!(Id::parse("pay_3Nf91aB "), Err(IdError::InvalidCharacter));
    }

    #[test]
    fn parse_with_prefix_checks_the_kind() {
        assert!(Id::parse_with_prefix("re_12345678", IdPrefix::Refund).is_ok());
        assert_eq!(
            Id::parse_with_prefix("re_12345678", IdPrefix::Payment),
            Err(IdError::WrongPrefix {
                expected: IdPrefix::Payment,
                found: IdPrefix::Refund
            })
        );
        assert_eq!(
            Id::parse_with_prefix("zz_12345678", IdPrefix::Payment),
            Err(IdError::UnknownPrefix)
        );
        let msg = IdError::WrongPrefix {
            expected: IdPrefix::Payment,
            found: IdPrefix::Refund,
        }
        .to_string();
        assert!(msg.contains("'pay_'") && msg.contains("'re_'"), "{msg}");
    }

    #[test]
    fn prefixes_are_distinct_and_round_trip() {
        for p in IdPrefix::ALL {
            assert_eq!(IdPrefix::from_prefix(p.as_str()), Some(p));
            assert!(!p.as_str().contains('_'));
        }
        let mut names: Vec<&str> = IdPrefix::ALL.iter().map(|p| p.as_str()).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), IdPrefix::ALL.len());
    }

    #[test]
    fn serde_as_string_and_validates() {
        let id = Id::parse("cust_8Qa2bbbb").unwrap();
        assert_eq!(serde_json::to_string(&id).unwrap(), "\"cust_8Qa2bbbb\"");
        let back: Id = serde_json::from_str("\"cust_8Qa2bbbb\"").unwrap();
        assert_eq!(back, id);
        assert!(serde_json::from_str::<Id>("\"cust_8Q\"").is_err());
        assert!(serde_json::from_str::<Id>("42").is_err());
        assert_eq!(id.to_string(), "cust_8Qa2bbbb");
        assert_eq!("cust_8Qa2bbbb".parse::<Id>().unwrap(), id);
    }

    #[test]
    fn error_codes_are_stable() {
        assert_eq!(IdError::UnknownPrefix.code(), "id_unknown_prefix");
        assert_eq!(
            IdError::InvalidLength { len: 1 }.code(),
            "id_invalid_length"
        );
        assert_eq!(IdError::InvalidCharacter.code(), "id_invalid_character");
        assert_eq!(IdError::MissingSeparator.code(), "id_malformed");
    }
}
