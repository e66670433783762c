//! The sandbox's binding (`src/wasm/sandbox.rs`), run by `wasm-bindgen-test` in Node and in
//! headless Chromium (scripts/test.sh, with the `sandbox-bindings` feature).
#![cfg(all(target_arch = "wasm32", feature = "sandbox-bindings"))]

use js_sys::{Function, Reflect, Uint8Array};
use vinr::wasm::sandbox::SandboxCore;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

const NOW: f64 = 1_776_249_000_000.0; // 2026-04-15T10:30:00Z
const RECORDING: &str = r#"{"recordChanges":true}"#;

fn random() -> Function {
    Function::new_with_args(
        "b",
        "for (let i = 0; i < b.length; i++) b[i] = (i * 37 + 11) & 255",
    )
}

fn keys(core: &SandboxCore) -> serde_json::Value {
    serde_json::from_str(&core.owner_keys()).unwrap()
}

fn headers(key: &str) -> String {
    format!("authorization\nBearer {key}\ncontent-type\napplication/json\n")
}

fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap()
}

#[wasm_bindgen_test]
fn a_request_crosses_as_method_url_headers_and_bytes() {
    let mut core = SandboxCore::create(RECORDING, NOW, &random()).unwrap();
    assert!(core.take_changes().is_some(), "the new account's records");
    let k = keys(&core);
    let pk = k["test"]["publishableKey"].as_str().unwrap();
    let body = br#"{"type":"card","card":{"number":"4242424242424242","expMonth":12,"expYear":2030,"cvc":"123"}}"#;
    let text = core
        .handle(
            "POST",
            "https://sandbox.api.vinr.com/v1/payment_methods",
            &headers(pk),
            body,
            NOW,
            &random(),
        )
        .unwrap();
    assert_eq!(core.status(), 200);
    assert!(
        core.headers().contains("request-id\nreq_") || core.headers().contains("Request-Id\nreq_")
    );
    let pm = json(&text);
    assert_eq!(pm["card"]["last4"], "4242");
    assert!(!text.contains("4242424242424242"));
    let batch = core.take_changes().expect("a change batch");
    assert!(core.changes_seq() > 0.0);
    assert!(core.take_changes().is_none(), "taken once");
    assert!(String::from_utf8(batch).unwrap().contains("payment_method"));
}

#[wasm_bindgen_test]
fn errors_come_back_as_api_answers_not_exceptions() {
    let mut core = SandboxCore::create("{}", NOW, &random()).unwrap();
    let k = keys(&core);
    let sk = k["test"]["secretKey"].as_str().unwrap();
    let text = core
        .handle(
            "POST",
            "/v1/payments",
            &headers(sk),
            br#"{"amount":0}"#,
            NOW,
            &random(),
        )
        .unwrap();
    assert_eq!(core.status(), 400);
    assert_eq!(json(&text)["error"]["param"], "amount");
    core.handle("GET", "/v1/payments", "", b"", NOW, &random())
        .unwrap();
    assert_eq!(core.status(), 401);
    assert!(core.take_changes().is_none(), "no storage, no records");
}

#[wasm_bindgen_test]
fn a_throwing_random_source_or_a_bad_clock_changes_nothing() {
    let mut core = SandboxCore::create(RECORDING, NOW, &random()).unwrap();
    let sk = keys(&core)["test"]["secretKey"]
        .as_str()
        .unwrap()
        .to_owned();
    let before = core.snapshot();
    let throwing = Function::new_no_args("throw new Error('no entropy')");
    let err = core
        .handle(
            "POST",
            "/v1/customers",
            &headers(&sk),
            b"{}",
            NOW,
            &throwing,
        )
        .unwrap_err();
    assert_eq!(
        Reflect::get(&err, &JsValue::from_str("message")).unwrap(),
        "no entropy"
    );
    let err = core
        .handle(
            "POST",
            "/v1/customers",
            &headers(&sk),
            b"{}",
            f64::NAN,
            &random(),
        )
        .unwrap_err();
    assert_eq!(
        Reflect::get(&err, &JsValue::from_str("code")).unwrap(),
        "clock_invalid"
    );
    assert_eq!(core.snapshot(), before);
}

#[wasm_bindgen_test]
fn restore_from_the_batches_gives_the_same_snapshot() {
    let mut core = SandboxCore::create(RECORDING, NOW, &random()).unwrap();
    let mut batches = vec![core.take_changes().unwrap()];
    let sk = keys(&core)["test"]["secretKey"]
        .as_str()
        .unwrap()
        .to_owned();
    core.handle(
        "POST",
        "/v1/customers",
        &headers(&sk),
        br#"{"email":"a@example.com"}"#,
        NOW,
        &random(),
    )
    .unwrap();
    batches.push(core.take_changes().unwrap());
    let arrays: Vec<Uint8Array> = batches
        .iter()
        .map(|b| Uint8Array::from(b.as_slice()))
        .collect();
    let reopened = SandboxCore::restore(RECORDING, None, arrays).unwrap();
    assert_eq!(reopened.snapshot(), core.snapshot());
    assert_eq!(reopened.owner_keys(), core.owner_keys());
    let err = SandboxCore::restore(RECORDING, Some(b"not json".to_vec()), Vec::new())
        .err()
        .unwrap();
    assert_eq!(
        Reflect::get(&err, &JsValue::from_str("name")).unwrap(),
        "VinrCoreError"
    );
    let err = SandboxCore::create(r#"{"rateLimit":{"requestsPerSecond":0}}"#, NOW, &random())
        .err()
        .unwrap();
    assert_eq!(
        Reflect::get(&err, &JsValue::from_str("param")).unwrap(),
        "rateLimit.requestsPerSecond"
    );
}

#[wasm_bindgen_test]
fn deliveries_cross_as_json_and_outcomes_come_back_as_change_batches() {
    let mut core = SandboxCore::create(RECORDING, NOW, &random()).unwrap();
    core.take_changes();
    let sk = keys(&core)["test"]["secretKey"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(core.take_deliveries(NOW).unwrap().is_none(), "none due");
    let endpoint = json(
        &core
            .handle(
                "POST",
                "/v1/webhooks",
                &headers(&sk),
                br#"{"url":"http://127.0.0.1:9/hooks","enabledEvents":["customer.created"]}"#,
                NOW,
                &random(),
            )
            .unwrap(),
    );
    assert!(endpoint["secret"].as_str().unwrap().starts_with("whsec_"));
    core.handle(
        "POST",
        "/v1/customers",
        &headers(&sk),
        b"{}",
        NOW,
        &random(),
    )
    .unwrap();
    core.take_changes();
    let due = json(&core.take_deliveries(NOW).unwrap().expect("one delivery"));
    let delivery = &due[0];
    assert_eq!(delivery["url"], "http://127.0.0.1:9/hooks");
    assert_eq!(
        delivery["headers"][0],
        serde_json::json!(["content-type", "application/json"])
    );
    assert!(delivery["body"]
        .as_str()
        .unwrap()
        .contains("customer.created"));
    let id = delivery["id"].as_str().unwrap();
    assert!(
        core.take_deliveries(NOW).unwrap().is_none(),
        "handed out once"
    );

    let result = format!(r#"{{"id":"{id}","status":503,"durationMs":7,"error":null}}"#);
    core.record_delivery(&result, NOW, &random()).unwrap();
    let batch = String::from_utf8(core.take_changes().expect("the outcome's records")).unwrap();
    assert!(batch.contains("webhook_delivery") && batch.contains("503"));
    core.record_delivery(&result, NOW, &random()).unwrap();
    assert!(
        core.take_changes().is_none(),
        "no longer under way: ignored"
    );
    let err = core.record_delivery("{}", NOW, &random()).unwrap_err();
    assert_eq!(
        Reflect::get(&err, &JsValue::from_str("param")).unwrap(),
        "result"
    );
}
