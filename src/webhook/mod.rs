//! Signing and verifying VINR webhooks, synchronously on every runtime.
//!
//! The core computes the HMAC-SHA256 itself ([`CoreMac`]) unless the host brings its own
//! through [`PayloadMac`] (the Node entries do, with `node:crypto`): either way the header
//! grammar, the rotation, the constant-time comparison and the time policy are decided here.
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
pub use signature::{sign, sign_hex, signature_header, signature_header_with, verify, verify_with};
pub use standard::{
    sign_standard, standard_signature_header, verify_standard, verify_standard_with,
};

use hmac::Mac;

use crate::host::PayloadMac;

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

/// Every way signing or verification can fail. [`code`](Self::code) is stable; messages may
/// be reworded.
///
/// The messages are data, not format strings: [`MESSAGES`], [`REASONS`] and [`PROBLEMS`] are
/// templates that `Display` fills in here and that the JS layer fills in from the copy generated
/// from them (`js/src/webhook-facts.ts`), with the values the Wasm reports as one number
/// (`status.rs`). So the wording has one source, and the size-budgeted edge Wasm carries none of
/// it and no formatter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.message())]
#[non_exhaustive]
pub enum WebhookError {
    /// The signature header (or a required Standard Webhooks header) is absent or empty.
    MissingHeader {
        /// Name of the absent header.
        header: &'static str,
    },
    /// The header is longer than [`MAX_HEADER_BYTES`]; nothing was parsed.
    HeaderTooLarge {
        /// Name of the header.
        header: &'static str,
        /// Its length in bytes (the message leaves it out: the JS layer passes at most
        /// `limit + 1` characters of an oversized header into Wasm, so only the core's native
        /// callers know it).
        len: usize,
        /// The limit, [`MAX_HEADER_BYTES`].
        limit: usize,
    },
    /// The header does not follow the grammar of its scheme.
    MalformedHeader {
        /// Name of the header.
        header: &'static str,
        /// What is wrong.
        reason: Reason,
    },
    /// There is no timestamp (`t=` entry, or `webhook-timestamp` header).
    MissingTimestamp {
        /// What was expected.
        expected: Reason,
    },
    /// The timestamp is not a canonical non-negative decimal that fits in 64 bits.
    InvalidTimestamp {
        /// Where the timestamp was read.
        header: &'static str,
    },
    /// The header is well-formed but carries no signature of a scheme this verifier knows.
    NoSupportedSignature {
        /// Name of the header.
        header: &'static str,
    },
    /// No signature matches any of the secrets.
    SignatureMismatch {
        /// How many secrets were tried.
        secrets: usize,
    },
    /// The (authentic) message was signed longer ago than the tolerance allows.
    TimestampTooOld {
        /// The signed timestamp.
        timestamp: i64,
        /// `now - timestamp`, seconds.
        age: u64,
        /// The tolerance applied.
        tolerance: u64,
    },
    /// The (authentic) message claims a time further in the future than the tolerance allows.
    TimestampTooNew {
        /// The signed timestamp.
        timestamp: i64,
        /// `timestamp - now`, seconds.
        ahead: u64,
        /// The tolerance applied.
        tolerance: u64,
    },
    /// A secret could not be used.
    InvalidSecret(SecretProblem),
    /// Verification or signing was asked for with an empty list of secrets.
    NoSecret,
}

/// Every code [`WebhookError::code`] can return. The JS layer's `SignatureVerificationErrorCode`
/// is generated from this list (see `status.rs`).
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

/// The message of each code, in [`ERROR_CODES`] order. `{name}` stands for a value: `header`,
/// `limit`, `reason` (a [`REASONS`] entry), `secrets`, `timestamp`, `age`, `ahead`, `tolerance`,
/// `which` (` 2 of 3` for a secret of a list, else empty) and `problem` (a [`PROBLEMS`] entry).
/// Never a secret or an expected signature.
pub const MESSAGES: [&str; 11] = [
    "missing {header} header: not a signed webhook, or a proxy dropped the header",
    "{header} header over the {limit}-byte limit; not parsed",
    "malformed {header} header: {reason}",
    "missing timestamp: expected {reason}",
    "invalid timestamp in {header}: expected Unix seconds as plain digits (no sign, no leading zero)",
    "{header} has no v1 signature (only unknown schemes); upgrade the SDK if the sender uses a newer one",
    "no signature matches the {secrets} secret(s) given: check the secret is this endpoint's (and mode's) and the payload is the raw body, byte for byte, not re-serialised JSON",
    "timestamp {timestamp} is {age} s old, outside the {tolerance} s tolerance (a replay, a late retry, or a slow clock here)",
    "timestamp {timestamp} is {ahead} s in the future, outside the {tolerance} s tolerance (is this machine's clock behind?)",
    "invalid webhook secret{which}: {problem}",
    "no webhook secret given",
];

/// What is wrong with a header ([`WebhookError::MalformedHeader`]) or where its timestamp was
/// expected ([`WebhookError::MissingTimestamp`]); worded by [`REASONS`], in this order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    EmptyEntry,
    NoEquals,
    BadKey,
    BadValue,
    TwoTimestamps,
    BadHexSignature,
    NoComma,
    NoUsableSignature,
    BadMessageId,
    TimestampEntry,
    TimestampHeader,
}

/// The words of each [`Reason`], in its order.
pub const REASONS: [&str; 11] = [
    "empty entry (two commas in a row, or a trailing comma)",
    "an entry has no `=`; expected key=value",
    "an entry's key is empty or not letters, digits, _ and - (no spaces around =)",
    "an entry's value is empty or has spaces or non-ASCII (spaces go only after a comma)",
    "more than one t= entry",
    "a v1 signature is not 64 lowercase hex digits",
    "an entry has no `,`; expected space-separated v1,<base64> entries",
    "no v1 signature is base64 of 32 bytes",
    "the message id must be visible ASCII without spaces",
    "a t=<unix seconds> entry in x-vinr-signature",
    "a webhook-timestamp header",
];

/// The words of each [`SecretProblem`], in its order; `{len}` and `{min}` are
/// [`SecretProblem::TooShort`]'s length and [`MIN_SECRET_BYTES`].
pub const PROBLEMS: [&str; 3] = [
    "it does not start with whsec_",
    "it is not standard base64 (A-Z a-z 0-9 + /, optional = padding, no whitespace)",
    "it decodes to {len} bytes, fewer than {min}",
];

impl WebhookError {
    /// Stable, machine-readable name of the case (the JS `SignatureVerificationError.code`).
    pub fn code(&self) -> &'static str {
        ERROR_CODES[self.index()]
    }

    /// This case's position in [`ERROR_CODES`] and [`MESSAGES`].
    pub(crate) fn index(&self) -> usize {
        match self {
            Self::MissingHeader { .. } => 0,
            Self::HeaderTooLarge { .. } => 1,
            Self::MalformedHeader { .. } => 2,
            Self::MissingTimestamp { .. } => 3,
            Self::InvalidTimestamp { .. } => 4,
            Self::NoSupportedSignature { .. } => 5,
            Self::SignatureMismatch { .. } => 6,
            Self::TimestampTooOld { .. } => 7,
            Self::TimestampTooNew { .. } => 8,
            Self::InvalidSecret(_) => 9,
            Self::NoSecret => 10,
        }
    }

    /// The message for people: what failed and what to check.
    pub fn message(&self) -> String {
        self.message_naming(None)
    }

    /// [`message`](Self::message), naming an invalid secret's `position` in a list (1-based,
    /// and the list's length).
    pub(crate) fn message_naming(&self, position: Option<(usize, usize)>) -> String {
        fill(MESSAGES[self.index()], |name| match (name, *self) {
            ("header", Self::MissingHeader { header })
            | ("header", Self::HeaderTooLarge { header, .. })
            | ("header", Self::MalformedHeader { header, .. })
            | ("header", Self::InvalidTimestamp { header })
            | ("header", Self::NoSupportedSignature { header }) => header.to_owned(),
            ("limit", Self::HeaderTooLarge { limit, .. }) => limit.to_string(),
            ("reason", Self::MalformedHeader { reason, .. })
            | ("reason", Self::MissingTimestamp { expected: reason }) => reason.text().to_owned(),
            ("secrets", Self::SignatureMismatch { secrets }) => secrets.to_string(),
            ("timestamp", Self::TimestampTooOld { timestamp, .. })
            | ("timestamp", Self::TimestampTooNew { timestamp, .. }) => timestamp.to_string(),
            ("age", Self::TimestampTooOld { age, .. }) => age.to_string(),
            ("ahead", Self::TimestampTooNew { ahead, .. }) => ahead.to_string(),
            ("tolerance", Self::TimestampTooOld { tolerance, .. })
            | ("tolerance", Self::TimestampTooNew { tolerance, .. }) => tolerance.to_string(),
            ("which", _) => position.map_or_else(String::new, |(i, n)| format!(" {i} of {n}")),
            ("problem", Self::InvalidSecret(problem)) => problem.message(),
            _ => String::new(),
        })
    }
}

impl Reason {
    /// Its words, from [`REASONS`].
    pub fn text(self) -> &'static str {
        REASONS[self as usize]
    }
}

impl SecretProblem {
    /// This problem's position in [`PROBLEMS`].
    pub(crate) fn index(self) -> usize {
        match self {
            Self::MissingPrefix => 0,
            Self::NotBase64 => 1,
            Self::TooShort { .. } => 2,
        }
    }

    /// Its words, from [`PROBLEMS`].
    pub fn message(self) -> String {
        fill(PROBLEMS[self.index()], |name| match (name, self) {
            ("len", Self::TooShort { len }) => len.to_string(),
            ("min", _) => MIN_SECRET_BYTES.to_string(),
            _ => String::new(),
        })
    }
}

/// `template` with each `{name}` replaced by `value(name)`, as the JS layer fills the generated
/// copies of the templates.
fn fill(template: &str, value: impl Fn(&str) -> String) -> String {
    let mut out = String::new();
    let mut rest = template;
    while let Some((before, after)) = rest.split_once('{') {
        out.push_str(before);
        match after.split_once('}') {
            Some((name, tail)) => {
                out.push_str(&value(name));
                rest = tail;
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The core's own HMAC-SHA256 over a payload in memory: the [`PayloadMac`] of every runtime
/// whose host brings none, and of native Rust.
#[derive(Debug, Clone, Copy)]
pub struct CoreMac<'a>(pub &'a [u8]);

impl CoreMac<'_> {
    /// HMAC keyed with `secret` over the `prefix` parts and then the payload, streamed so the
    /// payload is never copied.
    pub(crate) fn hmac(&self, secret: &WebhookSecret, prefix: &[&[u8]]) -> [u8; 32] {
        let mut mac = secret.mac();
        for part in prefix {
            mac.update(part);
        }
        mac.update(self.0);
        mac.finalize().into_bytes().into()
    }
}

impl PayloadMac for CoreMac<'_> {
    fn mac(&mut self, secret: &WebhookSecret, prefix: &[&[u8]]) -> Option<[u8; 32]> {
        Some(self.hmac(secret, prefix))
    }
}

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
            .ok_or(invalid)?;
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
