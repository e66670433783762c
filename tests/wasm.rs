//! The Wasm bindings, run by `wasm-bindgen-test` in Node and in headless Chromium
//! (scripts/test.sh runs this file twice, once per host).
#![cfg(target_arch = "wasm32")]

use js_sys::{Function, Reflect};
use vinr::wasm::{
    money::{currency_info, format_amount, parse_amount},
    primitives::{generate_id, id_prefix, parse_api_key},
};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;

fn prop(value: &JsValue, key: &str) -> Option<String> {
    Reflect::get(value, &JsValue::from_str(key))
        .ok()
        .and_then(|v| v.as_string())
}

/// A host random source that fills every byte with `byte`.
fn constant_random(byte: u8) -> Function {
    Function::new_with_args("b", &format!("b.fill({byte})"))
}

#[wasm_bindgen_test]
fn amounts_round_trip_through_the_boundary() {
    assert_eq!(format_amount(1050.0, "eur").unwrap(), "10.50");
    assert_eq!(format_amount(-1.0, "KWD").unwrap(), "-0.001");
    assert_eq!(format_amount(500.0, "JPY").unwrap(), "500");
    assert_eq!(parse_amount("10.5", "EUR").unwrap(), 1050.0);
    assert_eq!(parse_amount("1000", "JPY").unwrap(), 1000.0);
    assert_eq!(currency_info("kwd").unwrap(), r#"{"code":"KWD","exponent":3}"#);
}

#[wasm_bindgen_test]
fn amounts_that_are_not_exact_integers_are_refused_with_the_param() {
    for bad in [1.5, f64::NAN, f64::INFINITY, 9_007_199_254_740_992.0] {
        let err = format_amount(bad, "EUR").unwrap_err();
        assert_eq!(prop(&err, "name").as_deref(), Some("VinrCoreError"));
        assert_eq!(prop(&err, "code").as_deref(), Some("amount_invalid"));
        assert_eq!(prop(&err, "param").as_deref(), Some("amount"));
    }
}

#[wasm_bindgen_test]
fn unknown_currency_and_excess_precision_name_their_field() {
    let err = format_amount(1.0, "EURO").unwrap_err();
    assert_eq!(prop(&err, "code").as_deref(), Some("currency_unknown"));
    assert_eq!(prop(&err, "param").as_deref(), Some("currency"));
    let err = parse_amount("10.001", "EUR").unwrap_err();
    assert_eq!(prop(&err, "code").as_deref(), Some("amount_too_precise"));
    assert_eq!(prop(&err, "param").as_deref(), Some("amount"));
}

#[wasm_bindgen_test]
fn ids_come_from_the_host_random_source() {
    // Byte 0 maps to the first base62 digit every time, so the id is fully determined.
    let id = generate_id("pay", &constant_random(0)).unwrap();
    assert_eq!(id, format!("pay_{}", "0".repeat(24)));
    assert_eq!(id_prefix(&id, "payment").unwrap(), "pay");
    let err = generate_id("nope", &constant_random(0)).unwrap_err();
    assert_eq!(prop(&err, "param").as_deref(), Some("prefix"));
}

#[wasm_bindgen_test]
fn a_throwing_random_source_fails_the_call_instead_of_yielding_a_weak_id() {
    let throwing = Function::new_no_args("throw new Error('no entropy')");
    let err = generate_id("pay", &throwing).unwrap_err();
    let err: js_sys::Error = err.dyn_into().unwrap();
    assert_eq!(String::from(err.message()), "no entropy");
}

#[wasm_bindgen_test]
fn api_keys_report_mode_and_kind_without_echoing_the_key() {
    assert_eq!(
        parse_api_key("sk_test_abcdefgh12345678", "secretKey").unwrap(),
        r#"{"mode":"test","kind":"secret"}"#
    );
    let err = parse_api_key("sk_test_abc-secret-value", "secretKey").unwrap_err();
    assert_eq!(prop(&err, "param").as_deref(), Some("secretKey"));
    let message = prop(&err, "message").unwrap();
    assert!(!message.contains("secret-value"), "{message}");
}
