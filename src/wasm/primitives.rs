//! Identifiers and API keys for JS.

use wasm_bindgen::prelude::*;

use super::{error, host::JsRandom};
use crate::error::ApiError;
use crate::ids::{Id, IdPrefix};
use crate::keys::{ApiKey, KeyKind};

/// A new id such as `pay_…` for a known prefix (`pay`, `re`, `dp`, …), drawn from the host's
/// random source `fill`.
#[wasm_bindgen(js_name = generateId)]
pub fn generate_id(prefix: &str, fill: &js_sys::Function) -> Result<String, JsValue> {
    let prefix = IdPrefix::from_prefix(prefix).ok_or_else(|| {
        error::to_js(&ApiError::invalid_param(
            "prefix",
            "id_unknown_prefix",
            "unknown id prefix; expected one of pay, re, dp, cust, setl, po, we, evt, pm, req, be, acct, key, mbr",
        ))
    })?;
    let mut random = JsRandom::new(fill);
    let id = Id::generate(prefix, &mut random);
    random.finish()?;
    Ok(id.as_str().to_string())
}

/// The prefix of a well-formed id (`"pay_3Nf91…"` → `"pay"`), or an error naming `param`.
#[wasm_bindgen(js_name = idPrefix)]
pub fn id_prefix(id: &str, param: &str) -> Result<String, JsValue> {
    let id = Id::parse(id).map_err(|e| error::field(param, &e))?;
    Ok(id.prefix().as_str().to_string())
}

/// `{"mode":"test","kind":"secret"}` for a valid API key. The error never echoes the key.
#[wasm_bindgen(js_name = parseApiKey)]
pub fn parse_api_key(key: &str, param: &str) -> Result<String, JsValue> {
    let key = ApiKey::parse(key).map_err(|e| error::field(param, &e))?;
    let kind = match key.kind() {
        KeyKind::Secret => "secret",
        KeyKind::Publishable => "publishable",
    };
    Ok(format!(
        r#"{{"mode":"{}","kind":"{}"}}"#,
        key.mode().as_str(),
        kind
    ))
}
