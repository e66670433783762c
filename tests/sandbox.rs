//! The sandbox driven natively through its one handler: life cycles, test cards, 3-D Secure,
//! refunds, disputes and deadlines, search, persistence and determinism. Access (modes, keys,
//! roles), idempotency, pagination and bad input are in tests/sandbox_access.rs.

#[path = "sandbox/harness.rs"]
mod harness;

use harness::{error_code, Harness};
use serde_json::{json, Value};
use vinr::sandbox::{Sandbox, SandboxConfig};

const VISA: &str = "4242424242424242";

#[test]
fn a_payment_completes_and_refunds_until_exhausted() {
    let mut h = Harness::new();
    let (status, pay) = h.pay(VISA, 5000, json!({"metadata": {"Order": "A-1"}}));
    assert_eq!(status, 200, "{pay}");
    assert_eq!(pay["status"], "completed");
    assert_eq!(pay["amountCaptured"], 5000);
    assert_eq!(pay["metadata"], json!({"Order": "A-1"}));
    assert_eq!(pay["card"]["last4"], "4242");
    assert!(pay["createdAt"].as_str().unwrap().ends_with('Z'));
    let id = pay["id"].as_str().unwrap().to_owned();

    let r1 = h.ok(
        "POST",
        "/v1/refunds",
        json!({"payment": id, "amount": 2000}),
    );
    assert_eq!(
        (r1["amount"].as_i64(), r1["status"].as_str()),
        (Some(2000), Some("succeeded"))
    );
    let r2 = h.ok("POST", "/v1/refunds", json!({"payment": id}));
    assert_eq!(r2["amount"], 3000, "the default is the remainder");
    let (status, err) = h.post("/v1/refunds", json!({"payment": id, "amount": 1}));
    assert_eq!(
        (status, error_code(&err)),
        (400, "amount_exceeds_refundable")
    );
    assert_eq!(err["error"]["param"], "amount");

    let pay = h.ok("GET", &format!("/v1/payments/{id}"), Value::Null);
    assert_eq!(pay["amountRefunded"], 5000);
    let refunds = h.ok("GET", &format!("/v1/refunds?payment={id}"), Value::Null);
    assert_eq!(refunds["data"].as_array().unwrap().len(), 2);
    let timeline = h.ok("GET", &format!("/v1/payments/{id}/timeline"), Value::Null);
    let kinds: Vec<&str> = timeline["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["type"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["authorization", "capture", "refund", "refund"]);
    for step in timeline["data"].as_array().unwrap() {
        let event = h.ok(
            "GET",
            &format!("/v1/events/{}", step["eventId"].as_str().unwrap()),
            Value::Null,
        );
        assert_eq!(event["object"], "event");
    }
    let events = h.ok(
        "GET",
        &format!("/v1/events?object={id}&limit=100"),
        Value::Null,
    );
    let types: Vec<&str> = events["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["type"].as_str().unwrap())
        .collect();
    assert_eq!(
        types,
        [
            "payment.refunded",
            "refund.created",
            "payment.refunded",
            "refund.created",
            "payment.completed",
            "payment.created"
        ]
    );
}

#[test]
fn authorize_then_capture_partially_or_let_it_expire() {
    let mut h = Harness::new();
    let (_, pay) = h.pay(VISA, 8000, json!({"capture": false}));
    assert_eq!(pay["status"], "authorized");
    let id = pay["id"].as_str().unwrap().to_owned();
    let (status, err) = h.post(
        &format!("/v1/payments/{id}/capture"),
        json!({"amount": 9000}),
    );
    assert_eq!(
        (status, error_code(&err)),
        (400, "amount_exceeds_authorized")
    );
    let pay = h.ok(
        "POST",
        &format!("/v1/payments/{id}/capture"),
        json!({"amount": 6000}),
    );
    assert_eq!(
        (pay["status"].as_str(), pay["amountCaptured"].as_i64()),
        (Some("completed"), Some(6000))
    );
    let (status, err) = h.post(&format!("/v1/payments/{id}/cancel"), Value::Null);
    assert_eq!(
        (status, error_code(&err)),
        (400, "payment_unexpected_state")
    );

    let (_, held) = h.pay(VISA, 1000, json!({"capture": false}));
    let held = held["id"].as_str().unwrap().to_owned();
    h.advance(7 * 86400 - 1);
    assert_eq!(
        h.ok("GET", &format!("/v1/payments/{held}"), Value::Null)["status"],
        "authorized"
    );
    h.advance(1);
    let expired = h.ok("GET", &format!("/v1/payments/{held}"), Value::Null);
    assert_eq!(
        (
            expired["status"].as_str(),
            expired["cancellationReason"].as_str()
        ),
        (Some("canceled"), Some("authorization_expired"))
    );
}

#[test]
fn every_decline_card_answers_402_and_is_stored_as_failed() {
    let mut h = Harness::new();
    let cards = [
        ("4000000000000002", "card_declined"),
        ("4000000000009995", "insufficient_funds"),
        ("4000000000009987", "lost_card"),
        ("4000000000009979", "stolen_card"),
        ("4000000000000069", "expired_card"),
        ("4000000000000127", "incorrect_cvc"),
        ("4000000000000119", "processing_error"),
    ];
    for (number, code) in cards {
        let (status, err) = h.pay(number, 1000, json!({}));
        assert_eq!(status, 402, "{number}");
        assert_eq!(err["error"]["type"], "card_error");
        assert_eq!(error_code(&err), code);
        let id = err["error"]["paymentId"].as_str().unwrap().to_owned();
        let pay = h.ok("GET", &format!("/v1/payments/{id}"), Value::Null);
        assert_eq!(
            (pay["status"].as_str(), pay["failureCode"].as_str()),
            (Some("failed"), Some(code))
        );
    }
    let failed = h.ok("GET", "/v1/payments?status=failed&limit=100", Value::Null);
    assert_eq!(failed["data"].as_array().unwrap().len(), cards.len());
}

#[test]
fn three_d_secure_waits_for_the_authentication_helper() {
    let mut h = Harness::new();
    let (_, pay) = h.pay("4000002760003184", 1500, json!({}));
    assert_eq!(pay["status"], "requires_action");
    assert_eq!(pay["nextAction"]["type"], "authenticate");
    let id = pay["id"].as_str().unwrap().to_owned();
    let done = h.ok(
        "POST",
        &format!("/v1/test_helpers/payments/{id}/authenticate"),
        json!({"outcome": "succeed"}),
    );
    assert_eq!(done["status"], "completed");
    let kinds: Vec<String> = h.ok("GET", &format!("/v1/payments/{id}/timeline"), Value::Null)
        ["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            format!(
                "{}:{}",
                e["type"].as_str().unwrap(),
                e["outcome"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        kinds,
        [
            "three_d_secure:required",
            "three_d_secure:succeeded",
            "authorization:succeeded",
            "capture:succeeded"
        ]
    );

    let (_, pay) = h.pay("4000002760003184", 1500, json!({}));
    let id = pay["id"].as_str().unwrap().to_owned();
    let failed = h.ok(
        "POST",
        &format!("/v1/test_helpers/payments/{id}/authenticate"),
        json!({"outcome": "fail"}),
    );
    assert_eq!(
        (failed["status"].as_str(), failed["failureCode"].as_str()),
        (Some("failed"), Some("authentication_failed"))
    );
    let (status, err) = h.post(
        &format!("/v1/test_helpers/payments/{id}/authenticate"),
        json!({"outcome": "succeed"}),
    );
    assert_eq!(
        (status, error_code(&err)),
        (400, "payment_unexpected_state")
    );
}

#[test]
fn the_dispute_card_opens_a_dispute_a_day_later_and_the_deadline_loses_it() {
    let mut h = Harness::new();
    let (_, pay) = h.pay("4000000000000259", 4200, json!({}));
    let id = pay["id"].as_str().unwrap().to_owned();
    assert!(h.ok("GET", "/v1/disputes", Value::Null)["data"]
        .as_array()
        .unwrap()
        .is_empty());
    h.advance(86400);
    let disputes = h.ok("GET", "/v1/disputes", Value::Null);
    let dispute = &disputes["data"][0];
    assert_eq!(
        (
            dispute["payment"].as_str(),
            dispute["reason"].as_str(),
            dispute["status"].as_str()
        ),
        (
            Some(id.as_str()),
            Some("fraudulent"),
            Some("needs_response")
        )
    );
    assert_eq!(dispute["amount"], 4200);
    h.advance(7 * 86400 + 1);
    let dp = dispute["id"].as_str().unwrap().to_owned();
    let lost = h.ok("GET", &format!("/v1/disputes/{dp}"), Value::Null);
    assert_eq!(lost["status"], "lost");
    let (status, err) = h.post(
        &format!("/v1/disputes/{dp}/evidence"),
        json!({"text": "late"}),
    );
    assert_eq!((status, error_code(&err)), (400, "dispute_deadline_passed"));
}

#[test]
fn evidence_is_submitted_once_and_test_helpers_decide() {
    let mut h = Harness::new();
    let (_, pay) = h.pay(VISA, 3000, json!({}));
    let id = pay["id"].as_str().unwrap().to_owned();
    let dispute = h.ok(
        "POST",
        &format!("/v1/test_helpers/payments/{id}/dispute"),
        json!({"reason": "product_not_received"}),
    );
    let dp = dispute["id"].as_str().unwrap().to_owned();
    let (status, err) = h.post(
        &format!("/v1/disputes/{dp}/evidence"),
        json!({"text": "x", "files": ["a", "b", "c", "d", "e", "f"]}),
    );
    assert_eq!(
        (status, err["error"]["param"].as_str()),
        (400, Some("files"))
    );
    let review = h.ok(
        "POST",
        &format!("/v1/disputes/{dp}/evidence"),
        json!({"text": "Delivered, signed for", "files": ["pod.pdf"]}),
    );
    assert_eq!(review["status"], "under_review");
    let (status, err) = h.post(
        &format!("/v1/disputes/{dp}/evidence"),
        json!({"text": "again"}),
    );
    assert_eq!(
        (status, error_code(&err)),
        (400, "evidence_already_submitted")
    );
    let won = h.ok(
        "POST",
        &format!("/v1/test_helpers/disputes/{dp}/close"),
        json!({"outcome": "won"}),
    );
    assert_eq!(won["status"], "won");
    h.advance(30 * 86400);
    assert_eq!(
        h.ok("GET", &format!("/v1/disputes/{dp}"), Value::Null)["status"],
        "won"
    );
    let (status, err) = h.post(
        &format!("/v1/test_helpers/payments/{id}/dispute"),
        Value::Null,
    );
    assert_eq!(
        (status, error_code(&err)),
        (400, "payment_already_disputed")
    );
}

#[test]
fn payment_search_and_stacked_filters() {
    let mut h = Harness::new();
    let cust = h.ok("POST", "/v1/customers", json!({"email": "Ada@Example.com"}))["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (_, a) = h.pay(VISA, 1000, json!({"customer": cust}));
    let (_, _b) = h.pay("5555555555554444", 5000, json!({"currency": "USD"}));
    let (_, c) = h.pay("4000000000000002", 2000, json!({}));
    let a_id = a["id"].as_str().unwrap().to_owned();
    let refund = h.ok(
        "POST",
        "/v1/refunds",
        json!({"payment": a_id, "amount": 100}),
    )["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let ids = |v: Value| -> Vec<String> {
        v["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["id"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(
        ids(h.ok("GET", "/v1/payments?search=ada%40example.com", Value::Null)),
        std::slice::from_ref(&a_id)
    );
    assert_eq!(
        ids(h.ok("GET", &format!("/v1/payments?search={refund}"), Value::Null)),
        std::slice::from_ref(&a_id)
    );
    assert_eq!(
        ids(h.ok("GET", "/v1/payments?search=4444", Value::Null)).len(),
        1
    );
    assert_eq!(
        ids(h.ok(
            "GET",
            "/v1/payments?currency=usd&amountMin=4000",
            Value::Null
        ))
        .len(),
        1
    );
    assert_eq!(
        ids(h.ok("GET", "/v1/payments?status=failed&search=0002", Value::Null)),
        [c["error"]["paymentId"].as_str().unwrap().to_owned()]
    );
    assert!(ids(h.ok(
        "GET",
        "/v1/payments?status=completed&amountMax=999",
        Value::Null
    ))
    .is_empty());
    assert_eq!(
        ids(h.ok(
            "GET",
            "/v1/payments?createdFrom=2026-04-15&createdTo=2026-04-16",
            Value::Null
        ))
        .len(),
        3
    );
    assert_eq!(
        error_code(&h.get("/v1/payments?search=hello").1),
        "search_invalid"
    );
    let customer = h.ok("GET", &format!("/v1/customers/{cust}"), Value::Null);
    assert_eq!(customer["lifetimeVolume"], json!({"EUR": 900}));
}

fn scripted_run(h: &mut Harness) -> Vec<String> {
    let mut bodies = Vec::new();
    let cust = h.ok("POST", "/v1/customers", json!({"email": "x@example.com"}));
    bodies.push(cust.to_string());
    let (_, pay) = h.pay(VISA, 2500, json!({"customer": cust["id"]}));
    bodies.push(pay.to_string());
    bodies.push(
        h.ok(
            "POST",
            "/v1/refunds",
            json!({"payment": pay["id"], "amount": 500}),
        )
        .to_string(),
    );
    bodies.push(
        h.pay("4000000000000259", 900, json!({"capture": false}))
            .1
            .to_string(),
    );
    bodies.push(h.advance(3 * 86400).to_string());
    bodies.push(h.ok("GET", "/v1/events?limit=100", Value::Null).to_string());
    bodies
}

#[test]
fn the_same_requests_with_the_same_seed_give_identical_bytes() {
    let a = scripted_run(&mut Harness::new());
    let b = scripted_run(&mut Harness::new());
    assert_eq!(a, b);
    let mut other = Harness::with_config(SandboxConfig::default(), 99);
    assert_ne!(a, scripted_run(&mut other));
}

#[test]
fn restoring_the_change_records_gives_the_same_sandbox() {
    let config = SandboxConfig {
        record_changes: true,
        rate_limit: None,
    };
    let mut h = Harness::with_config(config.clone(), 11);
    scripted_run(&mut h);
    let customer = h.ok("GET", "/v1/customers", Value::Null)["data"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    h.ok("DELETE", &format!("/v1/customers/{customer}"), Value::Null);
    let batches: Vec<&[u8]> = h.batches.iter().map(|b| b.bytes.as_slice()).collect();
    let reopened = Sandbox::restore(config.clone(), None, batches.iter().copied()).unwrap();
    assert_eq!(reopened.snapshot(), h.sandbox.snapshot());
    let snapshot = h.sandbox.snapshot();
    let from_snapshot =
        Sandbox::restore(config.clone(), Some(&snapshot), std::iter::empty()).unwrap();
    assert_eq!(from_snapshot.snapshot(), snapshot);
    assert_eq!(from_snapshot.owner_keys_json(), h.sandbox.owner_keys_json());
    // Compaction without a sandbox: the log in two halves, the first one compacted, then that
    // and the second: each restores to the state its records replay to, and holds fewer bytes.
    let restored = |snapshot: &[u8]| {
        Sandbox::restore(config.clone(), Some(snapshot), std::iter::empty())
            .unwrap()
            .snapshot()
    };
    let (head, tail) = batches.split_at(batches.len() / 2);
    let compacted = Sandbox::compact(None, head.iter().copied()).unwrap();
    assert_eq!(
        restored(&compacted),
        Sandbox::restore(config.clone(), None, head.iter().copied())
            .unwrap()
            .snapshot()
    );
    let whole = Sandbox::compact(Some(&compacted), tail.iter().copied()).unwrap();
    assert_eq!(restored(&whole), snapshot);
    assert!(whole.len() < batches.iter().map(|b| b.len()).sum::<usize>());
    // The deleted customer's records are gone, not carried as a deletion.
    assert!(
        !String::from_utf8_lossy(&whole).contains(&format!("\"k\":\"test/customer/{customer}\""))
    );
    assert!(String::from_utf8_lossy(&compacted)
        .contains(&format!("\"k\":\"test/customer/{customer}\"")));
    assert!(Sandbox::compact(None, std::iter::once(&b"not a record"[..])).is_err());
    assert!(Sandbox::compact(None, std::iter::empty()).is_err());
    assert!(Sandbox::restore(
        SandboxConfig::default(),
        Some(b"{\"k\":\"test/payment/x\"}"),
        std::iter::empty()
    )
    .is_err());
}
