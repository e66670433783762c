//! The `x-vinr-signature` header: producing it and checking it (scheme in the module docs).

use hmac::Mac;

use super::{
    check_time, ct_eq, parse_timestamp, require_header, write_decimal, VerifyOptions, WebhookError,
    WebhookSecret, SIGNATURE_HEADER,
};

const HEX: &[u8; 16] = b"0123456789abcdef";

/// HMAC-SHA256 of `"<timestamp>." ++ payload`, streamed so the payload is never copied.
pub fn sign(secret: &WebhookSecret, timestamp: i64, payload: &[u8]) -> [u8; 32] {
    let mut digits = [0u8; 20];
    mac_over(secret, write_decimal(timestamp, &mut digits), payload)
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
    if secrets.is_empty() {
        return Err(WebhookError::NoSecret);
    }
    let mut digits = [0u8; 20];
    let t = write_decimal(timestamp, &mut digits);
    let mut out = String::with_capacity(2 + t.len() + secrets.len() * 68);
    out.push_str("t=");
    out.extend(t.iter().map(|&b| char::from(b)));
    for secret in secrets {
        out.push_str(",v1=");
        let hex = to_hex(&mac_over(secret, t, payload));
        out.extend(hex.iter().map(|&b| char::from(b)));
    }
    Ok(out)
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
    if secrets.is_empty() {
        return Err(WebhookError::NoSecret);
    }
    let header = require_header(header, SIGNATURE_HEADER)?;

    let mut t_text: Option<&str> = None;
    let mut v1_count = 0usize;
    for entry in header.split(',') {
        let (key, value) = split_entry(entry)?;
        match key {
            "t" if t_text.is_some() => return Err(malformed("more than one t= entry")),
            "t" => t_text = Some(value),
            "v1" if !is_lower_hex_mac(value) => {
                return Err(malformed("a v1 signature is not 64 lowercase hex digits"))
            }
            "v1" => v1_count += 1,
            _ => {}
        }
    }
    let t_text = t_text.ok_or(WebhookError::MissingTimestamp {
        expected: "a t=<unix seconds> entry in x-vinr-signature",
    })?;
    let timestamp = parse_timestamp(t_text, SIGNATURE_HEADER)?;
    if v1_count == 0 {
        return Err(WebhookError::NoSupportedSignature {
            header: SIGNATURE_HEADER,
        });
    }

    let matched = secrets.iter().any(|secret| {
        let expected = to_hex(&mac_over(secret, t_text.as_bytes(), payload));
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

fn mac_over(secret: &WebhookSecret, t: &[u8], payload: &[u8]) -> [u8; 32] {
    let mut mac = secret.mac();
    mac.update(t);
    mac.update(b".");
    mac.update(payload);
    mac.finalize().into_bytes().into()
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

fn malformed(reason: &'static str) -> WebhookError {
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
        return Err(malformed(
            "empty entry (two commas in a row, or a trailing comma)",
        ));
    }
    let (key, value) = entry
        .split_once('=')
        .ok_or(malformed("an entry has no `=`; expected key=value"))?;
    if key.is_empty()
        || !key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    {
        return Err(malformed(
            "an entry's key is empty or has characters other than letters, digits, _ and - (no spaces around =)",
        ));
    }
    if value.is_empty() || !value.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(malformed(
            "an entry's value is empty or contains spaces or non-ASCII characters (spaces are allowed only after a comma)",
        ));
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
