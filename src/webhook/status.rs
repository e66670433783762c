//! The webhook API as numbers and plain strings, for the two Wasm bindings (the full SDK's
//! `src/wasm/webhook.rs` and the webhook-only `crates/webhooks-wasm`).
//!
//! Why numbers rather than thrown errors with messages: the edge build must stay small, so it
//! may not link `core::fmt` (every `Display` message above pulls it in), and a failed
//! verification — the path an attacker drives — should cost no allocation. Both builds return
//! the same status numbers, so the TypeScript layer has one mapping from number to
//! `SignatureVerificationError` (code and message) for both.
//!
//! Status numbers: `0` is success; `n > 0` is [`ERROR_CODES`](super::ERROR_CODES)`[n - 1]`. They are as stable as
//! the codes (append only).
//!
//! Secrets cross as one string, separated by single spaces (`"whsec_a whsec_b"`): base64 has
//! no spaces, and one string is one boundary copy where an array would be one per element. The
//! JS layer refuses a secret that itself contains a space, so the split is unambiguous.

use super::{
    signature_header, verify, verify_standard, VerifyOptions, WebhookError, WebhookSecret,
};

/// Separator of the secrets in a secret list.
pub const SECRET_SEPARATOR: char = ' ';

impl WebhookError {
    /// The status number of this error: its 1-based position in [`ERROR_CODES`].
    pub fn status(&self) -> u32 {
        // Same order as ERROR_CODES; `status_numbers_index_the_codes` pins the two together.
        match self {
            Self::MissingHeader { .. } => 1,
            Self::HeaderTooLarge { .. } => 2,
            Self::MalformedHeader { .. } => 3,
            Self::MissingTimestamp { .. } => 4,
            Self::InvalidTimestamp { .. } => 5,
            Self::NoSupportedSignature { .. } => 6,
            Self::SignatureMismatch { .. } => 7,
            Self::TimestampTooOld { .. } => 8,
            Self::TimestampTooNew { .. } => 9,
            Self::InvalidSecret(_) => 10,
            Self::NoSecret => 11,
        }
    }
}

/// Parses a space-separated secret list. `standard` makes the `whsec_` prefix optional, as
/// the Standard Webhooks libraries do.
pub fn parse_secret_list(list: &str, standard: bool) -> Result<Vec<WebhookSecret>, WebhookError> {
    list.split(SECRET_SEPARATOR)
        .filter(|s| !s.is_empty())
        .map(|s| {
            if standard {
                WebhookSecret::parse_standard(s)
            } else {
                WebhookSecret::parse(s)
            }
        })
        .collect()
}

/// The time policy from the JS numbers. The JS layer has checked that `tolerance` and `now`
/// are safe integers (tolerance non-negative); the conversions saturate rather than wrap in
/// case a caller did not.
pub fn options(tolerance: f64, ignore_timestamp: bool, now: f64) -> VerifyOptions {
    VerifyOptions {
        tolerance_secs: tolerance as u64,
        ignore_timestamp,
        now: now as i64,
    }
}

fn status(result: Result<i64, WebhookError>) -> u32 {
    match result {
        Ok(_) => 0,
        Err(e) => e.status(),
    }
}

/// [`verify`] with the header absent when empty; returns the status number.
pub fn verify_status(payload: &[u8], header: &str, secrets: &str, opts: &VerifyOptions) -> u32 {
    status(
        parse_secret_list(secrets, false)
            .and_then(|secrets| verify(payload, present(header), &secrets, opts)),
    )
}

/// [`verify_standard`] with each header absent when empty; returns the status number.
pub fn verify_standard_status(
    payload: &[u8],
    msg_id: &str,
    timestamp: &str,
    signature: &str,
    secrets: &str,
    opts: &VerifyOptions,
) -> u32 {
    status(parse_secret_list(secrets, true).and_then(|secrets| {
        verify_standard(
            payload,
            present(msg_id),
            present(timestamp),
            present(signature),
            &secrets,
            opts,
        )
    }))
}

fn present(header: &str) -> Option<&str> {
    (!header.is_empty()).then_some(header)
}

/// Status of one secret as [`WebhookSecret::parse`] (or `parse_standard`) sees it; lets the JS
/// layer say which secret of a list is at fault.
pub fn secret_status(secret: &str, standard: bool) -> u32 {
    let parsed = if standard {
        WebhookSecret::parse_standard(secret)
    } else {
        WebhookSecret::parse(secret)
    };
    match parsed {
        Ok(_) => 0,
        Err(e) => e.status(),
    }
}

/// The `x-vinr-signature` value for `payload` at `timestamp`, or an empty string if a secret is
/// invalid or there is none (the JS layer checks them first with [`secret_status`], so it can
/// say which).
pub fn sign_header(payload: &[u8], secrets: &str, timestamp: f64) -> String {
    parse_secret_list(secrets, false)
        .and_then(|secrets| signature_header(payload, &secrets, timestamp as i64))
        .unwrap_or_default()
}

#[cfg(test)]
mod unit {
    use super::*;
    use crate::webhook::ERROR_CODES;

    const SECRET: &str = "whsec_dmluciB3ZWJob29rIGV4YW1wbGUgc2VjcmV0IDIwMjY=";
    const ROTATED: &str = "whsec_dmluciB3ZWJob29rIHJvdGF0ZWQgc2VjcmV0IDIwMjY=";
    const BODY: &[u8] = br#"{"id":"evt_1","object":"event","type":"payment.completed"}"#;
    const HEADER: &str =
        "t=1700000000,v1=d13ad9de1d6b371bb8973aab3707b862217097f07d1357b52154a574de4d5621";

    fn code(status: u32) -> &'static str {
        if status == 0 {
            "ok"
        } else {
            ERROR_CODES[status as usize - 1]
        }
    }

    #[test]
    fn status_numbers_index_the_codes() {
        use super::super::SecretProblem;
        let errors = [
            WebhookError::MissingHeader { header: "h" },
            WebhookError::HeaderTooLarge {
                header: "h",
                len: 1,
                limit: 1,
            },
            WebhookError::MalformedHeader {
                header: "h",
                reason: "r",
            },
            WebhookError::MissingTimestamp { expected: "e" },
            WebhookError::InvalidTimestamp { header: "h" },
            WebhookError::NoSupportedSignature { header: "h" },
            WebhookError::SignatureMismatch { secrets: 1 },
            WebhookError::TimestampTooOld {
                timestamp: 1,
                age: 1,
                tolerance: 1,
            },
            WebhookError::TimestampTooNew {
                timestamp: 1,
                ahead: 1,
                tolerance: 1,
            },
            WebhookError::InvalidSecret(SecretProblem::MissingPrefix),
            WebhookError::NoSecret,
        ];
        assert_eq!(errors.len(), ERROR_CODES.len());
        for (i, e) in errors.iter().enumerate() {
            assert_eq!(e.status() as usize, i + 1);
            assert_eq!(code(e.status()), e.code());
        }
    }

    #[test]
    fn the_worked_example_verifies_through_the_status_interface() {
        let at = options(300.0, false, 1_700_000_000.0);
        assert_eq!(code(verify_status(BODY, HEADER, SECRET, &at)), "ok");
        let both = format!("{ROTATED} {SECRET}");
        assert_eq!(code(verify_status(BODY, HEADER, &both, &at)), "ok");
        assert_eq!(
            code(verify_status(BODY, HEADER, ROTATED, &at)),
            "signature_mismatch"
        );
        assert_eq!(code(verify_status(BODY, "", SECRET, &at)), "missing_header");
        assert_eq!(code(verify_status(BODY, HEADER, "", &at)), "no_secret");
        assert_eq!(
            code(verify_status(BODY, HEADER, "whsec_!", &at)),
            "invalid_secret"
        );
        let late = options(300.0, false, 1_700_000_301.0);
        assert_eq!(
            code(verify_status(BODY, HEADER, SECRET, &late)),
            "timestamp_too_old"
        );
        let early = options(0.0, false, 1_699_999_999.0);
        assert_eq!(
            code(verify_status(BODY, HEADER, SECRET, &early)),
            "timestamp_too_new"
        );
        let ignored = options(0.0, true, 0.0);
        assert_eq!(code(verify_status(BODY, HEADER, SECRET, &ignored)), "ok");
    }

    #[test]
    fn signing_matches_the_example_and_fails_softly() {
        assert_eq!(sign_header(BODY, SECRET, 1_700_000_000.0), HEADER);
        assert_eq!(sign_header(BODY, "", 1.0), "");
        assert_eq!(sign_header(BODY, "nope", 1.0), "");
        assert_eq!(code(secret_status("nope", false)), "invalid_secret");
        assert_eq!(code(secret_status(&SECRET[6..], false)), "invalid_secret");
        assert_eq!(code(secret_status(&SECRET[6..], true)), "ok");
    }

    #[test]
    fn standard_headers_verify_through_the_status_interface() {
        let secret = WebhookSecret::parse(SECRET).expect("example secret");
        let sig = super::super::sign_standard(&secret, "msg_1", 1_700_000_000, BODY);
        let at = options(300.0, false, 1_700_000_000.0);
        let check = |id, ts, sig| code(verify_standard_status(BODY, id, ts, sig, SECRET, &at));
        assert_eq!(check("msg_1", "1700000000", &sig), "ok");
        assert_eq!(check("msg_2", "1700000000", &sig), "signature_mismatch");
        assert_eq!(check("", "1700000000", &sig), "missing_header");
        assert_eq!(check("msg_1", "", &sig), "missing_timestamp");
        assert_eq!(check("msg_1", "1700000000", ""), "missing_header");
    }
}
