//! The sandbox's money over the API: captures, refunds and disputes netted into settlements
//! and payouts on the schedule as the clock advances, the account and its schedule, signed
//! statement links, payout failures, and the books surviving a restore.

#[path = "sandbox/harness.rs"]
mod harness;

use chrono::{Datelike, NaiveDate, Weekday};
use harness::{error_code, Harness};
use serde_json::{json, Value};
use vinr::sandbox::{Sandbox, SandboxConfig};

const VISA: &str = "4242424242424242";
const DAY: i64 = 86_400;

fn ids(list: &Value) -> Vec<String> {
    list["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["id"].as_str().unwrap().to_owned())
        .collect()
}

fn date(s: &Value) -> NaiveDate {
    NaiveDate::parse_from_str(s.as_str().unwrap(), "%Y-%m-%d").unwrap()
}

#[test]
fn a_fortnight_of_activity_settles_daily_and_pays_out_on_target_business_days() {
    let mut h = Harness::new();
    let account = h.ok("GET", "/v1/account", Value::Null);
    assert_eq!(
        account["settlement"]["schedule"],
        json!({"interval": "daily", "delayDays": 2, "anchor": null})
    );
    let mut captured = 0;
    let mut refunded = 0;
    for day in 0..14 {
        let (status, pay) = h.pay(VISA, 10_000 + day * 100, json!({}));
        assert_eq!(status, 200, "{pay}");
        captured += 10_000 + day * 100;
        if day % 3 == 0 {
            h.ok(
                "POST",
                "/v1/refunds",
                json!({"payment": pay["id"], "amount": 700}),
            );
            refunded += 700;
        }
        h.advance(DAY);
    }
    h.advance(7 * DAY);
    let settlements = h.all("/v1/settlements", 3);
    assert_eq!(settlements.len(), 14, "one settlement per day of activity");
    let mut gross = 0;
    let mut refunds = 0;
    for s in &settlements {
        let id = s["id"].as_str().unwrap();
        let entries = h.all(&format!("/v1/settlements/{id}/transactions"), 3);
        assert_eq!(entries.len() as i64, s["entryCount"].as_i64().unwrap());
        let sum: i64 = entries.iter().map(|e| e["amount"].as_i64().unwrap()).sum();
        assert_eq!(
            sum,
            s["summary"]["net"].as_i64().unwrap(),
            "{id}: entries sum to the net"
        );
        gross += s["summary"]["grossPayments"].as_i64().unwrap();
        refunds += s["summary"]["refunds"].as_i64().unwrap();
        // T+2 TARGET business days after the window's last day.
        let last_day =
            NaiveDate::parse_from_str(&s["periodStart"].as_str().unwrap()[..10], "%Y-%m-%d")
                .unwrap();
        let payout_date = date(&s["payoutDate"]);
        assert!(!matches!(
            payout_date.weekday(),
            Weekday::Sat | Weekday::Sun
        ));
        let mut expected = last_day;
        let mut n = 0;
        while n < 2 {
            expected = expected.succ_opt().unwrap();
            if !matches!(expected.weekday(), Weekday::Sat | Weekday::Sun) {
                n += 1;
            }
        }
        assert_eq!(payout_date, expected, "{id}");
        assert_eq!(s["status"], "paid");
    }
    assert_eq!((gross, refunds), (captured, -refunded));
    // Settlements paying out on the same day roll into one payout.
    let payouts = h.all("/v1/payouts", 3);
    let paid: i64 = payouts.iter().map(|p| p["amount"].as_i64().unwrap()).sum();
    let nets: i64 = settlements
        .iter()
        .map(|s| s["summary"]["net"].as_i64().unwrap())
        .sum();
    assert_eq!(paid, nets);
    assert!(
        payouts.len() < settlements.len(),
        "a Monday payout pays Thu, Fri, Sat and Sun"
    );
    for p in &payouts {
        assert_eq!(p["status"], "paid");
        let one = h.ok(
            "GET",
            &format!("/v1/payouts/{}", p["id"].as_str().unwrap()),
            Value::Null,
        );
        assert_eq!(&one, p);
    }
    // Events: one settlement.created per settlement, one payout.paid per payout.
    let created = h.all("/v1/events?type=settlement.created", 3);
    assert_eq!(created.len(), settlements.len());
    let paid_events = h.all("/v1/events?type=payout.paid", 3);
    assert_eq!(paid_events.len(), payouts.len());
    assert_eq!(paid_events[0]["data"]["status"], "paid");
    // Filters.
    let first_payout = date(&settlements.last().unwrap()["payoutDate"]);
    let only = h.ok(
        "GET",
        &format!("/v1/settlements?payoutDateTo={first_payout}&limit=100"),
        Value::Null,
    );
    assert!(ids(&only).iter().all(|id| settlements
        .iter()
        .any(|s| s["id"] == id.as_str() && date(&s["payoutDate"]) <= first_payout)));
    assert_eq!(
        h.ok("GET", "/v1/settlements?currency=USD", Value::Null)["data"],
        json!([])
    );
    let (status, err) = h.get("/v1/settlements?status=sent");
    assert_eq!(
        (status, err["error"]["param"].as_str()),
        (400, Some("status"))
    );
}

#[test]
fn disputes_hold_money_and_a_won_dispute_credits_it_back() {
    let mut h = Harness::new();
    let (_, pay) = h.pay(VISA, 50_000, json!({}));
    let id = pay["id"].as_str().unwrap().to_owned();
    let dispute = h.ok(
        "POST",
        &format!("/v1/test_helpers/payments/{id}/dispute"),
        json!({}),
    );
    // A refund cannot take what the dispute claims.
    let (status, err) = h.post("/v1/refunds", json!({"payment": id, "amount": 1}));
    assert_eq!(
        (status, error_code(&err)),
        (400, "amount_exceeds_refundable")
    );
    h.advance(DAY);
    let s = &h.ok("GET", "/v1/settlements", Value::Null)["data"][0];
    // 50_000 captured, 1.4% + 25 fee, 50_000 + 1_500 held for the dispute.
    assert_eq!(s["summary"]["grossPayments"], 50_000);
    assert_eq!(s["summary"]["fees"], -725);
    assert_eq!(s["summary"]["disputes"], -51_500);
    assert_eq!(s["status"], "no_payout");
    let dp = dispute["id"].as_str().unwrap();
    h.ok(
        "POST",
        &format!("/v1/test_helpers/disputes/{dp}/close"),
        json!({"outcome": "won"}),
    );
    h.advance(DAY);
    let s = &h.ok("GET", "/v1/settlements", Value::Null)["data"][0];
    assert_eq!(
        s["summary"]["disputes"], 51_500,
        "the hold and its fee come back"
    );
}

#[test]
fn statement_links_work_without_a_key_until_they_expire() {
    let mut h = Harness::new();
    h.pay(VISA, 20_000, json!({}));
    h.advance(DAY);
    let s = h.ok("GET", "/v1/settlements", Value::Null)["data"][0].clone();
    let id = s["id"].as_str().unwrap();
    let link = h.ok(
        "GET",
        &format!("/v1/settlements/{id}/statement?format=csv"),
        Value::Null,
    );
    let url = link["url"].as_str().unwrap();
    assert!(
        url.starts_with("https://sandbox.api.vinr.com/v1/files/statements/"),
        "{url}"
    );
    let path = url.trim_start_matches("https://sandbox.api.vinr.com");
    let r = h.raw("GET", path, None, &[], b"");
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.header("content-type").unwrap().starts_with("text/csv"));
    let csv = String::from_utf8(r.bytes.clone().unwrap()).unwrap();
    assert!(
        r.body.is_empty() && csv.lines().count() > 2 && csv.contains("payment"),
        "{csv}"
    );
    // Tampering with the path or the expiry breaks the signature.
    let other = path.replace("expires=", "expires=1");
    assert_eq!(
        error_code(&serde_json::from_str(&h.raw("GET", &other, None, &[], b"").body).unwrap()),
        "file_url_invalid"
    );
    let pdf = h.ok(
        "GET",
        &format!("/v1/settlements/{id}/statement?format=pdf"),
        Value::Null,
    );
    let pdf_path = pdf["url"]
        .as_str()
        .unwrap()
        .trim_start_matches("https://sandbox.api.vinr.com")
        .to_owned();
    let r = h.raw("GET", &pdf_path, None, &[], b"");
    assert_eq!(
        (r.status, r.header("content-type")),
        (200, Some("application/pdf"))
    );
    assert!(r.bytes.unwrap().starts_with(b"%PDF-"));
    // An hour of sandbox time later, both are refused.
    h.advance(3600);
    let r = h.raw("GET", path, None, &[], b"");
    assert_eq!(r.status, 403);
    let body: Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(error_code(&body), "file_url_expired");
    // A link of test mode names test mode: it cannot be turned into a live one.
    let live = path.replace("mode=test", "mode=live");
    let body: Value = serde_json::from_str(&h.raw("GET", &live, None, &[], b"").body).unwrap();
    assert_eq!(error_code(&body), "file_url_invalid");
}

#[test]
fn the_account_schedule_changes_from_the_next_window() {
    let mut h = Harness::new();
    let (status, err) = h.call(
        "PATCH",
        "/v1/account",
        &h.sk(),
        json!({"settlement": {"schedule": {"interval": "weekly"}}}),
    );
    assert_eq!(
        (status, err["error"]["param"].as_str()),
        (400, Some("settlement.schedule.weeklyAnchor"))
    );
    let (status, err) = h.call(
        "PATCH",
        "/v1/account",
        &h.sk(),
        json!({"bankAccount": {"accountHolderName": "A", "iban": "DE89370400440532013001"}}),
    );
    assert_eq!(
        (status, err["error"]["param"].as_str()),
        (400, Some("bankAccount.iban"))
    );
    h.pay(VISA, 10_000, json!({}));
    let account = h.ok(
        "PATCH",
        "/v1/account",
        json!({
            "businessName": "Rosa's Bakery",
            "settlement": {"schedule": {"interval": "weekly", "weeklyAnchor": "monday"}},
            "bankAccount": {"accountHolderName": "Rosa", "iban": "DE89 3704 0044 0532 0130 00"}
        }),
    );
    assert_eq!(account["businessName"], "Rosa's Bakery");
    assert_eq!(
        account["bankAccount"],
        json!({"accountHolderName": "Rosa", "country": "DE", "last4": "3000"})
    );
    assert_eq!(
        account["settlement"]["schedule"]["interval"], "daily",
        "until this window closes"
    );
    assert_eq!(account["settlement"]["nextSchedule"]["anchor"], "monday");
    h.advance(DAY);
    assert_eq!(
        h.ok("GET", "/v1/settlements", Value::Null)["data"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    let account = h.ok("GET", "/v1/account", Value::Null);
    assert_eq!(account["settlement"]["schedule"]["interval"], "weekly");
    assert_eq!(account["settlement"]["nextSchedule"], Value::Null);
    // Only Owners and Administrators change the account; Developers and Analysts read it.
    for (role, can_read, can_write) in [
        ("developer", true, false),
        ("analyst", true, false),
        ("support", false, false),
        ("administrator", true, true),
    ] {
        let key = h.key_for(role);
        assert_eq!(
            h.call("GET", "/v1/account", &key, Value::Null).0 == 200,
            can_read,
            "{role}"
        );
        let (status, _) = h.call("PATCH", "/v1/account", &key, json!({"businessName": "X"}));
        assert_eq!(status == 200, can_write, "{role}");
    }
}

#[test]
fn a_failed_payout_returns_to_the_balance_and_pays_again() {
    let mut h = Harness::new();
    h.pay(VISA, 30_000, json!({}));
    h.advance(DAY);
    let payout = h.ok("GET", "/v1/payouts", Value::Null)["data"][0].clone();
    let id = payout["id"].as_str().unwrap();
    assert_eq!(payout["status"], "pending");
    let failed = h.ok(
        "POST",
        &format!("/v1/test_helpers/payouts/{id}/fail"),
        json!({}),
    );
    assert_eq!(
        (failed["status"].as_str(), failed["failureReason"].as_str()),
        (Some("failed"), Some("stale_bank_details"))
    );
    let (status, err) = h.post(&format!("/v1/test_helpers/payouts/{id}/fail"), json!({}));
    assert_eq!((status, error_code(&err)), (400, "payout_already_failed"));
    assert_eq!(h.all("/v1/events?type=payout.failed", 3).len(), 1);
    h.advance(5 * DAY);
    let payouts = h.all("/v1/payouts", 3);
    assert_eq!(payouts.len(), 2);
    assert_eq!(payouts[0]["amount"], payout["amount"]);
    assert_eq!(payouts[0]["status"], "paid");
    let live = h.live_sk();
    let (status, err) = h.call(
        "POST",
        &format!("/v1/test_helpers/payouts/{id}/fail"),
        &live,
        json!({}),
    );
    assert_eq!((status, error_code(&err)), (403, "test_mode_only"));
    // Mode isolation: test mode's settlements and payouts do not exist in live mode.
    assert_eq!(
        h.call("GET", &format!("/v1/payouts/{id}"), &live, Value::Null)
            .0,
        404
    );
    assert_eq!(
        h.call("GET", "/v1/settlements", &live, Value::Null).1["data"],
        json!([])
    );
}

#[test]
fn the_books_replay_to_the_same_settlements_after_a_restore() {
    let config = SandboxConfig {
        record_changes: true,
        rate_limit: None,
    };
    let mut h = Harness::with_config(config.clone(), 5);
    for day in 0..5 {
        let (_, pay) = h.pay(VISA, 5_000 + day, json!({}));
        if day == 2 {
            h.ok(
                "POST",
                "/v1/refunds",
                json!({"payment": pay["id"], "amount": 100}),
            );
        }
        h.advance(DAY / 2);
    }
    h.ok(
        "PATCH",
        "/v1/account",
        json!({"settlement": {"schedule": {"interval": "monthly", "monthlyAnchor": 1}}}),
    );
    h.advance(4 * DAY);
    let before = (
        h.all("/v1/settlements", 3),
        h.all("/v1/payouts", 3),
        h.ok("GET", "/v1/account", Value::Null),
    );
    let batches: Vec<&[u8]> = h.batches.iter().map(|b| b.bytes.as_slice()).collect();
    let reopened = Sandbox::restore(config, None, batches.iter().copied()).unwrap();
    assert_eq!(reopened.snapshot(), h.sandbox.snapshot());
    h.sandbox = reopened;
    let after = (
        h.all("/v1/settlements", 3),
        h.all("/v1/payouts", 3),
        h.ok("GET", "/v1/account", Value::Null),
    );
    assert_eq!(before, after);
    // And they go on identically: new activity gets the ids the original would have given.
    h.pay(VISA, 7_000, json!({}));
    h.advance(40 * DAY);
    assert!(h.all("/v1/settlements", 3).len() > before.0.len());
}

#[test]
fn reporting_figures_equal_the_settlements_and_exports_list_every_object() {
    let mut h = Harness::new();
    let mut ok = 0;
    for day in 0..4 {
        let (_, pay) = h.pay(VISA, 12_345 + day, json!({}));
        ok += 1;
        if day == 1 {
            h.ok(
                "POST",
                "/v1/refunds",
                json!({"payment": pay["id"], "amount": 2_000}),
            );
        }
        if day == 2 {
            let id = pay["id"].as_str().unwrap().to_owned();
            h.ok(
                "POST",
                &format!("/v1/test_helpers/payments/{id}/dispute"),
                json!({"amount": 5_000}),
            );
        }
        let (status, _) = h.pay("4000000000000002", 999, json!({}));
        assert_eq!(status, 402);
        h.advance(DAY);
    }
    let (status, _) = h.pay("4000000000009995", 500, json!({}));
    assert_eq!(status, 402);
    let settlements = h.all("/v1/settlements", 3);
    let sum = |field: &str| -> i64 {
        settlements
            .iter()
            .map(|s| s["summary"][field].as_i64().unwrap())
            .sum()
    };
    let first = settlements.last().unwrap()["periodStart"]
        .as_str()
        .unwrap()
        .to_owned();
    let end = settlements[0]["periodEnd"].as_str().unwrap().to_owned();
    let report = h.ok(
        "GET",
        &format!("/v1/reporting/summary?from={first}&to={end}&currency=EUR"),
        Value::Null,
    );
    assert_eq!(report["grossVolume"], sum("grossPayments"));
    assert_eq!(report["refunds"], sum("refunds"));
    assert_eq!(report["disputes"], sum("disputes"));
    assert_eq!(report["fees"], sum("fees"));
    assert_eq!(report["netVolume"], sum("net"));
    assert_eq!(report["successfulPayments"], ok);
    assert_eq!(report["failedPayments"], 4);
    assert_eq!(report["successRate"], "0.5000");
    // The whole range also counts the decline made after the last window.
    let all_time = h.ok("GET", "/v1/reporting/summary", Value::Null);
    assert_eq!(
        all_time["declinesByReason"],
        json!({"card_declined": 4, "insufficient_funds": 1})
    );
    let (status, err) = h.get(&format!("/v1/reporting/summary?from={end}&to={first}"));
    assert_eq!((status, err["error"]["param"].as_str()), (400, Some("to")));

    // Exports: a header and one CRLF row per object, with the list's filters.
    let r = h.raw(
        "GET",
        "/v1/reporting/export?view=payments&status=failed",
        Some(&h.sk()),
        &[],
        b"",
    );
    assert_eq!(r.status, 200);
    let csv = String::from_utf8(r.bytes.unwrap()).unwrap();
    let lines: Vec<&str> = csv.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert!(lines[0].starts_with("id,createdAt,status,amount"));
    assert_eq!(lines.len(), 1 + 5);
    assert!(lines[1..].iter().all(|l| l.contains(",failed,")));
    let r = h.raw(
        "GET",
        "/v1/reporting/export?view=events",
        Some(&h.sk()),
        &[],
        b"",
    );
    let rows = String::from_utf8(r.bytes.unwrap())
        .unwrap()
        .matches("\r\n")
        .count()
        - 1;
    assert_eq!(
        rows,
        h.all("/v1/events", 3).len(),
        "more than one page, all of it"
    );
    let (status, err) = h.get("/v1/reporting/export?view=payouts");
    assert_eq!(
        (status, err["error"]["param"].as_str()),
        (400, Some("view"))
    );
    let (status, err) = h.get("/v1/reporting/export?view=refunds&limit=5");
    assert_eq!(
        (status, err["error"]["param"].as_str()),
        (400, Some("limit"))
    );
    // An Analyst reads reporting, but not the events an export would show.
    let analyst = h.key_for("analyst");
    assert_eq!(
        h.call("GET", "/v1/reporting/summary", &analyst, Value::Null)
            .0,
        200
    );
    assert_eq!(
        h.raw(
            "GET",
            "/v1/reporting/export?view=events",
            Some(&analyst),
            &[],
            b""
        )
        .status,
        403
    );
}

#[test]
fn every_money_route_keeps_the_modes_apart() {
    let mut h = Harness::new();
    h.pay(VISA, 30_000, json!({}));
    h.advance(DAY);
    let s = h.ok("GET", "/v1/settlements", Value::Null)["data"][0].clone();
    let (setl, po) = (s["id"].as_str().unwrap(), s["payout"].as_str().unwrap());
    h.ok("PATCH", "/v1/account", json!({"businessName": "Test Co"}));
    let live = h.live_sk();
    for path in [
        format!("/v1/settlements/{setl}"),
        format!("/v1/settlements/{setl}/transactions"),
        format!("/v1/settlements/{setl}/statement"),
        format!("/v1/payouts/{po}"),
    ] {
        let (status, err) = h.call("GET", &path, &live, Value::Null);
        assert_eq!(
            (status, error_code(&err)),
            (404, "resource_missing"),
            "{path}"
        );
    }
    for path in ["/v1/settlements", "/v1/payouts"] {
        assert_eq!(
            h.call("GET", path, &live, Value::Null).1["data"],
            json!([]),
            "{path}"
        );
    }
    let live_account = h.call("GET", "/v1/account", &live, Value::Null).1;
    assert_eq!(
        (
            live_account["businessName"].as_str(),
            live_account["livemode"].as_bool()
        ),
        (Some("Sandbox Business"), Some(true))
    );
    let report = h.call("GET", "/v1/reporting/summary", &live, Value::Null).1;
    assert_eq!(report["grossVolume"], 0);
    // A test link does not open with the mode changed to live (checked in the link test), and
    // a live export lists no test object.
    let r = h.raw(
        "GET",
        "/v1/reporting/export?view=settlements",
        Some(&live),
        &[],
        b"",
    );
    assert_eq!(
        String::from_utf8(r.bytes.unwrap())
            .unwrap()
            .matches("\r\n")
            .count(),
        1
    );
}

#[test]
fn other_currencies_convert_at_reference_rates_or_settle_in_themselves() {
    let mut h = Harness::new();
    let pm = h.card(VISA);
    for (amount, currency) in [(10_000, "USD"), (5_000, "BRL"), (8_000, "EUR")] {
        let (status, pay) = h.post(
            "/v1/payments",
            json!({"amount": amount, "currency": currency, "paymentMethod": pm}),
        );
        assert_eq!(status, 200, "{pay}");
    }
    h.advance(DAY);
    let settlements = h.all("/v1/settlements", 3);
    let eur = settlements.iter().find(|s| s["currency"] == "EUR").unwrap();
    // USD converted at 1/1.08 into EUR, with the spread as its own line.
    assert_eq!(eur["conversions"][0]["fromCurrency"], "USD");
    assert!(eur["summary"]["conversion"].as_i64().unwrap() < 0);
    let brl = settlements.iter().find(|s| s["currency"] == "BRL").unwrap();
    assert_eq!(brl["summary"]["grossPayments"], 5_000);
    let (status, err) = h.call(
        "PATCH",
        "/v1/account",
        &h.sk(),
        json!({"payoutCurrency": "BRL"}),
    );
    assert_eq!(
        (status, err["error"]["param"].as_str()),
        (400, Some("payoutCurrency"))
    );
    h.ok("PATCH", "/v1/account", json!({"payoutCurrency": "GBP"}));
    h.advance(DAY);
    h.pay(VISA, 9_000, json!({}));
    h.advance(DAY);
    assert_eq!(
        h.ok("GET", "/v1/settlements", Value::Null)["data"][0]["currency"],
        "GBP"
    );
}
