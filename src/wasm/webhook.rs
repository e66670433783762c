//! Webhook signing and verification for the client core's JS layer (`vinr.webhooks`).
//!
//! The exports come from [`crate::webhook_wasm_exports`], shared with the webhook-only edge
//! build so the TypeScript layer drives both the same way. Unlike the other bindings they return
//! status numbers instead of throwing (see [`crate::webhook::status`]): the edge build must not
//! link the formatter, and a failed verification — the path an attacker drives — words nothing
//! until the JS layer asks `webhookFailure` for the code and message.

use wasm_bindgen::prelude::*;

use super::host::JsRandom;
use crate::host::RandomSource;
use crate::webhook::WebhookSecret;

// The macro's exports name `alloc::string::String`, as the edge crate is `no_std`.
extern crate alloc;

// With the host HMAC: the Node entries hand in node:crypto's (js/src/node-hmac.ts).
crate::webhook_wasm_exports!(host);

/// The instance's linear memory, so the JS layer can write payloads into `webhookAlloc` buffers.
#[wasm_bindgen(js_name = webhookMemory)]
pub fn webhook_memory() -> JsValue {
    wasm_bindgen::memory()
}

/// A new `whsec_` secret of 32 bytes from the host's random source `fill`.
#[wasm_bindgen(js_name = webhookGenerateSecret)]
pub fn webhook_generate_secret(fill: &js_sys::Function) -> Result<String, JsValue> {
    let mut random = JsRandom::new(fill);
    let secret = WebhookSecret::generate(&mut |bytes| random.fill_bytes(bytes));
    random.finish()?;
    Ok(secret.encode())
}
