//! Standard Webhooks (<https://www.standardwebhooks.com/>) interop: the `webhook-id`,
//! `webhook-timestamp` and `webhook-signature` headers VINR deliveries also carry, so that
//! generic verifiers (the `standardwebhooks` and `svix` libraries) accept them, and so that this
//! SDK can verify other senders that follow the specification.
//!
//! ```text
//! webhook-signature: v1,<base64 sig>[ v1,<base64 sig>…]
//! sig = HMAC-SHA256(key = base64_decode(secret without "whsec_"),
//!                   msg = "<webhook-id>.<webhook-timestamp>." ++ raw body bytes)
//! ```
//!
//! Entries are separated by spaces (runs of spaces are tolerated); versions other than `v1`
//! (e.g. `v1a`, the specification's asymmetric scheme) are skipped. A `v1` signature that is not
//! strict padded or unpadded standard base64 of exactly 32 bytes matches nothing, as in the
//! Standard Webhooks reference libraries, so one garbled entry does not void a valid one beside
//! it; a header whose every `v1` is like that is malformed. Time and size rules are those of the
//! parent module; the size limit applies to each of the three headers, which also bounds the
//! entries scanned.

use super::{
    base64, check_time, ct_eq, parse_timestamp, require_header, write_decimal, CoreMac, Reason,
    VerifyOptions, WebhookError, WebhookSecret,
};
use crate::host::PayloadMac;

/// Name of the message id header.
pub const ID_HEADER: &str = "webhook-id";
/// Name of the timestamp header.
pub const TIMESTAMP_HEADER: &str = "webhook-timestamp";
/// Name of the signature header.
pub const SIGNATURE_HEADER: &str = "webhook-signature";

/// One `v1,<base64>` entry for `secret`.
pub fn sign_standard(
    secret: &WebhookSecret,
    msg_id: &str,
    timestamp: i64,
    payload: &[u8],
) -> String {
    let mut digits = [0u8; 20];
    let t = write_decimal(timestamp, &mut digits);
    let mac = CoreMac(payload).hmac(secret, &[msg_id.as_bytes(), b".", t, b"."]);
    let mut out = String::with_capacity(47);
    out.push_str("v1,");
    base64::encode_into(&mac, &mut out);
    out
}

/// The whole `webhook-signature` value: one `v1` entry per secret, space-separated.
pub fn standard_signature_header(
    secrets: &[WebhookSecret],
    msg_id: &str,
    timestamp: i64,
    payload: &[u8],
) -> Result<String, WebhookError> {
    if secrets.is_empty() {
        return Err(WebhookError::NoSecret);
    }
    let entries: Vec<String> = secrets
        .iter()
        .map(|secret| sign_standard(secret, msg_id, timestamp, payload))
        .collect();
    Ok(entries.join(" "))
}

/// Verifies a Standard Webhooks delivery. Each header is `None` when absent. Passes if any `v1`
/// entry matches any of `secrets`; then applies the time policy of `opts`. Returns the
/// timestamp.
pub fn verify_standard(
    payload: &[u8],
    msg_id: Option<&str>,
    timestamp: Option<&str>,
    signature: Option<&str>,
    secrets: &[WebhookSecret],
    opts: &VerifyOptions,
) -> Result<i64, WebhookError> {
    verify_standard_with(
        &mut CoreMac(payload),
        msg_id,
        timestamp,
        signature,
        secrets,
        opts,
    )
}

/// [`verify_standard`] with the MACs of the payload from `mac` (the host's HMAC, or
/// [`CoreMac`]). A MAC that `mac` could not compute matches nothing.
pub fn verify_standard_with(
    mac: &mut (impl PayloadMac + ?Sized),
    msg_id: Option<&str>,
    timestamp: Option<&str>,
    signature: Option<&str>,
    secrets: &[WebhookSecret],
    opts: &VerifyOptions,
) -> Result<i64, WebhookError> {
    if secrets.is_empty() {
        return Err(WebhookError::NoSecret);
    }
    let msg_id = require_header(msg_id, ID_HEADER)?;
    if !msg_id.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(WebhookError::MalformedHeader {
            header: ID_HEADER,
            reason: Reason::BadMessageId,
        });
    }
    let t_text = require_header(timestamp, TIMESTAMP_HEADER).map_err(|e| match e {
        WebhookError::MissingHeader { .. } => WebhookError::MissingTimestamp {
            expected: Reason::TimestampHeader,
        },
        other => other,
    })?;
    let ts = parse_timestamp(t_text, TIMESTAMP_HEADER)?;
    let signature = require_header(signature, SIGNATURE_HEADER)?;

    let (mut usable, mut garbled) = (0usize, 0usize);
    for entry in entries(signature) {
        match entry? {
            Entry::V1(_) => usable += 1,
            Entry::Garbled => garbled += 1,
            Entry::Other => {}
        }
    }
    if usable == 0 && garbled > 0 {
        return Err(malformed(Reason::NoUsableSignature));
    }
    if usable == 0 {
        return Err(WebhookError::NoSupportedSignature {
            header: SIGNATURE_HEADER,
        });
    }

    let prefix: [&[u8]; 4] = [msg_id.as_bytes(), b".", t_text.as_bytes(), b"."];
    // A failed host MAC ends the search: nothing it did not compute may match.
    let matched = secrets
        .iter()
        .map_while(|secret| mac.mac(secret, &prefix))
        .any(|expected| {
            entries(signature)
                .any(|entry| matches!(entry, Ok(Entry::V1(sig)) if ct_eq(&sig, &expected)))
        });
    if !matched {
        return Err(WebhookError::SignatureMismatch {
            secrets: secrets.len(),
        });
    }
    check_time(ts, opts)?;
    Ok(ts)
}

/// One entry of a `webhook-signature` value.
enum Entry {
    /// A `v1` signature.
    V1([u8; 32]),
    /// A `v1` whose signature is not base64 of 32 bytes: it matches nothing.
    Garbled,
    /// A version this verifier does not know.
    Other,
}

/// The entries of a `webhook-signature` value; an entry without a `,` is malformed.
fn entries(signature: &str) -> impl Iterator<Item = Result<Entry, WebhookError>> + '_ {
    signature
        .split(' ')
        .filter(|entry| !entry.is_empty())
        .map(|entry| {
            let (version, sig) = entry.split_once(',').ok_or(malformed(Reason::NoComma))?;
            if version != "v1" {
                return Ok(Entry::Other);
            }
            let mut mac = [0u8; 32];
            Ok(match base64::decode_into(sig.as_bytes(), &mut mac) {
                Some(32) => Entry::V1(mac),
                _ => Entry::Garbled,
            })
        })
}

fn malformed(reason: Reason) -> WebhookError {
    WebhookError::MalformedHeader {
        header: SIGNATURE_HEADER,
        reason,
    }
}
