//! Core errors as JS exceptions.

use wasm_bindgen::prelude::*;

use crate::error::{ApiError, FieldError};

/// The `name` the TypeScript layer recognises; it maps `type`/`code` onto its own classes.
const CORE_ERROR_NAME: &str = "VinrCoreError";

/// Builds the JS `Error` for an [`ApiError`]: message, plus `type`, `code`, `param` and
/// `status` as own properties.
pub fn to_js(err: &ApiError) -> JsValue {
    let js = js_sys::Error::new(&err.message);
    js.set_name(CORE_ERROR_NAME);
    let obj: &JsValue = js.as_ref();
    set(obj, "type", &JsValue::from_str(err.error_type.as_str()));
    set(obj, "code", &JsValue::from_str(&err.code));
    set(obj, "status", &JsValue::from(err.status));
    if let Some(param) = &err.param {
        set(obj, "param", &JsValue::from_str(param));
    }
    js.into()
}

/// The usual case: one input field was wrong.
pub fn field(param: &str, err: &dyn FieldError) -> JsValue {
    to_js(&ApiError::from_field_error(param, err))
}

fn set(target: &JsValue, key: &str, value: &JsValue) {
    // Reflect.set on a fresh, extensible Error object cannot fail.
    let _ = js_sys::Reflect::set(target, &JsValue::from_str(key), value);
}
