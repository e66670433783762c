//! Webhook signing and verification for the full SDK's JS layer (`vinr.webhooks`).
//!
//! Unlike the rest of the bindings, these return status numbers instead of throwing (see
//! [`crate::webhook::status`]): the webhook-only edge build has to, and one JS mapping from
//! status to `SignatureVerificationError` then serves both builds. A failed verification also
//! costs no message formatting, which matters on the path an attacker controls.
//!
//! Payloads: `&[u8]` for bytes (wasm-bindgen copies the view straight into linear memory, once)
//! and `&str` for JS strings (encoded to UTF-8 straight into linear memory, once); the core
//! MACs the UTF-8 bytes either way, so a string is never re-encoded or decoded.

use wasm_bindgen::prelude::*;

use super::host::JsRandom;
use crate::webhook::{status, WebhookSecret};

/// Verifies an `x-vinr-signature` header over a byte payload. `header` is empty when absent;
/// `secrets` is a space-separated list. Returns a status number (0 = valid).
#[wasm_bindgen(js_name = webhookVerify)]
pub fn webhook_verify(
    payload: &[u8],
    header: &str,
    secrets: &str,
    tolerance: f64,
    ignore_timestamp: bool,
    now: f64,
) -> u32 {
    let opts = status::options(tolerance, ignore_timestamp, now);
    status::verify_status(payload, header, secrets, &opts)
}

/// [`webhook_verify`] for a payload that arrived as a JS string.
#[wasm_bindgen(js_name = webhookVerifyText)]
pub fn webhook_verify_text(
    payload: &str,
    header: &str,
    secrets: &str,
    tolerance: f64,
    ignore_timestamp: bool,
    now: f64,
) -> u32 {
    webhook_verify(
        payload.as_bytes(),
        header,
        secrets,
        tolerance,
        ignore_timestamp,
        now,
    )
}

/// Verifies Standard Webhooks headers (each empty when absent). Returns a status number.
#[allow(clippy::too_many_arguments)]
#[wasm_bindgen(js_name = webhookVerifyStandard)]
pub fn webhook_verify_standard(
    payload: &[u8],
    msg_id: &str,
    timestamp: &str,
    signature: &str,
    secrets: &str,
    tolerance: f64,
    ignore_timestamp: bool,
    now: f64,
) -> u32 {
    let opts = status::options(tolerance, ignore_timestamp, now);
    status::verify_standard_status(payload, msg_id, timestamp, signature, secrets, &opts)
}

/// Status of one secret (0 = usable); `standard` makes the `whsec_` prefix optional.
#[wasm_bindgen(js_name = webhookSecretStatus)]
pub fn webhook_secret_status(secret: &str, standard: bool) -> u32 {
    status::secret_status(secret, standard)
}

/// The `x-vinr-signature` value for `payload` at `timestamp` with every secret of the list;
/// empty if a secret is invalid (check them with `webhookSecretStatus` first).
#[wasm_bindgen(js_name = webhookSign)]
pub fn webhook_sign(payload: &[u8], secrets: &str, timestamp: f64) -> String {
    status::sign_header(payload, secrets, timestamp)
}

/// A new `whsec_` secret of 32 bytes from the host's random source `fill`.
#[wasm_bindgen(js_name = webhookGenerateSecret)]
pub fn webhook_generate_secret(fill: &js_sys::Function) -> Result<String, JsValue> {
    let mut random = JsRandom::new(fill);
    let secret = WebhookSecret::generate(&mut |bytes| {
        crate::host::RandomSource::fill_bytes(&mut random, bytes)
    });
    random.finish()?;
    Ok(secret.encode())
}
