//! The `x-vinr-signature` header: producing it and checking it (scheme in the module docs).

use super::{
    check_time, ct_eq, parse_timestamp, require_header, write_decimal, CoreMac, Reason,
    VerifyOptions, WebhookError, WebhookSecret, SIGNATURE_HEADER,
};
use crate::host::PayloadMac;

const HEX: &[u8; 16] = b"0123456789abcdef";

/// HMAC-SHA256 of `"<timestamp>." ++ payload`, streamed so the payload is never copied.
pub fn sign(secret: &WebhookSecret, timestamp: i64, payload: &[u8]) -> [u8; 32] {
    let mut digits = [0u8; 20];
    CoreMac(payload).hmac(secret, &[write_decimal(timestamp, &mut digits), b"."])
}

/// [`sign`] as the 64 lowercase hex digits that go after `v1=`.
pub fn sign_hex(secret: &WebhookSecret, timestamp: i64, payload: &[u8]) -> String {
    let hex = to_hex(&sign(secret, timestamp, payload));
    hex.iter().map(|&b| char::from(b)).collect()
}

/// The whole `x-vinr-signature` value: `t=<timestamp>` and one `v1` per secret, in order.
/// Used by the sandbox's deliveries and by `generateTestHeader`.
///
/// A negative `timestamp` is signed as given but no verifier accepts it.
pub fn signature_header(
    payload: &[u8],
    secrets: &[WebhookSecret],
    timestamp: i64,
) -> Result<String, WebhookError> {
    // The core's own MAC never fails, so there is always a header.
    signature_header_with(&mut CoreMac(payload), secrets, timestamp).map(Option::unwrap_or_default)
}

/// [`signature_header`] with the MACs from `mac`; `Ok(None)` if `mac` failed (its owner then
/// reports why).
pub fn signature_header_with(
    mac: &mut (impl PayloadMac + ?Sized),
    secrets: &[WebhookSecret],
    timestamp: i64,
) -> Result<Option<String>, WebhookError> {
    if secrets.is_empty() {
        return Err(WebhookError::NoSecret);
    }
    let mut digits = [0u8; 20];
    let t = write_decimal(timestamp, &mut digits);
    let mut out = String::with_capacity(2 + t.len() + secrets.len() * 68);
    out.push_str("t=");
    out.extend(t.iter().map(|&b| char::from(b)));
    for secret in secrets {
        let Some(sig) = mac.mac(secret, &[t, b"."]) else {
            return Ok(None);
        };
        out.push_str(",v1=");
        out.extend(to_hex(&sig).iter().map(|&b| char::from(b)));
    }
    Ok(Some(out))
}

/// Checks `header` (the `x-vinr-signature` value, `None` if absent) against the raw `payload`
/// with any of `secrets`, then the time policy of `opts`. Returns the signed timestamp.
///
/// Does not allocate: entries are re-scanned rather than collected, and the MAC is computed
/// once per secret on the stack.
pub fn verify(
    payload: &[u8],
    header: Option<&str>,
    secrets: &[WebhookSecret],
    opts: &VerifyOptions,
) -> Result<i64, WebhookError> {
    verify_with(&mut CoreMac(payload), header, secrets, opts)
}

/// [`verify`] with the MACs of the payload from `mac` (the host's HMAC, or [`CoreMac`]). A MAC
/// that `mac` could not compute matches nothing.
pub fn verify_with(
    mac: &mut (impl PayloadMac + ?Sized),
    header: Option<&str>,
    secrets: &[WebhookSecret],
    opts: &VerifyOptions,
) -> Result<i64, WebhookError> {
    if secrets.is_empty() {
        return Err(WebhookError::NoSecret);
    }
    let header = require_header(header, SIGNATURE_HEADER)?;

    let mut t_text: Option<&str> = None;
    let mut v1_count = 0usize;
    for entry in header.split(',') {
        let (key, value) = split_entry(entry)?;
        match key {
            "t" if t_text.is_some() => return Err(malformed(Reason::TwoTimestamps)),
            "t" => t_text = Some(value),
            "v1" if !is_lower_hex_mac(value) => return Err(malformed(Reason::BadHexSignature)),
            "v1" => v1_count += 1,
            _ => {}
        }
    }
    let t_text = t_text.ok_or(WebhookError::MissingTimestamp {
        expected: Reason::TimestampEntry,
    })?;
    let timestamp = parse_timestamp(t_text, SIGNATURE_HEADER)?;
    if v1_count == 0 {
        return Err(WebhookError::NoSupportedSignature {
            header: SIGNATURE_HEADER,
        });
    }

    // A failed host MAC ends the search: nothing it did not compute may match.
    let matched = secrets
        .iter()
        .map_while(|secret| mac.mac(secret, &[t_text.as_bytes(), b"."]))
        .any(|sig| {
            let expected = to_hex(&sig);
            // Already validated above, so every entry splits; `any` stops at the first match,
            // which reveals only which entry matched, not anything about the expected MAC.
            header
                .split(',')
                .filter_map(|entry| split_entry(entry).ok())
                .any(|(key, value)| key == "v1" && ct_eq(value.as_bytes(), &expected))
        });
    if !matched {
        return Err(WebhookError::SignatureMismatch {
            secrets: secrets.len(),
        });
    }
    check_time(timestamp, opts)?;
    Ok(timestamp)
}

/// Lowercase hex of a SHA-256 digest (or any 32 bytes).
pub(crate) fn to_hex(bytes: &[u8; 32]) -> [u8; 64] {
    let mut out = [0u8; 64];
    for (pair, &b) in out.chunks_exact_mut(2).zip(bytes) {
        pair[0] = HEX[usize::from(b >> 4)];
        pair[1] = HEX[usize::from(b & 0xF)];
    }
    out
}

fn is_lower_hex_mac(value: &str) -> bool {
    value.len() == 64
        && value
            .bytes()
            .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

fn malformed(reason: Reason) -> WebhookError {
    WebhookError::MalformedHeader {
        header: SIGNATURE_HEADER,
        reason,
    }
}

/// One `key=value` entry, after the spaces or tabs allowed after a comma. Keys are ASCII
/// letters, digits, `_` or `-`; values are visible ASCII (so base64 `=` of future schemes fits).
fn split_entry(entry: &str) -> Result<(&str, &str), WebhookError> {
    let entry = entry.trim_start_matches([' ', '\t']);
    if entry.is_empty() {
        return Err(malformed(Reason::EmptyEntry));
    }
    let (key, value) = entry.split_once('=').ok_or(malformed(Reason::NoEquals))?;
    if key.is_empty()
        || !key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    {
        return Err(malformed(Reason::BadKey));
    }
    if value.is_empty() || !value.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(malformed(Reason::BadValue));
    }
    Ok((key, value))
}

#[cfg(test)]
mod unit {
    use super::*;

    #[test]
    fn entries_follow_the_whitespace_rules() {
        assert_eq!(split_entry("  v1=ab").ok(), Some(("v1", "ab")));
        assert_eq!(split_entry("\tt=1").ok(), Some(("t", "1")));
        assert_eq!(split_entry("v2=YWJj==").ok(), Some(("v2", "YWJj==")));
        for bad in [
            "",
            "  ",
            "v1",
            "=ab",
            "v1 =ab",
            "v1= ab",
            "v1=ab ",
            "v 1=ab",
            "v1=a\u{e9}",
        ] {
            assert_eq!(
                split_entry(bad).map_err(|e| e.code()),
                Err("malformed_header"),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn hex_is_lowercase_and_complete() {
        let mac = [0xABu8; 32];
        let hex = to_hex(&mac);
        assert!(hex.chunks(2).all(|p| p == b"ab"));
        assert!(is_lower_hex_mac(core::str::from_utf8(&hex).unwrap_or("")));
        assert!(!is_lower_hex_mac(&"AB".repeat(32)));
        assert!(!is_lower_hex_mac(&"ab".repeat(31)));
    }
}
