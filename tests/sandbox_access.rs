//! The sandbox's access rules and request handling, natively through its one handler: modes,
//! keys and their 401 codes, roles (every route × every role), idempotency, pagination, bad
//! input and rate limits.

#[path = "sandbox/harness.rs"]
mod harness;

use harness::{error_code, Harness};
use serde_json::{json, Value};
use vinr::sandbox::roles::Role;
use vinr::sandbox::router::{Access, ROUTES};
use vinr::sandbox::SandboxConfig;

const VISA: &str = "4242424242424242";

#[test]
fn modes_never_see_each_others_objects() {
    let mut h = Harness::new();
    let (_, pay) = h.pay(VISA, 1000, json!({}));
    let id = pay["id"].as_str().unwrap();
    let live = h.live_sk();
    let (status, err) = h.call("GET", &format!("/v1/payments/{id}"), &live, Value::Null);
    assert_eq!((status, error_code(&err)), (404, "resource_missing"));
    let (_, list) = h.call("GET", "/v1/payments", &live, Value::Null);
    assert!(list["data"].as_array().unwrap().is_empty());
    // Test cards do not clear in live mode.
    let live_pk = h.keys["live"]["publishableKey"]
        .as_str()
        .unwrap()
        .to_owned();
    let (status, err) = h.call("POST", "/v1/payment_methods", &live_pk, json!({"type": "card", "card": {"number": VISA, "expMonth": 1, "expYear": 2031, "cvc": "123"}}));
    assert_eq!(
        (status, error_code(&err), err["error"]["param"].as_str()),
        (400, "test_card_in_live_mode", Some("card.number"))
    );
    let (status, err) = h.call(
        "POST",
        "/v1/test_helpers/clock/advance",
        &live,
        json!({"seconds": 5}),
    );
    assert_eq!((status, error_code(&err)), (403, "test_mode_only"));
}

#[test]
fn authentication_failures_have_distinct_codes() {
    let mut h = Harness::new();
    let publishable = format!("Bearer {}", h.pk());
    let cases: [(Vec<(&str, &str)>, &str); 5] = [
        (vec![], "api_key_missing"),
        (vec![("Authorization", "Basic abc")], "api_key_malformed"),
        (
            vec![("Authorization", "Bearer sk_test_short")],
            "api_key_malformed",
        ),
        (
            vec![(
                "Authorization",
                "Bearer sk_test_0000000000000000000000000000000",
            )],
            "api_key_unknown",
        ),
        (vec![("Authorization", &publishable)], "api_key_wrong_kind"),
    ];
    for (headers, code) in cases {
        let r = h.raw("GET", "/v1/payments", None, &headers, b"");
        let body: Value = serde_json::from_str(&r.body).unwrap();
        assert_eq!((r.status, error_code(&body)), (401, code));
        assert!(!r.body.contains("0000000000000000"), "no key is echoed");
    }
    let sk = h.sk();
    let r = h.raw("GET", "/v1/payments", None, &[("X-Api-Key", &sk)], b"");
    assert_eq!(r.status, 200, "X-Api-Key works too");
}

#[test]
fn a_rolled_or_revoked_key_answers_401_at_once() {
    let mut h = Harness::new();
    let created = h.ok(
        "POST",
        "/v1/api_keys",
        json!({"type": "secret", "role": "developer", "name": "CI"}),
    );
    let (id, old) = (
        created["id"].as_str().unwrap().to_owned(),
        created["secret"].as_str().unwrap().to_owned(),
    );
    assert_eq!(h.call("GET", "/v1/payments", &old, Value::Null).0, 200);
    let listed = h.ok("GET", "/v1/api_keys", Value::Null);
    assert!(
        !listed.to_string().contains(&old),
        "lists never show a secret"
    );
    let rolled = h.ok("POST", &format!("/v1/api_keys/{id}/roll"), Value::Null);
    let new = rolled["secret"].as_str().unwrap().to_owned();
    let (status, err) = h.call("GET", "/v1/payments", &old, Value::Null);
    assert_eq!((status, error_code(&err)), (401, "api_key_expired"));
    assert_eq!(h.call("GET", "/v1/payments", &new, Value::Null).0, 200);
    h.ok("DELETE", &format!("/v1/api_keys/{id}"), Value::Null);
    assert_eq!(
        error_code(&h.call("GET", "/v1/payments", &new, Value::Null).1),
        "api_key_expired"
    );
}

#[test]
fn keys_and_grants_never_exceed_their_creator() {
    let mut h = Harness::new();
    let dev = h.key_for("developer");
    let (status, err) = h.call(
        "POST",
        "/v1/api_keys",
        &dev,
        json!({"type": "secret", "role": "administrator"}),
    );
    assert_eq!(
        (status, error_code(&err), err["error"]["param"].as_str()),
        (403, "role_exceeds_creator", Some("role"))
    );
    let support = h.call(
        "POST",
        "/v1/api_keys",
        &dev,
        json!({"type": "secret", "role": "support"}),
    );
    assert_eq!(support.0, 200);
    let admin = h.key_for("administrator");
    let (status, err) = h.call(
        "POST",
        "/v1/team/members",
        &admin,
        json!({"email": "boss@example.com", "role": "owner"}),
    );
    assert_eq!((status, error_code(&err)), (403, "role_exceeds_creator"));
    let member = h
        .call(
            "POST",
            "/v1/team/members",
            &admin,
            json!({"email": "ana@example.com", "role": "analyst"}),
        )
        .1;
    assert_eq!(member["role"], "analyst");
    let owners = h.ok("GET", "/v1/team/members", Value::Null);
    let owner_id = owners["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["role"] == "owner")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (status, err) = h.call(
        "DELETE",
        &format!("/v1/team/members/{owner_id}"),
        &h.sk(),
        Value::Null,
    );
    assert_eq!((status, error_code(&err)), (400, "last_owner"));
    // Grants are per mode.
    let live = h.live_sk();
    let live_members = h.call("GET", "/v1/team/members", &live, Value::Null).1;
    assert!(!live_members.to_string().contains("ana@example.com"));
}

/// Every route × every role: allowed cells never answer 403, forbidden ones always do.
#[test]
fn the_role_matrix_holds_on_every_route() {
    let mut h = Harness::new();
    let mut keys = Vec::new();
    for role in Role::ALL {
        keys.push((role, h.key_for(role.as_str())));
    }
    let pk = h.pk();
    for route in ROUTES {
        if route.access == Access::SignedUrl {
            // No key at all: the link's signature decides (tests/sandbox_money.rs).
            continue;
        }
        let path = route.path.replace(":id", "pay_00000000Missing");
        for (role, key) in &keys {
            let r = h.raw(route.method, &path, Some(key), &[], b"{}");
            let allowed = role.allows(route.permission);
            assert_eq!(
                r.status == 403,
                !allowed,
                "{} {} as {}: {} {}",
                route.method,
                route.path,
                role.as_str(),
                r.status,
                r.body
            );
        }
        let r = h.raw(route.method, &path, Some(&pk), &[], b"{}");
        let wrong_kind = r.body.contains("api_key_wrong_kind");
        assert_eq!(
            wrong_kind,
            route.access != Access::Publishable,
            "{} {} with a publishable key",
            route.method,
            route.path
        );
    }
}

#[test]
fn idempotent_requests_replay_conflict_and_wait_for_durability() {
    let config = SandboxConfig {
        record_changes: true,
        rate_limit: None,
    };
    let mut h = Harness::with_config(config, 3);
    let pm = h.card(VISA);
    let sk = h.sk();
    let body = json!({"amount": 700, "currency": "EUR", "paymentMethod": pm}).to_string();
    let headers = [("Idempotency-Key", "order-1")];
    let first = h.raw("POST", "/v1/payments", Some(&sk), &headers, body.as_bytes());
    let again = h.raw("POST", "/v1/payments", Some(&sk), &headers, body.as_bytes());
    assert_eq!(
        (again.status, again.body.as_str()),
        (200, first.body.as_str())
    );
    assert_eq!(again.header("Idempotent-Replayed"), Some("true"));
    let other = json!({"amount": 701, "currency": "EUR", "paymentMethod": pm}).to_string();
    let conflict = h.raw(
        "POST",
        "/v1/payments",
        Some(&sk),
        &headers,
        other.as_bytes(),
    );
    assert_eq!(
        (
            conflict.status,
            error_code(&serde_json::from_str(&conflict.body).unwrap())
        ),
        (409, "idempotency_key_reused")
    );

    // Not yet durable: a retry waits (409 in progress) instead of creating a second payment.
    h.commit = false;
    let headers2 = [("Idempotency-Key", "order-2")];
    let slow = h.raw(
        "POST",
        "/v1/payments",
        Some(&sk),
        &headers2,
        body.as_bytes(),
    );
    let retry = h.raw(
        "POST",
        "/v1/payments",
        Some(&sk),
        &headers2,
        body.as_bytes(),
    );
    assert_eq!(retry.status, 409);
    assert!(retry.body.contains("idempotency_request_in_progress"));
    let seq = h.batches.last().unwrap().seq;
    h.sandbox.commit(seq);
    let replay = h.raw(
        "POST",
        "/v1/payments",
        Some(&sk),
        &headers2,
        body.as_bytes(),
    );
    assert_eq!(replay.body, slow.body);
    let payments = h.ok("GET", "/v1/payments?limit=100", Value::Null);
    assert_eq!(payments["data"].as_array().unwrap().len(), 2);

    // Keys are kept 24 simulated hours.
    h.commit = true;
    h.advance(24 * 3600 + 1);
    let fresh = h.raw(
        "POST",
        "/v1/payments",
        Some(&sk),
        &headers,
        other.as_bytes(),
    );
    assert_eq!(fresh.status, 200);
    assert!(fresh.header("Idempotent-Replayed").is_none());
}

#[test]
fn pagination_is_newest_first_and_stable_under_inserts() {
    let mut h = Harness::new();
    let mut ids = Vec::new();
    for i in 0..25 {
        ids.push(
            h.ok(
                "POST",
                "/v1/customers",
                json!({"email": format!("c{i}@example.com")}),
            )["id"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
    }
    ids.reverse();
    let page1 = h.ok("GET", "/v1/customers", Value::Null);
    assert_eq!(page1["data"].as_array().unwrap().len(), 10);
    assert_eq!(page1["hasMore"], true);
    assert_eq!(page1["data"][0]["id"], ids[0].as_str());
    let last = page1["data"][9]["id"].as_str().unwrap().to_owned();
    h.ok("POST", "/v1/customers", json!({"email": "new@example.com"}));
    let page2 = h.ok(
        "GET",
        &format!("/v1/customers?limit=10&startingAfter={last}"),
        Value::Null,
    );
    assert_eq!(page2["data"][0]["id"], ids[10].as_str());
    let page3 = h.ok(
        "GET",
        &format!("/v1/customers?limit=10&startingAfter={}", ids[19]),
        Value::Null,
    );
    assert_eq!(
        (
            page3["data"].as_array().unwrap().len(),
            page3["hasMore"].as_bool()
        ),
        (5, Some(false))
    );
    let back = h.ok(
        "GET",
        &format!("/v1/customers?limit=3&endingBefore={}", ids[5]),
        Value::Null,
    );
    let back_ids: Vec<&str> = back["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        back_ids,
        [ids[2].as_str(), ids[3].as_str(), ids[4].as_str()]
    );
    assert_eq!(back["hasMore"], true);
    for bad in [
        "limit=0",
        "limit=101",
        "limit=x",
        &format!("startingAfter={}&endingBefore={}", ids[1], ids[2]),
        "startingAfter=cust_00000000nope",
    ] {
        let (status, err) = h.get(&format!("/v1/customers?{bad}"));
        assert_eq!(status, 400, "{bad}: {err}");
    }
}

#[test]
fn bad_input_is_refused_with_the_param_and_never_panics() {
    let mut h = Harness::new();
    let pm = h.card(VISA);
    let cases = [
        (
            json!({"amount": 0, "currency": "EUR", "paymentMethod": pm}),
            "amount_out_of_range",
            "amount",
        ),
        (
            json!({"amount": 100_000_000, "currency": "EUR", "paymentMethod": pm}),
            "amount_out_of_range",
            "amount",
        ),
        (
            json!({"amount": "10", "currency": "EUR", "paymentMethod": pm}),
            "amount_invalid",
            "amount",
        ),
        (
            json!({"currency": "EUR", "paymentMethod": pm}),
            "parameter_missing",
            "amount",
        ),
        (
            json!({"amount": 10, "currency": "XXY", "paymentMethod": pm}),
            "currency_unknown",
            "currency",
        ),
        (
            json!({"amount": 10, "currency": "EUR", "paymentMethod": pm, "colour": "red"}),
            "parameter_unknown",
            "colour",
        ),
        (
            json!({"amount": 10, "currency": "EUR", "paymentMethod": "pay_12345678"}),
            "id_wrong_prefix",
            "paymentMethod",
        ),
        (
            json!({"amount": 10, "currency": "EUR", "paymentMethod": "pm_12345678nope"}),
            "resource_missing",
            "paymentMethod",
        ),
    ];
    for (body, code, param) in cases {
        let (status, err) = h.post("/v1/payments", body.clone());
        assert_eq!(
            (status, error_code(&err), err["error"]["param"].as_str()),
            (400, code, Some(param)),
            "{body}"
        );
        assert!(err["error"]["requestId"]
            .as_str()
            .unwrap()
            .starts_with("req_"));
    }
    let pk = h.pk();
    for (card, param) in [
        (
            json!({"number": "4242424242424241", "expMonth": 1, "expYear": 2030, "cvc": "123"}),
            "card.number",
        ),
        (
            json!({"number": VISA, "expMonth": 13, "expYear": 2030, "cvc": "123"}),
            "card.expMonth",
        ),
        (
            json!({"number": VISA, "expMonth": 1, "expYear": 2025, "cvc": "123"}),
            "card.expYear",
        ),
        (
            json!({"number": VISA, "expMonth": 1, "expYear": 2030, "cvc": "12"}),
            "card.cvc",
        ),
    ] {
        let (status, err) = h.call(
            "POST",
            "/v1/payment_methods",
            &pk,
            json!({"type": "card", "card": card}),
        );
        assert_eq!(
            (status, err["error"]["param"].as_str()),
            (400, Some(param)),
            "{err}"
        );
        assert!(
            !err.to_string().contains("424242424242"),
            "the number is never echoed"
        );
    }
    let sk = h.sk();
    let big = vec![b' '; 1024 * 1024 + 1];
    assert_eq!(
        h.raw("POST", "/v1/customers", Some(&sk), &[], &big).status,
        413
    );
    let deep = format!("{{\"metadata\":{}{}}}", "[".repeat(40), "]".repeat(40));
    assert!(h
        .raw("POST", "/v1/customers", Some(&sk), &[], deep.as_bytes())
        .body
        .contains("body_too_deep"));
    assert!(h
        .raw("POST", "/v1/customers", Some(&sk), &[], b"{nope")
        .body
        .contains("body_invalid_json"));
    let r = h.raw("GET", "/v1/nope", Some(&sk), &[], b"");
    assert_eq!((r.status, r.body.contains("route_unknown")), (404, true));
    let r = h.raw("PUT", "/v1/payments", Some(&sk), &[], b"");
    assert_eq!((r.status, r.header("Allow")), (405, Some("POST, GET")));
    let many: serde_json::Map<String, Value> =
        (0..51).map(|i| (format!("k{i}"), json!("v"))).collect();
    assert_eq!(h.post("/v1/customers", json!({ "metadata": many })).0, 400);
}

#[test]
fn rate_limits_answer_429_with_retry_after() {
    let config: SandboxConfig =
        SandboxConfig::from_json(r#"{"rateLimit":{"requestsPerSecond":2,"burst":2}}"#).unwrap();
    let mut h = Harness::with_config(config, 5);
    let sk = h.sk();
    assert_eq!(
        h.raw("GET", "/v1/payments", Some(&sk), &[], b"").status,
        200
    );
    assert_eq!(
        h.raw("GET", "/v1/payments", Some(&sk), &[], b"").status,
        200
    );
    let limited = h.raw("GET", "/v1/payments", Some(&sk), &[], b"");
    assert_eq!(
        (limited.status, limited.header("Retry-After")),
        (429, Some("1"))
    );
    h.now += chrono::Duration::seconds(1);
    assert_eq!(
        h.raw("GET", "/v1/payments", Some(&sk), &[], b"").status,
        200
    );
}
