//! Signing and verifying VINR webhooks, synchronously and without a host crypto API.
//!
//! # The `x-vinr-signature` scheme
//!
//! ```text
//! x-vinr-signature: t=<unix seconds>,v1=<hex>[,v1=<hex>…]
//! v1 = lowercase_hex(HMAC-SHA256(key = base64_decode(secret without "whsec_"),
//!                                msg = "<t>." ++ raw body bytes))
//! ```
//!
//! * One `v1` per active secret: during a rotation the sender signs with every active secret and
//!   the receiver accepts the message if **any** `v1` matches **any** secret it knows.
//! * Other schemes (`v0=`, `v2=`, …) are skipped, so the header can grow new schemes without
//!   breaking old verifiers. A `v1` must be exactly 64 lowercase hex digits: accepting other
//!   spellings would let a changed header still verify.
//! * `t` is a canonical non-negative decimal: digits only, no sign, no leading zero (except `0`
//!   itself). The MAC covers `t` exactly as sent, so a canonical form keeps every verifier in
//!   agreement about what was signed.
//! * **Whitespace**: spaces or tabs after a `,` (and around the whole value, which HTTP strips
//!   anyway) are allowed; anywhere else — before a `,`, around `=`, inside a value — the header
//!   is malformed. Empty entries (`,,`, a trailing `,`) are malformed too.
//! * **Size**: a header longer than [`MAX_HEADER_BYTES`] (8 KiB, room for ~120 signatures and far
//!   above any real delivery) is rejected before it is parsed or any HMAC is computed, so an
//!   oversized header costs the receiver nothing.
//! * **Time**: the timestamp must be within `tolerance_secs` of `now` in both directions
//!   (default [`DEFAULT_TOLERANCE_SECS`] = 300). A tolerance of 0 accepts only `t == now`; the
//!   check is skipped only by the explicit [`VerifyOptions::ignore_timestamp`]. The signature is
//!   checked before the time, so a time error always describes an authentic message (a replay
//!   or a skewed clock), never a forgery.
//! * Signatures are compared in constant time; no error message contains a secret or an expected
//!   signature.
//!
//! [`standard`] verifies and produces the Standard Webhooks headers (`webhook-id`,
//! `webhook-timestamp`, `webhook-signature`) that deliveries also carry.

mod base64;
mod secret;
mod signature;
pub mod standard;
pub mod status;

#[cfg(test)]
mod tests;

pub use secret::{WebhookSecret, GENERATED_SECRET_BYTES, MIN_SECRET_BYTES, SECRET_PREFIX};
pub(crate) use signature::to_hex;
pub use signature::{sign, sign_hex, signature_header, verify};
pub use standard::{sign_standard, standard_signature_header, verify_standard};

use core::fmt;

/// Name of the VINR signature header.
pub const SIGNATURE_HEADER: &str = "x-vinr-signature";

/// Largest accepted signature header, in bytes (see the module docs).
pub const MAX_HEADER_BYTES: usize = 8 * 1024;

/// Default distance allowed between the signed timestamp and `now`, in seconds.
pub const DEFAULT_TOLERANCE_SECS: u64 = 300;

/// How [`verify`] and [`verify_standard`] treat time. The core has no clock: `now` comes from
/// the host.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VerifyOptions {
    /// Largest allowed `|now - t|` in seconds. 0 means only `t == now` passes.
    pub tolerance_secs: u64,
    /// Skip the time check entirely (replay protection off). Only for re-processing stored
    /// deliveries or tests.
    pub ignore_timestamp: bool,
    /// The current time, Unix seconds.
    pub now: i64,
}

impl VerifyOptions {
    /// The defaults (300 s tolerance, time checked) at `now`.
    pub fn at(now: i64) -> Self {
        Self {
            tolerance_secs: DEFAULT_TOLERANCE_SECS,
            ignore_timestamp: false,
            now,
        }
    }
}

/// Why a secret was refused. Never carries the secret itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecretProblem {
    /// The string does not start with `whsec_`.
    MissingPrefix,
    /// What follows the prefix is not strict standard base64.
    NotBase64,
    /// The key is shorter than [`MIN_SECRET_BYTES`].
    TooShort {
        /// Decoded length in bytes.
        len: usize,
    },
}

impl fmt::Display for SecretProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::MissingPrefix => f.write_str("it does not start with `whsec_`"),
            Self::NotBase64 => f.write_str(
                "the part after `whsec_` is not standard base64 (A-Z a-z 0-9 + /, optional = padding, no whitespace)",
            ),
            Self::TooShort { len } => write!(
                f,
                "it decodes to {len} bytes, fewer than the minimum of {MIN_SECRET_BYTES}"
            ),
        }
    }
}

/// Every way signing or verification can fail. [`code`](Self::code) is stable; messages may
/// be reworded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum WebhookError {
    /// The signature header (or a required Standard Webhooks header) is absent or empty.
    #[error("missing {header} header: the request is not a signed webhook, or a proxy dropped the header")]
    MissingHeader {
        /// Name of the absent header.
        header: &'static str,
    },
    /// The header is longer than [`MAX_HEADER_BYTES`]; nothing was parsed.
    #[error("{header} header is {len} bytes, over the {limit}-byte limit; it was not parsed")]
    HeaderTooLarge {
        /// Name of the header.
        header: &'static str,
        /// Its length in bytes.
        len: usize,
        /// The limit, [`MAX_HEADER_BYTES`].
        limit: usize,
    },
    /// The header does not follow the grammar of its scheme.
    #[error("malformed {header} header: {reason}")]
    MalformedHeader {
        /// Name of the header.
        header: &'static str,
        /// What is wrong, in words.
        reason: &'static str,
    },
    /// There is no timestamp (`t=` entry, or `webhook-timestamp` header).
    #[error("missing timestamp: expected {expected}")]
    MissingTimestamp {
        /// What was expected, in words.
        expected: &'static str,
    },
    /// The timestamp is not a canonical non-negative decimal that fits in 64 bits.
    #[error("invalid timestamp in {header}: expected Unix seconds as plain decimal digits (no sign, no leading zeros)")]
    InvalidTimestamp {
        /// Where the timestamp was read.
        header: &'static str,
    },
    /// The header is well-formed but carries no signature of a scheme this verifier knows.
    #[error("{header} carries no v1 signature (only unknown schemes); upgrade the SDK if the sender uses a newer scheme")]
    NoSupportedSignature {
        /// Name of the header.
        header: &'static str,
    },
    /// No signature matches any of the secrets.
    #[error("no signature matches the {secrets} secret(s) given: check that the secret belongs to this endpoint and mode, and that the payload is the raw request body, byte for byte, not re-serialised JSON")]
    SignatureMismatch {
        /// How many secrets were tried.
        secrets: usize,
    },
    /// The (authentic) message was signed longer ago than the tolerance allows.
    #[error("timestamp {timestamp} is {age} s old, outside the {tolerance} s tolerance (a replay, a late retry of a stored request, or a slow clock here)")]
    TimestampTooOld {
        /// The signed timestamp.
        timestamp: i64,
        /// `now - timestamp`, seconds.
        age: u64,
        /// The tolerance applied.
        tolerance: u64,
    },
    /// The (authentic) message claims a time further in the future than the tolerance allows.
    #[error("timestamp {timestamp} is {ahead} s in the future, outside the {tolerance} s tolerance (is this machine's clock behind?)")]
    TimestampTooNew {
        /// The signed timestamp.
        timestamp: i64,
        /// `timestamp - now`, seconds.
        ahead: u64,
        /// The tolerance applied.
        tolerance: u64,
    },
    /// A secret could not be used.
    #[error("invalid webhook secret: {0}")]
    InvalidSecret(SecretProblem),
    /// Verification or signing was asked for with an empty list of secrets.
    #[error(
        "no webhook secret given: pass the endpoint's whsec_… secret (or several, while rotating)"
    )]
    NoSecret,
}

impl WebhookError {
    /// Stable, machine-readable name of the case (the JS `SignatureVerificationError.code`).
    pub fn code(&self) -> &'static str {
        match self {
            Self::MissingHeader { .. } => "missing_header",
            Self::HeaderTooLarge { .. } => "header_too_large",
            Self::MalformedHeader { .. } => "malformed_header",
            Self::MissingTimestamp { .. } => "missing_timestamp",
            Self::InvalidTimestamp { .. } => "invalid_timestamp",
            Self::NoSupportedSignature { .. } => "no_supported_signature",
            Self::SignatureMismatch { .. } => "signature_mismatch",
            Self::TimestampTooOld { .. } => "timestamp_too_old",
            Self::TimestampTooNew { .. } => "timestamp_too_new",
            Self::InvalidSecret(_) => "invalid_secret",
            Self::NoSecret => "no_secret",
        }
    }
}

/// Every code [`WebhookError::code`] can return, for bindings that enumerate them.
pub const ERROR_CODES: [&str; 11] = [
    "missing_header",
    "header_too_large",
    "malformed_header",
    "missing_timestamp",
    "invalid_timestamp",
    "no_supported_signature",
    "signature_mismatch",
    "timestamp_too_old",
    "timestamp_too_new",
    "invalid_secret",
    "no_secret",
];

/// Equality of equal-length byte strings without data-dependent branches, so the time taken
/// says nothing about how many leading bytes of a forged signature were right.
pub(crate) fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let diff = a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y));
    // Keeps the optimiser from turning the fold into an early-exit comparison.
    core::hint::black_box(diff) == 0
}

/// Parses a timestamp in the canonical form the module docs describe.
pub(crate) fn parse_timestamp(text: &str, header: &'static str) -> Result<i64, WebhookError> {
    let invalid = WebhookError::InvalidTimestamp { header };
    let bytes = text.as_bytes();
    if bytes.is_empty() || (bytes.len() > 1 && bytes[0] == b'0') {
        return Err(invalid);
    }
    let mut value: i64 = 0;
    for &b in bytes {
        if !b.is_ascii_digit() {
            return Err(invalid);
        }
        value = value
            .checked_mul(10)
            .and_then(|v| v.checked_add(i64::from(b - b'0')))
            .ok_or(invalid.clone())?;
    }
    Ok(value)
}

/// Writes `value` in decimal into `buf`, returning the digits. Avoids `core::fmt` on the signing
/// path; 20 bytes fit `i64::MIN`.
pub(crate) fn write_decimal(value: i64, buf: &mut [u8; 20]) -> &[u8] {
    let mut n = value.unsigned_abs();
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    if value < 0 {
        i -= 1;
        buf[i] = b'-';
    }
    &buf[i..]
}

/// Applies the time policy of `opts` to an authentic message's timestamp.
pub(crate) fn check_time(timestamp: i64, opts: &VerifyOptions) -> Result<(), WebhookError> {
    if opts.ignore_timestamp {
        return Ok(());
    }
    // i128 so that no pair of i64 values can overflow the difference.
    let delta = i128::from(opts.now) - i128::from(timestamp);
    let tolerance = opts.tolerance_secs;
    let distance = u64::try_from(delta.unsigned_abs()).unwrap_or(u64::MAX);
    if distance <= tolerance {
        Ok(())
    } else if delta > 0 {
        Err(WebhookError::TimestampTooOld {
            timestamp,
            age: distance,
            tolerance,
        })
    } else {
        Err(WebhookError::TimestampTooNew {
            timestamp,
            ahead: distance,
            tolerance,
        })
    }
}

/// Checks the header's presence and size before anything else looks at it.
pub(crate) fn require_header<'a>(
    value: Option<&'a str>,
    header: &'static str,
) -> Result<&'a str, WebhookError> {
    let value = value.ok_or(WebhookError::MissingHeader { header })?;
    if value.len() > MAX_HEADER_BYTES {
        return Err(WebhookError::HeaderTooLarge {
            header,
            len: value.len(),
            limit: MAX_HEADER_BYTES,
        });
    }
    let value = value.trim_matches(|c| c == ' ' || c == '\t');
    if value.is_empty() {
        return Err(WebhookError::MissingHeader { header });
    }
    Ok(value)
}
