//! Webhook endpoints natively through the sandbox's handler and its outbox (`take_deliveries` /
//! `record_delivery`, which the JS face drives): CRUD and validation, the secret shown once,
//! event matching, the signed request, rolled secrets, modes, roles. The retry schedule,
//! failing endpoints, replays and restores are in tests/sandbox_deliveries.rs.

#[path = "sandbox/harness.rs"]
mod harness;
#[path = "sandbox/webhooks.rs"]
mod webhooks;

use harness::{error_code, Harness};
use serde_json::{json, Value};
use vinr::webhook::{WebhookError, WebhookSecret};
use webhooks::*;

const VISA: &str = "4242424242424242";

#[test]
fn endpoints_are_created_read_updated_and_deleted_and_the_secret_shows_once() {
    let mut h = Harness::new();
    let created = h.ok(
        "POST",
        "/v1/webhooks",
        json!({"url": "https://example.com/a", "enabledEvents": ["payment.*", "refund.created", "payment.*"], "description": "orders"}),
    );
    let id = created["id"].as_str().unwrap().to_owned();
    assert!(id.starts_with("we_"));
    assert_eq!(created["object"], "webhook_endpoint");
    assert_eq!(
        created["enabledEvents"],
        json!(["payment.*", "refund.created"])
    );
    assert_eq!(
        (created["status"].as_str(), created["livemode"].as_bool()),
        (Some("enabled"), Some(false))
    );
    let secret = created["secret"].as_str().unwrap().to_owned();
    assert!(WebhookSecret::parse(&secret).unwrap().as_bytes().len() == 32);

    let got = h.ok("GET", &format!("/v1/webhooks/{id}"), Value::Null);
    assert!(got.get("secret").is_none(), "{got}");
    assert_eq!(got["description"], "orders");
    let listed = h.ok("GET", "/v1/webhooks", Value::Null);
    assert_eq!(listed["data"][0]["id"], id.as_str());
    let events = h.ok("GET", "/v1/events?limit=100", Value::Null).to_string();
    assert!(
        !listed.to_string().contains(&secret) && !events.contains(&secret),
        "lists and events never show the secret"
    );

    let patched = h.ok(
        "PATCH",
        &format!("/v1/webhooks/{id}"),
        json!({"url": "http://127.0.0.1:9/b", "enabledEvents": ["*"], "description": "", "status": "disabled"}),
    );
    assert_eq!(
        (
            patched["url"].as_str(),
            patched["status"].as_str(),
            patched["description"].is_null()
        ),
        (Some("http://127.0.0.1:9/b"), Some("disabled"), true)
    );
    assert!(patched.get("secret").is_none());
    let rolled = h.ok(
        "POST",
        &format!("/v1/webhooks/{id}/roll_secret"),
        Value::Null,
    );
    let new_secret = rolled["secret"].as_str().unwrap();
    assert!(new_secret.starts_with("whsec_") && new_secret != secret);

    let deleted = h.ok("DELETE", &format!("/v1/webhooks/{id}"), Value::Null);
    assert_eq!(
        deleted,
        json!({"id": id, "object": "webhook_endpoint", "deleted": true})
    );
    let (status, err) = h.get(&format!("/v1/webhooks/{id}"));
    assert_eq!((status, error_code(&err)), (404, "resource_missing"));
    let types: Vec<String> = h.ok("GET", "/v1/events?type=webhook_endpoint.*", Value::Null)["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["type"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        types,
        [
            "webhook_endpoint.deleted",
            "webhook_endpoint.updated",
            "webhook_endpoint.updated",
            "webhook_endpoint.created"
        ]
    );
}

#[test]
fn bad_input_is_refused_naming_the_param() {
    let mut h = Harness::new();
    let ok_events = json!(["payment.completed"]);
    let cases = [
        (
            json!({"enabledEvents": ok_events}),
            "parameter_missing",
            "url",
        ),
        (
            json!({"url": "ftp://x.example", "enabledEvents": ok_events}),
            "url_invalid",
            "url",
        ),
        (
            json!({"url": "https://", "enabledEvents": ok_events}),
            "url_invalid",
            "url",
        ),
        (
            json!({"url": format!("https://x.example/{}", "a".repeat(2031)), "enabledEvents": ok_events}),
            "parameter_invalid",
            "url",
        ),
        (
            json!({"url": "https://x.example"}),
            "parameter_missing",
            "enabledEvents",
        ),
        (
            json!({"url": "https://x.example", "enabledEvents": []}),
            "parameter_invalid",
            "enabledEvents",
        ),
        (
            json!({"url": "https://x.example", "enabledEvents": "payment.*"}),
            "parameter_invalid",
            "enabledEvents",
        ),
        (
            json!({"url": "https://x.example", "enabledEvents": ["payment.*", "bogus.*"]}),
            "event_type_unknown",
            "enabledEvents[1]",
        ),
        (
            json!({"url": "https://x.example", "enabledEvents": ["payment.done"]}),
            "event_type_unknown",
            "enabledEvents[0]",
        ),
        (
            json!({"url": "https://x.example", "enabledEvents": ok_events, "description": "d".repeat(501)}),
            "parameter_invalid",
            "description",
        ),
        (
            json!({"url": "https://x.example", "enabledEvents": ok_events, "secret": "whsec_x"}),
            "parameter_unknown",
            "secret",
        ),
    ];
    for (body, code, param) in cases {
        let (status, err) = h.post("/v1/webhooks", body.clone());
        assert_eq!(
            (status, error_code(&err), err["error"]["param"].as_str()),
            (400, code, Some(param)),
            "{body}"
        );
    }
    let (id, _) = endpoint(&mut h, &["payment.completed"]);
    let sk = h.sk();
    let (status, err) = h.call(
        "PATCH",
        &format!("/v1/webhooks/{id}"),
        &sk,
        json!({"status": "failing"}),
    );
    assert_eq!(
        (status, err["error"]["param"].as_str()),
        (400, Some("status"))
    );
    let (status, err) = h.post(
        &format!("/v1/webhooks/{id}/roll_secret"),
        json!({"expiresInHours": 169}),
    );
    assert_eq!(
        (status, err["error"]["param"].as_str()),
        (400, Some("expiresInHours"))
    );
    let (status, err) = h.get(&format!("/v1/webhooks/{id}/deliveries?status=done"));
    assert_eq!(
        (status, err["error"]["param"].as_str()),
        (400, Some("status"))
    );
    let (status, err) = h.post(
        &format!("/v1/webhooks/{id}/deliveries/whd_00000000missing/replay"),
        Value::Null,
    );
    assert_eq!(
        (status, error_code(&err), err["error"]["param"].as_str()),
        (404, "resource_missing", Some("deliveryId"))
    );
    let (status, err) = h.get("/v1/webhooks/we_00000000missing");
    assert_eq!((status, err["error"]["param"].as_str()), (404, Some("id")));
}

#[test]
fn each_event_goes_to_every_matching_endpoint_signed_as_the_api_shows_it() {
    let mut h = Harness::new();
    let (family, family_secret) = endpoint(&mut h, &["payment.*"]);
    let (refunds, _) = endpoint(&mut h, &["refund.created"]);
    let (all, all_secret) = endpoint(&mut h, &["*"]);
    let (off, _) = endpoint(&mut h, &["payment.completed"]);
    h.ok(
        "PATCH",
        &format!("/v1/webhooks/{off}"),
        json!({"status": "disabled"}),
    );
    drain(&mut h);
    assert!(take(&mut h).is_empty(), "nothing due");
    let ours = [&family, &refunds, &all, &off];
    let before: Vec<usize> = ours.iter().map(|e| deliveries(&mut h, e).len()).collect();
    assert_eq!(
        before,
        [0, 0, 3, 0],
        "`*` had the created and updated events after its own"
    );

    let (_, pay) = h.pay(VISA, 1000, json!({}));
    assert_eq!(pay["status"], "completed");
    let due = take(&mut h);
    // payment_method.created goes to `*`; payment.created and payment.completed to both.
    assert_eq!(due.len(), 5, "{due:?}");
    let after: Vec<usize> = ours.iter().map(|e| deliveries(&mut h, e).len()).collect();
    assert_eq!(after, [2, 0, 6, 0]);
    let completed = deliveries(&mut h, &family)
        .into_iter()
        .find(|d| d["eventType"] == "payment.completed")
        .unwrap();
    assert_eq!(completed["status"], "pending");
    assert_eq!(completed["nextAttemptAt"], at(0));
    let out = due
        .iter()
        .find(|d| d.id == completed["id"].as_str().unwrap())
        .unwrap();
    let event_id = completed["event"].as_str().unwrap();
    let sk = h.sk();
    let event_text = h
        .raw(
            "GET",
            &format!("/v1/events/{event_id}"),
            Some(&sk),
            &[],
            b"",
        )
        .body;
    assert_eq!(out.body, event_text, "the body is the event, byte for byte");
    assert_eq!(out.url, "https://example.com/hooks");
    assert_eq!(header(out, "content-type"), "application/json");
    assert_eq!(header(out, "user-agent"), "VINR-Webhooks/1 (sandbox)");
    assert_eq!(header(out, "webhook-id"), event_id);
    let t = h.now.timestamp();
    assert_eq!(header(out, "webhook-timestamp"), t.to_string());
    assert!(header(out, "x-vinr-signature").starts_with(&format!("t={t},v1=")));
    verifies(out, &[&family_secret], t).unwrap();
    assert!(matches!(
        verifies(out, &[&all_secret], t),
        Err(WebhookError::SignatureMismatch { .. })
    ));

    answer(&mut h, &out.id, Some(204));
    let done = h.ok(
        "GET",
        &format!("/v1/webhooks/{family}/deliveries?status=succeeded"),
        Value::Null,
    );
    let attempts = &done["data"][0]["attempts"];
    assert_eq!(
        attempts,
        &json!([{"number": 1, "attemptedAt": at(0), "responseStatus": 204, "durationMs": 12, "error": null, "replay": false}])
    );
    assert!(done["data"][0]["nextAttemptAt"].is_null());
    // An outcome reported twice, or for an id never handed out, changes nothing.
    let before = h.sandbox.snapshot();
    answer(&mut h, &out.id, Some(500));
    answer(&mut h, "whd_00000000unknown", Some(500));
    assert_eq!(h.sandbox.snapshot(), before);
}

#[test]
fn a_rolled_secret_signs_too_during_its_grace_period_only() {
    let mut h = Harness::new();
    let (id, old) = endpoint(&mut h, &["customer.created"]);
    let rolled = h.ok(
        "POST",
        &format!("/v1/webhooks/{id}/roll_secret"),
        json!({"expiresInHours": 1}),
    );
    let new = rolled["secret"].as_str().unwrap().to_owned();
    h.ok("POST", "/v1/customers", json!({}));
    let d = take(&mut h).pop().unwrap();
    let t = h.now.timestamp();
    assert_eq!(header(&d, "x-vinr-signature").matches(",v1=").count(), 2);
    assert_eq!(header(&d, "webhook-signature").split(' ').count(), 2);
    verifies(&d, &[&old], t).unwrap();
    verifies(&d, &[&new], t).unwrap();
    answer(&mut h, &d.id, Some(200));

    h.advance(3600);
    h.ok("POST", "/v1/customers", json!({}));
    let d = take(&mut h).pop().unwrap();
    assert_eq!(header(&d, "x-vinr-signature").matches(",v1=").count(), 1);
    verifies(&d, &[&new], t).unwrap();
    assert!(matches!(
        verifies(&d, &[&old], t),
        Err(WebhookError::SignatureMismatch { .. })
    ));
    answer(&mut h, &d.id, Some(200));

    let newest = h.ok(
        "POST",
        &format!("/v1/webhooks/{id}/roll_secret"),
        json!({"expiresInHours": 0}),
    )["secret"]
        .as_str()
        .unwrap()
        .to_owned();
    h.ok("POST", "/v1/customers", json!({}));
    let d = take(&mut h).pop().unwrap();
    verifies(&d, &[&newest], t).unwrap();
    assert!(
        verifies(&d, &[&new], t).is_err(),
        "0 hours: the old one stops at once"
    );
}

#[test]
fn modes_keep_their_endpoints_and_events_apart() {
    let mut h = Harness::new();
    let (test_endpoint, _) = endpoint(&mut h, &["*"]);
    drain(&mut h);
    let live = h.live_sk();
    let (status, err) = h.call(
        "GET",
        &format!("/v1/webhooks/{test_endpoint}"),
        &live,
        Value::Null,
    );
    assert_eq!((status, error_code(&err)), (404, "resource_missing"));
    let (_, list) = h.call("GET", "/v1/webhooks", &live, Value::Null);
    assert_eq!(list["data"], json!([]));
    // A live event reaches no test endpoint...
    h.call("POST", "/v1/customers", &live, json!({}));
    assert!(take(&mut h).is_empty());
    // ...and a live endpoint receives live events only.
    let (_, live_endpoint) = h.call(
        "POST",
        "/v1/webhooks",
        &live,
        json!({"url": "https://live.example", "enabledEvents": ["customer.created"]}),
    );
    assert_eq!(live_endpoint["livemode"], true);
    h.call("POST", "/v1/customers", &live, json!({}));
    let out = take(&mut h);
    assert_eq!(out.len(), 1);
    assert_eq!(out[0].url, "https://live.example");
    assert!(out[0].body.contains("\"livemode\":true"));
}

#[test]
fn webhooks_are_for_owners_administrators_and_developers() {
    let mut h = Harness::new();
    for (role, allowed) in [
        ("administrator", true),
        ("developer", true),
        ("analyst", false),
        ("support", false),
    ] {
        let key = h.key_for(role);
        let (status, body) = h.call(
            "POST",
            "/v1/webhooks",
            &key,
            json!({"url": "https://example.com", "enabledEvents": ["*"]}),
        );
        let (list_status, _) = h.call("GET", "/v1/webhooks", &key, Value::Null);
        if allowed {
            assert_eq!((status, list_status), (200, 200), "{role}: {body}");
        } else {
            assert_eq!(
                (status, error_code(&body), list_status),
                (403, "forbidden", 403),
                "{role}"
            );
        }
    }
}
