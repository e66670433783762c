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
//! (e.g. `v1a`, the specification's asymmetric scheme) are skipped. A `v1` must be strict padded
//! or unpadded standard base64 of exactly 32 bytes. Time and size rules are those of the parent
//! module; the size limit applies to each of the three headers.

use hmac::Mac;

use super::{
    base64, check_time, ct_eq, parse_timestamp, require_header, write_decimal, VerifyOptions,
    WebhookError, WebhookSecret,
};

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
    let mac = mac_over(
        secret,
        msg_id,
        write_decimal(timestamp, &mut digits),
        payload,
    );
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
    if secrets.is_empty() {
        return Err(WebhookError::NoSecret);
    }
    let msg_id = require_header(msg_id, ID_HEADER)?;
    if !msg_id.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(WebhookError::MalformedHeader {
            header: ID_HEADER,
            reason: "the message id must be visible ASCII without spaces",
        });
    }
    let t_text = require_header(timestamp, TIMESTAMP_HEADER).map_err(|e| match e {
        WebhookError::MissingHeader { .. } => WebhookError::MissingTimestamp {
            expected: "a webhook-timestamp header",
        },
        other => other,
    })?;
    let ts = parse_timestamp(t_text, TIMESTAMP_HEADER)?;
    let signature = require_header(signature, SIGNATURE_HEADER)?;

    let mut v1_count = 0usize;
    for entry in entries(signature) {
        if entry?.is_some() {
            v1_count += 1;
        }
    }
    if v1_count == 0 {
        return Err(WebhookError::NoSupportedSignature {
            header: SIGNATURE_HEADER,
        });
    }

    let matched = secrets.iter().any(|secret| {
        let expected = mac_over(secret, msg_id, t_text.as_bytes(), payload);
        entries(signature).any(|entry| matches!(entry, Ok(Some(sig)) if ct_eq(&sig, &expected)))
    });
    if !matched {
        return Err(WebhookError::SignatureMismatch {
            secrets: secrets.len(),
        });
    }
    check_time(ts, opts)?;
    Ok(ts)
}

/// The entries of a `webhook-signature` value: `Some(mac)` for each `v1`, `None` for a version
/// this verifier does not know.
fn entries(signature: &str) -> impl Iterator<Item = Result<Option<[u8; 32]>, WebhookError>> + '_ {
    signature
        .split(' ')
        .filter(|entry| !entry.is_empty())
        .map(|entry| {
            let (version, sig) = entry.split_once(',').ok_or(malformed(
                "an entry has no `,`; expected space-separated v1,<base64> entries",
            ))?;
            if version != "v1" {
                return Ok(None);
            }
            let mut mac = [0u8; 32];
            match base64::decode_into(sig.as_bytes(), &mut mac) {
                Some(32) => Ok(Some(mac)),
                _ => Err(malformed("a v1 signature is not base64 of 32 bytes")),
            }
        })
}

fn malformed(reason: &'static str) -> WebhookError {
    WebhookError::MalformedHeader {
        header: SIGNATURE_HEADER,
        reason,
    }
}

fn mac_over(secret: &WebhookSecret, msg_id: &str, t: &[u8], payload: &[u8]) -> [u8; 32] {
    let mut mac = secret.mac();
    mac.update(msg_id.as_bytes());
    mac.update(b".");
    mac.update(t);
    mac.update(b".");
    mac.update(payload);
    mac.finalize().into_bytes().into()
}
