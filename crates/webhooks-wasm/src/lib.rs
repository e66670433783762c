//! The webhook-only Wasm build behind `@vinr/sdk/webhooks`.
//!
//! It exports the same status-number functions as the full SDK's `src/wasm/webhook.rs` (minus
//! secret generation), so the TypeScript layer drives both with one implementation. What is
//! left out, on purpose, to keep `import { verify } from '@vinr/sdk/webhooks'` small:
//! - every other binding of the SDK (the `bindings` feature of `vinr` is off);
//! - error messages: `core::fmt` is never reached from these exports; JS maps the status
//!   number to the code and message;
//! - a panic hook (it would link the formatter). Nothing here panics on any input (the header
//!   parser is fuzzed); should it ever, JS sees a `WebAssembly.RuntimeError` and replaces the
//!   instance.
#![no_std]

extern crate alloc;

use alloc::string::String;
use vinr::webhook::status;
use wasm_bindgen::prelude::*;

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

/// [`webhook_verify`] for a payload that arrived as a JS string (UTF-8 encoded once, straight
/// into linear memory, by the glue).
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
/// empty if a secret is invalid.
#[wasm_bindgen(js_name = webhookSign)]
pub fn webhook_sign(payload: &[u8], secrets: &str, timestamp: f64) -> String {
    status::sign_header(payload, secrets, timestamp)
}
