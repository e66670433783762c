//! Webhook deliveries natively through the sandbox's handler and its outbox: the retry schedule
//! on the sandbox clock, failing → disabled, replays, deleting and disabling endpoints, and
//! restores that rebuild the retries and resend what was under way.

#[path = "sandbox/harness.rs"]
mod harness;
#[path = "sandbox/webhooks.rs"]
mod webhooks;

use harness::{error_code, Harness};
use serde_json::{json, Value};
use vinr::sandbox::{Sandbox, SandboxConfig};
use webhooks::*;

#[test]
fn failed_attempts_are_retried_on_the_sandbox_clock_then_fail_the_endpoint() {
    let mut h = Harness::new();
    let (id, _) = endpoint(&mut h, &["customer.created"]);
    h.ok("POST", "/v1/customers", json!({}));
    let times = schedule();
    for (n, &due) in times.iter().enumerate() {
        if n > 0 {
            // One second short of the retry: nothing is due.
            h.advance(due - times[n - 1] - 1);
            assert!(take(&mut h).is_empty(), "attempt {} early", n + 1);
            h.advance(1);
        }
        let out = take(&mut h);
        assert_eq!(out.len(), 1, "attempt {}", n + 1);
        answer(
            &mut h,
            &out[0].id,
            if n % 2 == 0 { Some(500) } else { None },
        );
        let delivery = deliveries(&mut h, &id).remove(0);
        assert_eq!(
            attempt_times(&delivery),
            times[..=n].iter().map(|&s| at(s)).collect::<Vec<_>>()
        );
        if n + 1 < times.len() {
            assert_eq!(delivery["status"], "pending");
            assert_eq!(delivery["nextAttemptAt"], at(times[n + 1]));
        } else {
            assert_eq!(delivery["status"], "failed");
            assert!(delivery["nextAttemptAt"].is_null());
            assert_eq!(delivery["attempts"][9]["error"], "timeout");
            assert!(delivery["attempts"][9]["responseStatus"].is_null());
        }
    }
    let last = *times.last().unwrap();
    let endpoint = h.ok("GET", &format!("/v1/webhooks/{id}"), Value::Null);
    assert_eq!(endpoint["status"], "failing");

    // Still failing 3 days after the last failure: disabled, with an event.
    h.advance(3 * 86400 - 1);
    assert_eq!(
        h.ok("GET", &format!("/v1/webhooks/{id}"), Value::Null)["status"],
        "failing"
    );
    h.advance(1);
    assert_eq!(
        h.ok("GET", &format!("/v1/webhooks/{id}"), Value::Null)["status"],
        "disabled"
    );
    let disabled = h.ok(
        "GET",
        "/v1/events?type=webhook_endpoint.disabled",
        Value::Null,
    );
    assert_eq!(disabled["data"][0]["data"]["id"], id.as_str());
    assert_eq!(disabled["data"][0]["createdAt"], at(last + 3 * 86400));
    assert!(disabled["data"][0]["request"].is_null());
    // A disabled endpoint receives nothing, and cannot be replayed to.
    h.ok("POST", "/v1/customers", json!({}));
    assert!(take(&mut h).is_empty());
    let whd = deliveries(&mut h, &id)[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (status, err) = h.post(
        &format!("/v1/webhooks/{id}/deliveries/{whd}/replay"),
        Value::Null,
    );
    assert_eq!(
        (status, error_code(&err), err["error"]["param"].as_str()),
        (400, "webhook_endpoint_disabled", Some("id"))
    );
}

#[test]
fn a_long_advance_runs_every_retry_at_its_own_time() {
    let mut h = Harness::new();
    let (id, _) = endpoint(&mut h, &["customer.created"]);
    h.ok("POST", "/v1/customers", json!({}));
    let out = take(&mut h);
    answer(&mut h, &out[0].id, Some(503));
    // A day at once: each outcome makes the next retry due at once, at its scheduled time.
    h.advance(86400);
    loop {
        let out = take(&mut h);
        if out.is_empty() {
            break;
        }
        answer(&mut h, &out[0].id, Some(503));
    }
    let delivery = deliveries(&mut h, &id).remove(0);
    let times = schedule();
    let within_a_day: Vec<String> = times
        .iter()
        .filter(|&&s| s <= 86400)
        .map(|&s| at(s))
        .collect();
    assert_eq!(attempt_times(&delivery), within_a_day);
    assert_eq!(delivery["nextAttemptAt"], at(times[within_a_day.len()]));
}

#[test]
fn a_replay_is_sent_at_once_and_a_success_recovers_a_failing_endpoint() {
    let mut h = Harness::new();
    let (id, secret) = endpoint(&mut h, &["customer.created"]);
    h.ok("POST", "/v1/customers", json!({}));
    let first = take(&mut h).remove(0);
    answer(&mut h, &first.id, Some(500));
    for wait in [60, 300, 1800, 7200, 18000, 36000, 86400, 86400, 86400] {
        h.advance(wait);
        let out = take(&mut h).remove(0);
        answer(&mut h, &out.id, Some(410));
    }
    assert_eq!(
        h.ok("GET", &format!("/v1/webhooks/{id}"), Value::Null)["status"],
        "failing"
    );
    let replayed = h.ok(
        "POST",
        &format!("/v1/webhooks/{id}/deliveries/{}/replay", first.id),
        Value::Null,
    );
    assert_eq!(
        (replayed["id"].as_str(), replayed["status"].as_str()),
        (Some(first.id.as_str()), Some("failed"))
    );
    let again = take(&mut h).remove(0);
    assert_eq!(
        (again.id.as_str(), again.body.as_str()),
        (first.id.as_str(), first.body.as_str())
    );
    verifies(&again, &[&secret], h.now.timestamp()).unwrap();
    answer(&mut h, &again.id, Some(200));
    let delivery = deliveries(&mut h, &id).remove(0);
    assert_eq!(delivery["status"], "succeeded");
    let last = &delivery["attempts"][10];
    assert_eq!(
        (last["number"].as_u64(), last["replay"].as_bool()),
        (Some(11), Some(true))
    );
    assert_eq!(
        h.ok("GET", &format!("/v1/webhooks/{id}"), Value::Null)["status"],
        "enabled"
    );
    // No disabling job fires for an endpoint that recovered.
    h.advance(4 * 86400);
    assert_eq!(
        h.ok("GET", &format!("/v1/webhooks/{id}"), Value::Null)["status"],
        "enabled"
    );
}

#[test]
fn deleting_an_endpoint_drops_its_deliveries() {
    let mut h = Harness::new();
    let (id, _) = endpoint(&mut h, &["customer.created"]);
    h.ok("POST", "/v1/customers", json!({}));
    let in_flight = take(&mut h).remove(0);
    h.ok("POST", "/v1/customers", json!({}));
    h.ok("DELETE", &format!("/v1/webhooks/{id}"), Value::Null);
    assert!(take(&mut h).is_empty(), "the queued one is dropped");
    let before = h.sandbox.snapshot();
    answer(&mut h, &in_flight.id, Some(500));
    assert_eq!(
        h.sandbox.snapshot(),
        before,
        "the one under way is forgotten"
    );
    assert!(!String::from_utf8(before)
        .unwrap()
        .contains("webhook_delivery"));
}

#[test]
fn a_restore_rebuilds_the_retries_and_resends_what_was_under_way() {
    let config = SandboxConfig {
        record_changes: true,
        ..SandboxConfig::default()
    };
    let mut h = Harness::with_config(config.clone(), 11);
    let (id, _) = endpoint(&mut h, &["customer.created"]);
    h.ok("POST", "/v1/customers", json!({}));
    let failed = take(&mut h).remove(0);
    answer(&mut h, &failed.id, Some(500));
    h.ok("POST", "/v1/customers", json!({}));
    let lost = take(&mut h).remove(0); // under way when the host "crashes"

    let reopen = |h: &Harness| {
        Sandbox::restore(
            config.clone(),
            None,
            h.batches.iter().map(|b| b.bytes.as_slice()),
        )
        .unwrap()
    };
    let restored = reopen(&h);
    assert_eq!(restored.snapshot(), h.sandbox.snapshot());
    h.sandbox = restored;
    // The first request of the mode runs the rebuilt jobs: the lost attempt goes out again
    // (it was never recorded, so it is the delivery's first attempt).
    h.ok("GET", "/v1/webhooks", Value::Null);
    let resent = take(&mut h);
    assert_eq!(resent.len(), 1);
    assert_eq!(
        (resent[0].id.as_str(), resent[0].body.as_str()),
        (lost.id.as_str(), lost.body.as_str())
    );
    answer(&mut h, &lost.id, Some(200));
    // The failed one's retry is still due at its time.
    h.advance(59);
    assert!(take(&mut h).is_empty());
    h.advance(1);
    let retry = take(&mut h);
    assert_eq!(retry.len(), 1);
    assert_eq!(retry[0].id, failed.id);
    answer(&mut h, &failed.id, Some(200));
    let times: Vec<Vec<String>> = deliveries(&mut h, &id).iter().map(attempt_times).collect();
    assert_eq!(times, [vec![at(0)], vec![at(0), at(60)]]);
    // And the outcomes' records replay to the same state.
    let again = reopen(&h);
    assert_eq!(again.snapshot(), h.sandbox.snapshot());
}

#[test]
fn disabling_an_endpoint_fails_its_pending_deliveries_and_a_restore_agrees() {
    let config = SandboxConfig {
        record_changes: true,
        ..SandboxConfig::default()
    };
    let mut h = Harness::with_config(config.clone(), 5);
    let (id, _) = endpoint(&mut h, &["customer.created"]);
    h.ok("POST", "/v1/customers", json!({}));
    // Sent four days late: every retry is overdue, so one outcome after another exhausts them.
    h.advance(4 * 86400);
    loop {
        let out = take(&mut h);
        if out.is_empty() {
            break;
        }
        answer(&mut h, &out[0].id, Some(500));
    }
    let failing_since = *schedule().last().unwrap();
    assert_eq!(
        h.ok("GET", &format!("/v1/webhooks/{id}"), Value::Null)["status"],
        "failing"
    );
    h.ok("POST", "/v1/customers", json!({}));
    let second = take(&mut h).remove(0);
    answer(&mut h, &second.id, Some(500));
    // Its retry falls due (and waits in the outbox) before the clock disables the endpoint.
    h.advance(3 * 86400);
    let disabled = h.ok(
        "GET",
        "/v1/events?type=webhook_endpoint.disabled",
        Value::Null,
    );
    assert_eq!(
        disabled["data"][0]["createdAt"],
        at(failing_since + 3 * 86400)
    );
    assert!(
        take(&mut h).is_empty(),
        "nothing goes to a disabled endpoint"
    );
    let statuses: Vec<String> = deliveries(&mut h, &id)
        .iter()
        .map(|d| d["status"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(statuses, ["failed", "failed"]);

    let mut restored =
        Sandbox::restore(config, None, h.batches.iter().map(|b| b.bytes.as_slice())).unwrap();
    assert_eq!(restored.snapshot(), h.sandbox.snapshot());
    std::mem::swap(&mut restored, &mut h.sandbox);
    h.ok("GET", "/v1/webhooks", Value::Null); // runs the rebuilt jobs
    assert!(take(&mut h).is_empty());
    assert_eq!(restored.snapshot(), h.sandbox.snapshot());

    // Re-enabled, it receives new events; a PATCH disabling it fails what is pending at once.
    h.ok(
        "PATCH",
        &format!("/v1/webhooks/{id}"),
        json!({"status": "enabled"}),
    );
    h.ok("POST", "/v1/customers", json!({}));
    h.ok(
        "PATCH",
        &format!("/v1/webhooks/{id}"),
        json!({"status": "disabled"}),
    );
    assert!(take(&mut h).is_empty());
    assert_eq!(deliveries(&mut h, &id)[0]["status"], "failed");
}
