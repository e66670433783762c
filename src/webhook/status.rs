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
//! Payloads cross as a buffer the JS layer fills itself: it asks for one with [`alloc_payload`],
//! writes the bytes (or `TextEncoder.encodeInto`s a string) straight into linear memory, and
//! hands ownership back with the verify or sign call, which frees it ([`take_payload`]). That is
//! one copy for bytes and one encoding pass for strings; wasm-bindgen's own string passing walks
//! the string in a JS loop first, which measured ~20x slower than `encodeInto` for a 2.6 KB body.
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
    // A plain loop rather than `collect::<Result<Vec<_>, _>>()`: the adapter it instantiates
    // costs ~1 KB of the size-budgeted edge Wasm.
    let mut secrets = Vec::new();
    for s in list.split(SECRET_SEPARATOR).filter(|s| !s.is_empty()) {
        secrets.push(if standard {
            WebhookSecret::parse_standard(s)?
        } else {
            WebhookSecret::parse(s)?
        });
    }
    Ok(secrets)
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

/// A buffer of `cap` bytes for the JS layer to fill with a payload; returns its address. The
/// caller must pass it back to exactly one `*_owned` binding, which frees it.
pub fn alloc_payload(cap: usize) -> *mut u8 {
    let mut buf = core::mem::ManuallyDrop::new(Vec::<u8>::with_capacity(cap));
    buf.as_mut_ptr()
}

/// Takes back a buffer from [`alloc_payload`] whose first `len` bytes the JS layer has written.
///
/// # Safety
/// `ptr` and `cap` must be exactly those of one [`alloc_payload`] call not yet taken back, and
/// the first `len` bytes must have been written; or `cap` is 0, whatever `ptr` is. A `len` above
/// `cap` is clamped, so a confused caller reads less, never out of bounds.
pub unsafe fn take_payload(ptr: *mut u8, len: usize, cap: usize) -> Vec<u8> {
    if cap == 0 {
        // Nothing was allocated (and `ptr` may be null, which a Vec must never hold).
        return Vec::new();
    }
    // SAFETY: per the contract, ptr/cap describe a live allocation of the global allocator
    // with align 1 (a Vec<u8>'s), and `len.min(cap)` bytes of it are initialised.
    unsafe { Vec::from_raw_parts(ptr, len.min(cap), cap) }
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

/// The `x-vinr-signature` value for `payload` at `timestamp`, or an empty string if a secret is
/// invalid or there is none (the JS layer then finds which by verifying with each alone).
pub fn sign_header(payload: &[u8], secrets: &str, timestamp: f64) -> String {
    parse_secret_list(secrets, false)
        .and_then(|secrets| signature_header(payload, &secrets, timestamp as i64))
        .unwrap_or_default()
}

/// Defines the `#[wasm_bindgen]` webhook exports shared by the full SDK (`src/wasm/webhook.rs`)
/// and the edge build (`crates/webhooks-wasm`), so both expose the same functions from one
/// source. The invoking crate must depend on `wasm-bindgen`.
///
/// Payload-taking exports receive `(ptr, len, cap)` of a buffer from `webhookAlloc` and free it.
/// The JS layer is their only caller; see [`take_payload`] for the contract it keeps.
#[macro_export]
macro_rules! webhook_wasm_exports {
    () => {
        /// A buffer of `cap` bytes for a payload; pass it to exactly one other webhook call.
        #[wasm_bindgen::prelude::wasm_bindgen(js_name = webhookAlloc)]
        pub fn webhook_alloc(cap: u32) -> u32 {
            $crate::webhook::status::alloc_payload(cap as usize) as u32
        }

        /// Verifies an `x-vinr-signature` header (empty when absent) over the payload buffer
        /// with a space-separated secret list. Returns a status number (0 = valid).
        #[allow(clippy::too_many_arguments)]
        #[wasm_bindgen::prelude::wasm_bindgen(js_name = webhookVerify)]
        pub fn webhook_verify(
            ptr: u32,
            len: u32,
            cap: u32,
            header: &str,
            secrets: &str,
            tolerance: f64,
            ignore_timestamp: bool,
            now: f64,
        ) -> u32 {
            // SAFETY: the JS layer passes a buffer from webhookAlloc, once (see take_payload).
            let payload = unsafe {
                $crate::webhook::status::take_payload(ptr as *mut u8, len as usize, cap as usize)
            };
            let opts = $crate::webhook::status::options(tolerance, ignore_timestamp, now);
            $crate::webhook::status::verify_status(&payload, header, secrets, &opts)
        }

        /// Verifies Standard Webhooks headers (each empty when absent) over the payload buffer.
        /// Returns a status number.
        #[allow(clippy::too_many_arguments)]
        #[wasm_bindgen::prelude::wasm_bindgen(js_name = webhookVerifyStandard)]
        pub fn webhook_verify_standard(
            ptr: u32,
            len: u32,
            cap: u32,
            msg_id: &str,
            timestamp: &str,
            signature: &str,
            secrets: &str,
            tolerance: f64,
            ignore_timestamp: bool,
            now: f64,
        ) -> u32 {
            // SAFETY: the JS layer passes a buffer from webhookAlloc, once (see take_payload).
            let payload = unsafe {
                $crate::webhook::status::take_payload(ptr as *mut u8, len as usize, cap as usize)
            };
            let opts = $crate::webhook::status::options(tolerance, ignore_timestamp, now);
            $crate::webhook::status::verify_standard_status(
                &payload, msg_id, timestamp, signature, secrets, &opts,
            )
        }

        /// The `x-vinr-signature` value for the payload buffer at `timestamp`, one `v1` per
        /// secret of the list; empty if a secret is invalid.
        #[wasm_bindgen::prelude::wasm_bindgen(js_name = webhookSign)]
        pub fn webhook_sign(
            ptr: u32,
            len: u32,
            cap: u32,
            secrets: &str,
            timestamp: f64,
        ) -> alloc::string::String {
            // SAFETY: the JS layer passes a buffer from webhookAlloc, once (see take_payload).
            let payload = unsafe {
                $crate::webhook::status::take_payload(ptr as *mut u8, len as usize, cap as usize)
            };
            $crate::webhook::status::sign_header(&payload, secrets, timestamp)
        }
    };
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
    fn payload_buffers_round_trip() {
        let ptr = alloc_payload(BODY.len() * 3);
        // SAFETY: the buffer has room for BODY (cap is three times its length).
        unsafe { core::ptr::copy_nonoverlapping(BODY.as_ptr(), ptr, BODY.len()) };
        // SAFETY: ptr/cap from alloc_payload above, BODY.len() bytes written.
        let body = unsafe { take_payload(ptr, BODY.len(), BODY.len() * 3) };
        assert_eq!(body, BODY);
        let empty = alloc_payload(0);
        // SAFETY: as above, with nothing written.
        assert!(unsafe { take_payload(empty, 5, 0) }.is_empty());
        // SAFETY: cap 0 never touches the pointer, null included.
        assert!(unsafe { take_payload(core::ptr::null_mut(), 0, 0) }.is_empty());
    }

    #[test]
    fn signing_matches_the_example_and_fails_softly() {
        assert_eq!(sign_header(BODY, SECRET, 1_700_000_000.0), HEADER);
        assert_eq!(sign_header(BODY, "", 1.0), "");
        assert_eq!(sign_header(BODY, "nope", 1.0), "");
        let at = options(0.0, true, 0.0);
        let bare = &SECRET[6..];
        assert_eq!(
            code(verify_status(b"", "t=1,v1=x", bare, &at)),
            "invalid_secret"
        );
        let std = |s| code(verify_standard_status(b"", "x", "1", "v1,x", s, &at));
        assert_eq!(
            std(bare),
            "malformed_header",
            "the prefix is optional in Standard Webhooks"
        );
        assert_eq!(std("whsec_!"), "invalid_secret");
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
