//! The sandbox's core, native: the benchmark flow of `benches/sandbox/bench.mjs` (create a
//! customer, tokenize and attach a card, authorize, capture, refund in part, list) through
//! `Sandbox::handle`, to separate the core's own time from the Wasm boundary and the JS face.
//! Run: `cargo bench -p vinr --bench sandbox` (scripts/bench-sandbox.sh runs both halves).

use std::time::Instant;

use chrono::{TimeZone, Utc};
use serde_json::Value;
use vinr::host::SeededRandom;
use vinr::sandbox::{Request, Sandbox, SandboxConfig};

const FLOWS: usize = 20_000;

fn main() {
    let now = Utc.with_ymd_and_hms(2026, 4, 15, 10, 30, 0).unwrap();
    let mut rng = SeededRandom::new(2026);
    let (mut sandbox, _) = Sandbox::create(SandboxConfig::default(), now, &mut rng);
    let keys: Value = serde_json::from_str(&sandbox.owner_keys_json()).unwrap();
    let sk = format!("Bearer {}", keys["test"]["secretKey"].as_str().unwrap());
    let pk = format!(
        "Bearer {}",
        keys["test"]["publishableKey"].as_str().unwrap()
    );
    let mut requests = 0u64;
    let mut send =
        |sandbox: &mut Sandbox, method: &str, url: &str, key: &str, body: &str| -> String {
            let headers = [("authorization", key), ("content-type", "application/json")];
            let request = Request {
                method,
                url,
                headers: &headers,
                body: body.as_bytes(),
            };
            requests += 1;
            sandbox.handle(&request, now, &mut rng).response.body
        };
    let id = |body: &str| -> String {
        let start = body.find("\"id\":\"").map(|i| i + 6).unwrap_or(0);
        body[start..].split('"').next().unwrap_or("").to_owned()
    };
    let started = Instant::now();
    for _ in 0..FLOWS {
        let cust = id(&send(
            &mut sandbox,
            "POST",
            "/v1/customers",
            &sk,
            r#"{"email":"bench@example.com"}"#,
        ));
        let pm = id(&send(
            &mut sandbox,
            "POST",
            "/v1/payment_methods",
            &pk,
            r#"{"type":"card","card":{"number":"4242424242424242","expMonth":12,"expYear":2030,"cvc":"123"}}"#,
        ));
        send(
            &mut sandbox,
            "POST",
            &format!("/v1/customers/{cust}/payment_methods"),
            &sk,
            &format!(r#"{{"paymentMethod":"{pm}"}}"#),
        );
        let pay = id(&send(
            &mut sandbox,
            "POST",
            "/v1/payments",
            &sk,
            &format!(r#"{{"amount":2500,"currency":"EUR","customer":"{cust}","capture":false}}"#),
        ));
        send(
            &mut sandbox,
            "POST",
            &format!("/v1/payments/{pay}/capture"),
            &sk,
            "",
        );
        send(
            &mut sandbox,
            "POST",
            "/v1/refunds",
            &sk,
            &format!(r#"{{"payment":"{pay}","amount":500}}"#),
        );
        send(&mut sandbox, "GET", "/v1/payments?limit=10", &sk, "");
    }
    let elapsed = started.elapsed().as_secs_f64();
    println!("sandbox core, native: {FLOWS} flows, {requests} requests in {elapsed:.2} s");
    println!(
        "  {:.0} requests/s, {:.2} µs per request",
        requests as f64 / elapsed,
        elapsed * 1e6 / requests as f64
    );
}
