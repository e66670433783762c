//! Any request, any body: the sandbox's handler answers with a status and a JSON body, and
//! never panics. The input is split into a method, a path (one line) and a body, and sent with
//! the Owner's test key to a fresh sandbox that already holds a customer, a card and a
//! payment, so that paths with real ids reach the handlers' deeper branches.
#![no_main]

use chrono::{TimeZone, Utc};
use libfuzzer_sys::fuzz_target;
use vinr::host::SeededRandom;
use vinr::sandbox::{Request, Sandbox, SandboxConfig};

const METHODS: [&str; 5] = ["GET", "POST", "PATCH", "DELETE", "PUT"];

fuzz_target!(|data: &[u8]| {
    let now = Utc.with_ymd_and_hms(2026, 4, 15, 10, 30, 0).unwrap();
    let mut rng = SeededRandom::new(1);
    let config = SandboxConfig { record_changes: true, rate_limit: None };
    let (mut sandbox, _) = Sandbox::create(config, now, &mut rng);
    let keys: serde_json::Value = serde_json::from_str(&sandbox.owner_keys_json()).unwrap();
    let auth = format!("Bearer {}", keys["test"]["secretKey"].as_str().unwrap());
    let setup = [("Authorization", auth.as_str())];
    // The fuzzed request also carries an idempotency key, so that path is exercised too.
    let fuzzed = [("Authorization", auth.as_str()), ("Idempotency-Key", "fuzz")];
    let mut send = |method: &str, url: &str, body: &[u8], keyed: bool| {
        let headers: &[(&str, &str)] = if keyed { &fuzzed } else { &setup };
        let request = Request { method, url, headers, body };
        let out = sandbox.handle(&request, now, &mut rng);
        assert!((200..600).contains(&out.response.status));
        assert!(serde_json::from_str::<serde_json::Value>(&out.response.body).is_ok());
        out.response.body
    };
    let pm = send("POST", "/v1/payment_methods", br#"{"type":"card","card":{"number":"4242424242424242","expMonth":12,"expYear":2030,"cvc":"123"}}"#, false);
    let pm: serde_json::Value = serde_json::from_str(&pm).unwrap();
    let body = format!(r#"{{"amount":1000,"currency":"EUR","capture":false,"paymentMethod":"{}"}}"#, pm["id"].as_str().unwrap());
    let pay: serde_json::Value = serde_json::from_str(&send("POST", "/v1/payments", body.as_bytes(), false)).unwrap();
    let pay = pay["id"].as_str().unwrap().to_owned();

    let Some((&first, rest)) = data.split_first() else { return };
    let method = METHODS[usize::from(first) % METHODS.len()];
    let split = rest.iter().position(|b| *b == b'\n').unwrap_or(rest.len());
    let path = String::from_utf8_lossy(&rest[..split]).replace("{pay}", &pay);
    let body = rest.get(split + 1..).unwrap_or(&[]);
    send(method, &format!("/v1{path}"), body, true);
});
