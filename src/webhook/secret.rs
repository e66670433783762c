//! The endpoint secret: `whsec_` + standard base64 of random bytes; the HMAC key is the bytes.

use core::fmt;

use hmac::digest::{Digest, Key};
use hmac::{Hmac, KeyInit};
use sha2::Sha256;

use super::{base64, SecretProblem, WebhookError};

pub(crate) type HmacSha256 = Hmac<Sha256>;

/// The prefix every VINR (and Svix / Standard Webhooks) endpoint secret carries.
pub const SECRET_PREFIX: &str = "whsec_";

/// Shortest key accepted. HMAC-SHA256 tolerates any length, but a short key is a weak one; 16
/// bytes still admits every secret the Standard Webhooks libraries issue (24 bytes upwards).
pub const MIN_SECRET_BYTES: usize = 16;

/// Length of the keys [`WebhookSecret::generate`] makes.
pub const GENERATED_SECRET_BYTES: usize = 32;

/// An endpoint's signing secret.
///
/// Holds the decoded key and the HMAC state already keyed with it, so each verification starts
/// from a clone instead of rehashing the key (two SHA-256 blocks saved per secret per message).
/// `Debug` prints no key material, and no error ever contains it.
#[derive(Clone)]
pub struct WebhookSecret {
    key: Vec<u8>,
    mac: HmacSha256,
}

impl WebhookSecret {
    /// Parses the `whsec_<base64>` form. The base64 is the standard alphabet, with or without
    /// `=` padding; surrounding whitespace is not trimmed (a stray newline from an env file is an
    /// error here, not a silently different key).
    pub fn parse(secret: &str) -> Result<Self, WebhookError> {
        let body = secret
            .strip_prefix(SECRET_PREFIX)
            .ok_or(WebhookError::InvalidSecret(SecretProblem::MissingPrefix))?;
        Self::decode_body(body)
    }

    /// Like [`parse`](Self::parse), but the `whsec_` prefix is optional, as in the Standard
    /// Webhooks libraries: secrets from other senders are sometimes handed over bare.
    pub fn parse_standard(secret: &str) -> Result<Self, WebhookError> {
        Self::decode_body(secret.strip_prefix(SECRET_PREFIX).unwrap_or(secret))
    }

    fn decode_body(body: &str) -> Result<Self, WebhookError> {
        let key = base64::decode(body.as_bytes())
            .ok_or(WebhookError::InvalidSecret(SecretProblem::NotBase64))?;
        Self::from_bytes(&key)
    }

    /// Uses `key` as the HMAC key directly. At least [`MIN_SECRET_BYTES`] long.
    pub fn from_bytes(key: &[u8]) -> Result<Self, WebhookError> {
        if key.len() < MIN_SECRET_BYTES {
            return Err(WebhookError::InvalidSecret(SecretProblem::TooShort {
                len: key.len(),
            }));
        }
        Ok(Self {
            key: key.to_vec(),
            mac: keyed_mac(key),
        })
    }

    /// A new secret of [`GENERATED_SECRET_BYTES`] bytes drawn from `fill`, which must write
    /// cryptographically secure random bytes into the slice it is given (the host's random source:
    /// the core has none of its own).
    pub fn generate(fill: &mut dyn FnMut(&mut [u8])) -> Self {
        let mut key = [0u8; GENERATED_SECRET_BYTES];
        fill(&mut key);
        Self::from_key_array(key)
    }

    /// Infallible constructor for a full-size key.
    pub fn from_key_array(key: [u8; GENERATED_SECRET_BYTES]) -> Self {
        Self {
            key: key.to_vec(),
            mac: keyed_mac(&key),
        }
    }

    /// The `whsec_<padded base64>` form, to show once to the endpoint's owner.
    pub fn encode(&self) -> String {
        let mut out = String::from(SECRET_PREFIX);
        base64::encode_into(&self.key, &mut out);
        out
    }

    /// The decoded key bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.key
    }

    /// HMAC state keyed with this secret, ready for the message.
    pub(crate) fn mac(&self) -> HmacSha256 {
        self.mac.clone()
    }
}

/// HMAC keyed with `key`, built from the block-sized key of RFC 2104 §2 (zero-padded, or hashed
/// first when longer than a block) so that construction is infallible by type rather than by an
/// `expect` on `new_from_slice`.
pub(crate) fn keyed_mac(key: &[u8]) -> HmacSha256 {
    let mut block = Key::<HmacSha256>::default();
    if key.len() <= block.len() {
        block[..key.len()].copy_from_slice(key);
    } else {
        let hash = Sha256::digest(key);
        block[..hash.len()].copy_from_slice(&hash);
    }
    let mac = <HmacSha256 as KeyInit>::new(&block);
    block.iter_mut().for_each(|b| *b = 0);
    core::hint::black_box(&mut block);
    mac
}

impl fmt::Debug for WebhookSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebhookSecret")
            .field("len", &self.key.len())
            .finish_non_exhaustive()
    }
}

/// Equality on the key bytes, in constant time: secrets are compared when an endpoint's list of
/// active secrets is edited.
impl PartialEq for WebhookSecret {
    fn eq(&self, other: &Self) -> bool {
        self.key.len() == other.key.len() && super::ct_eq(&self.key, &other.key)
    }
}

impl Eq for WebhookSecret {}

impl Drop for WebhookSecret {
    fn drop(&mut self) {
        // Best effort: scrub the raw key so it does not linger in freed (Wasm linear) memory.
        // `black_box` keeps the writes from being optimised away as dead stores.
        for b in self.key.iter_mut() {
            *b = 0;
        }
        core::hint::black_box(&mut self.key);
    }
}
