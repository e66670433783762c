// Shared by tests/sandbox_webhooks.rs and tests/sandbox_deliveries.rs.
#![allow(dead_code)]

//! Drives the sandbox's webhook outbox as the JS face does: takes the deliveries due, answers
//! them, reads the delivery log, and verifies signatures with the SDK's own verifier.

use chrono::Duration;
use serde_json::{json, Value};
use vinr::host::RandomSource;
use vinr::sandbox::{DeliveryResult, OutgoingDelivery, SEED_BYTES};
use vinr::webhook::{verify, verify_standard, VerifyOptions, WebhookError, WebhookSecret};

use super::harness::{t0, Harness};

pub fn endpoint(h: &mut Harness, events: &[&str]) -> (String, String) {
    let e = h.ok(
        "POST",
        "/v1/webhooks",
        json!({"url": "https://example.com/hooks", "enabledEvents": events}),
    );
    (
        e["id"].as_str().unwrap().to_owned(),
        e["secret"].as_str().unwrap().to_owned(),
    )
}

pub fn take(h: &mut Harness) -> Vec<OutgoingDelivery> {
    h.sandbox.take_deliveries(h.now)
}

/// Reports an outcome as the JS face does, keeping the batch like a request's.
pub fn answer(h: &mut Harness, id: &str, status: Option<u16>) {
    let mut seed = [0u8; SEED_BYTES];
    h.rng.fill_bytes(&mut seed);
    let result = DeliveryResult {
        id: id.to_owned(),
        status,
        duration_ms: 12,
        error: status.is_none().then(|| "timeout".to_owned()),
    };
    if let Some(batch) = h.sandbox.record_delivery(result, h.now, seed) {
        h.sandbox.commit(batch.seq);
        h.batches.push(batch);
    }
}

/// Answers every delivery due with 200 until none is.
pub fn drain(h: &mut Harness) {
    loop {
        let due = take(h);
        if due.is_empty() {
            return;
        }
        for d in due {
            answer(h, &d.id, Some(200));
        }
    }
}

pub fn header<'a>(d: &'a OutgoingDelivery, name: &str) -> &'a str {
    d.headers
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
        .unwrap_or("")
}

pub fn deliveries(h: &mut Harness, endpoint: &str) -> Vec<Value> {
    h.ok(
        "GET",
        &format!("/v1/webhooks/{endpoint}/deliveries?limit=100"),
        Value::Null,
    )["data"]
        .as_array()
        .unwrap()
        .clone()
}

pub fn attempt_times(delivery: &Value) -> Vec<String> {
    delivery["attempts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["attemptedAt"].as_str().unwrap().to_owned())
        .collect()
}

pub fn at(seconds: i64) -> String {
    (t0() + Duration::seconds(seconds)).to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

pub fn verifies(d: &OutgoingDelivery, secrets: &[&str], now: i64) -> Result<(), WebhookError> {
    let secrets: Vec<WebhookSecret> = secrets
        .iter()
        .map(|s| WebhookSecret::parse(s).unwrap())
        .collect();
    let opts = VerifyOptions::at(now);
    let body = d.body.as_bytes();
    verify(body, Some(header(d, "x-vinr-signature")), &secrets, &opts)?;
    verify_standard(
        body,
        Some(header(d, "webhook-id")),
        Some(header(d, "webhook-timestamp")),
        Some(header(d, "webhook-signature")),
        &secrets,
        &opts,
    )?;
    Ok(())
}

/// The times of the 10 scheduled attempts, in seconds after the first.
pub fn schedule() -> Vec<i64> {
    let waits = [60, 300, 1800, 7200, 18000, 36000, 86400, 86400, 86400];
    let mut times = vec![0];
    for w in waits {
        times.push(times.last().unwrap() + w);
    }
    times
}
