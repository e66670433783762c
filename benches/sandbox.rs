//! The sandbox's core, native: the benchmark flow of `benches/sandbox/bench.mjs` (create a
//! customer, tokenize and attach a card, authorize, capture, refund in part, list) through
//! `Sandbox::handle`, to separate the core's own time from the Wasm boundary and the JS face.
//! Run: `cargo bench -p vinr --bench sandbox` (scripts/bench-sandbox.sh runs both halves).

use std::time::Instant;

use chrono::{DateTime, TimeZone, Utc};
use serde_json::Value;
use vinr::host::SeededRandom;
use vinr::sandbox::{Request, Sandbox, SandboxConfig};

const DEFAULT_FLOWS: usize = 20_000;
const STEPS: [&str; 7] = [
    "customer",
    "card",
    "attach",
    "authorize",
    "capture",
    "refund",
    "list",
];

struct Bench {
    sandbox: Sandbox,
    now: DateTime<Utc>,
    rng: SeededRandom,
    /// Seconds spent in the handler, per step of the flow.
    spent: [f64; 7],
}

impl Bench {
    fn send(&mut self, step: usize, method: &str, url: &str, key: &str, body: &str) -> String {
        let headers = [("authorization", key), ("content-type", "application/json")];
        let request = Request {
            method,
            url,
            headers: &headers,
            body: body.as_bytes(),
        };
        let t = Instant::now();
        let out = self
            .sandbox
            .handle(&request, self.now, &mut self.rng)
            .response
            .body;
        self.spent[step] += t.elapsed().as_secs_f64();
        out
    }
}

fn id(body: &str) -> String {
    let start = body.find("\"id\":\"").map_or(0, |i| i + 6);
    body[start..].split('"').next().unwrap_or("").to_owned()
}

fn main() {
    let flows: usize = std::env::var("BENCH_FLOWS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(DEFAULT_FLOWS);
    let now = Utc.with_ymd_and_hms(2026, 4, 15, 10, 30, 0).unwrap();
    let mut rng = SeededRandom::new(2026);
    let (sandbox, _) = Sandbox::create(SandboxConfig::default(), now, &mut rng);
    let keys: Value = serde_json::from_str(&sandbox.owner_keys_json()).unwrap();
    let sk = format!("Bearer {}", keys["test"]["secretKey"].as_str().unwrap());
    let pk = format!(
        "Bearer {}",
        keys["test"]["publishableKey"].as_str().unwrap()
    );
    let mut b = Bench {
        sandbox,
        now,
        rng,
        spent: [0.0; 7],
    };
    let card = r#"{"type":"card","card":{"number":"4242424242424242","expMonth":12,"expYear":2030,"cvc":"123"}}"#;
    let started = Instant::now();
    for _ in 0..flows {
        let cust = id(&b.send(
            0,
            "POST",
            "/v1/customers",
            &sk,
            r#"{"email":"bench@example.com"}"#,
        ));
        let pm = id(&b.send(1, "POST", "/v1/payment_methods", &pk, card));
        b.send(
            2,
            "POST",
            &format!("/v1/customers/{cust}/payment_methods"),
            &sk,
            &format!(r#"{{"paymentMethod":"{pm}"}}"#),
        );
        let body =
            format!(r#"{{"amount":2500,"currency":"EUR","customer":"{cust}","capture":false}}"#);
        let pay = id(&b.send(3, "POST", "/v1/payments", &sk, &body));
        b.send(4, "POST", &format!("/v1/payments/{pay}/capture"), &sk, "");
        b.send(
            5,
            "POST",
            "/v1/refunds",
            &sk,
            &format!(r#"{{"payment":"{pay}","amount":500}}"#),
        );
        b.send(6, "GET", "/v1/payments?limit=10", &sk, "");
    }
    let elapsed = started.elapsed().as_secs_f64();
    let requests = (flows * STEPS.len()) as f64;
    println!("sandbox core, native: {flows} flows, {requests} requests in {elapsed:.2} s");
    println!(
        "  {:.0} requests/s, {:.2} µs per request",
        requests / elapsed,
        elapsed * 1e6 / requests
    );
    let per_step: Vec<String> = STEPS
        .iter()
        .zip(b.spent)
        .map(|(n, s)| format!("{n} {:.1}", s * 1e6 / flows as f64))
        .collect();
    println!("  µs per step: {}", per_step.join(", "));
}
