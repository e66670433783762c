//! Engine scenarios, each a rule of seed 004.

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use rust_decimal::Decimal;

use crate::currency::Currency;
use crate::error::FieldError;
use crate::host::SeededRandom;
use crate::money::Money;
use crate::settlement::*;

pub(crate) fn t(y: i32, m: u32, d: u32, h: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, 0, 0).unwrap()
}

pub(crate) fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn eur(a: i64) -> Money {
    Money::new(a, Currency::EUR)
}

fn established(currency: Currency) -> AccountConfig {
    let mut c = AccountConfig::new(currency);
    c.maturity = Maturity::Established;
    c
}

fn no_fees() -> FeeModel {
    FeeModel {
        percent: Decimal::ZERO,
        fixed: 0,
        dispute_fee: 0,
    }
}

/// Seed 004's example settlement, figure for figure.
fn seed_example(rng: &mut SeededRandom) -> Engine {
    let mut c = established(Currency::EUR);
    c.default_fees = FeeModel {
        percent: Decimal::new(29, 1),
        fixed: 232,
        dispute_fee: 1500,
    };
    let mut e = Engine::new(c, t(2026, 4, 15, 0)).unwrap();
    e.record_payment(rng, "pay_8KQ2vR1aJx", eur(482_000), t(2026, 4, 15, 10))
        .unwrap();
    e.record_refund(
        rng,
        "re_00000001",
        "pay_8KQ2vR1aJx",
        eur(31_500),
        t(2026, 4, 15, 11),
    )
    .unwrap();
    e.open_dispute(
        rng,
        "dp_00000001",
        "pay_8KQ2vR1aJx",
        eur(10_500),
        t(2026, 4, 15, 12),
    )
    .unwrap();
    e
}

#[test]
fn seed_004_summary_exactly() {
    let mut rng = SeededRandom::new(1);
    let mut e = seed_example(&mut rng);
    e.advance_to(&mut rng, t(2026, 4, 16, 0)).unwrap();
    let s = &e.settlements()[0];
    assert_eq!(
        serde_json::to_string(&s.summary).unwrap(),
        r#"{"currency":"EUR","grossPayments":482000,"refunds":-31500,"disputes":-12000,"fees":-14210,"net":424290}"#
    );
    assert_eq!(s.object, "settlement");
    assert!(s.id.as_str().starts_with("setl_"));
    // Wednesday's window pays out T+2: Friday.
    assert_eq!(s.payout_date, d(2026, 4, 17));
    let types: Vec<(&str, i64)> = s
        .entries
        .iter()
        .map(|x| (x.entry_type.as_str(), x.amount))
        .collect();
    assert_eq!(
        types,
        [
            ("payment", 482_000),
            ("fee", -14_210),
            ("refund", -31_500),
            ("dispute", -10_500),
            ("dispute_fee", -1_500)
        ]
    );
    let json = serde_json::to_value(s).unwrap();
    for key in [
        "id",
        "object",
        "currency",
        "periodStart",
        "periodEnd",
        "payoutDate",
        "summary",
        "entries",
    ] {
        assert!(json.get(key).is_some(), "{key}");
    }
    assert_eq!(json["entries"][0]["type"], "payment");
    assert_eq!(json["entries"][0]["source"], "pay_8KQ2vR1aJx");
    assert_eq!(json["periodStart"], "2026-04-15T00:00:00Z");
    let events = e.take_events();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].event_type, "settlement.created");
    // The payout is pending until Friday, then paid.
    let po = e.payouts()[0].clone();
    assert_eq!((po.amount, po.status), (424_290, PayoutStatus::Pending));
    e.advance_to(&mut rng, t(2026, 4, 17, 9)).unwrap();
    let events = e.take_events();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].event_type, "payout.paid");
    let data = serde_json::to_value(&events[0].data).unwrap();
    assert_eq!(data["id"], po.id.as_str());
    assert_eq!(data["amount"], 424_290);
    assert_eq!(data["object"], "payout");
    assert_eq!(data["status"], "paid");
}

#[test]
fn weekend_settlements_roll_into_one_payout() {
    let mut rng = SeededRandom::new(2);
    let mut c = established(Currency::EUR);
    c.default_fees = no_fees();
    let mut e = Engine::new(c, t(2026, 4, 10, 0)).unwrap();
    // Friday, Saturday, Sunday.
    e.record_payment(&mut rng, "pay_fri00001", eur(10_000), t(2026, 4, 10, 9))
        .unwrap();
    e.record_payment(&mut rng, "pay_sat00001", eur(20_000), t(2026, 4, 11, 9))
        .unwrap();
    e.record_payment(&mut rng, "pay_sun00001", eur(30_000), t(2026, 4, 12, 9))
        .unwrap();
    e.run_until(&mut rng, d(2026, 4, 13)).unwrap();
    assert_eq!(e.settlements().len(), 3);
    for s in e.settlements() {
        assert_eq!(
            s.payout_date,
            d(2026, 4, 14),
            "T+2 of Fri, Sat and Sun is Tuesday"
        );
    }
    assert_eq!(e.payouts().len(), 1);
    let po = &e.payouts()[0];
    assert_eq!(po.amount, 60_000);
    assert_eq!(po.settlements.len(), 3);
    assert_eq!(po.arrival_date, d(2026, 4, 14));
}

#[test]
fn holidays_of_the_payout_currency_move_the_date() {
    let mut rng = SeededRandom::new(3);
    let mut e = Engine::new(established(Currency::EUR), t(2026, 4, 2, 0)).unwrap();
    e.record_payment(&mut rng, "pay_easter01", eur(50_000), t(2026, 4, 2, 9))
        .unwrap();
    e.run_until(&mut rng, d(2026, 4, 3)).unwrap();
    // Maundy Thursday + 2 TARGET days: Good Friday and Easter Monday are closed → Wed 8.
    assert_eq!(e.settlements()[0].payout_date, d(2026, 4, 8));
    let mut e = Engine::new(established(Currency::GBP), t(2026, 12, 24, 0)).unwrap();
    e.record_payment(
        &mut rng,
        "pay_xmas0001",
        Money::new(50_000, Currency::GBP),
        t(2026, 12, 24, 9),
    )
    .unwrap();
    e.run_until(&mut rng, d(2026, 12, 25)).unwrap();
    // Thu 24 Dec + 2: Christmas (Fri), Boxing Day substitute (Mon 28) → Tue 29, Wed 30.
    assert_eq!(e.settlements()[0].payout_date, d(2026, 12, 30));
}

#[test]
fn new_accounts_wait_t_plus_7_until_mature() {
    let mut rng = SeededRandom::new(4);
    let mut c = AccountConfig::new(Currency::EUR);
    c.default_fees = no_fees();
    let mut e = Engine::new(c, t(2026, 3, 2, 0)).unwrap();
    assert!(!e.is_mature());
    // Monday 2 March: T+7 business days → Wednesday 11 March.
    e.record_payment(&mut rng, "pay_new00001", eur(5_000), t(2026, 3, 2, 9))
        .unwrap();
    let tr = e.track("pay_new00001").unwrap();
    assert_eq!(tr.expected_payout_date, Some(d(2026, 3, 11)));
    e.run_until(&mut rng, d(2026, 3, 3)).unwrap();
    assert_eq!(e.settlements()[0].payout_date, d(2026, 3, 11));
    let tr = e.track("pay_new00001").unwrap();
    assert_eq!(tr.settlements, vec![e.settlements()[0].id.clone()]);
    assert_eq!(tr.expected_payout_date, Some(d(2026, 3, 11)));
    // One payment a day for 35 days: 10 settlements and 30 days of age → mature.
    let mut day = d(2026, 3, 3);
    let mut n = 0;
    let mut dates = Vec::new();
    while day < d(2026, 4, 7) {
        n += 1;
        let id = format!("pay_day{n:05}");
        e.record_payment(
            &mut rng,
            &id,
            eur(5_000),
            day.and_hms_opt(9, 0, 0).unwrap().and_utc(),
        )
        .unwrap();
        day = day.succ_opt().unwrap();
        e.run_until(&mut rng, day).unwrap();
        dates.push((
            day,
            e.settlements().last().unwrap().payout_date,
            e.is_mature(),
        ));
    }
    assert!(e.is_mature());
    // Window of 31 March closes 1 April: 30 days after 2 March, → configured T+2.
    let first_mature = dates.iter().find(|(_, _, m)| *m).unwrap();
    assert_eq!(first_mature.0, d(2026, 4, 1));
    // Tue 31 March + 2 = Thu 2 April.
    assert_eq!(first_mature.1, d(2026, 4, 2));
    // The window before still waited seven business days.
    let before = dates.iter().rev().find(|(_, _, m)| !*m).unwrap();
    assert_eq!(before.0, d(2026, 3, 31));
    // Mon 30 March + 7 TARGET days (Good Friday, Easter Monday closed) = Fri 10 April.
    assert_eq!(before.1, d(2026, 4, 10));
}

#[test]
fn below_minimum_rolls_forward_until_met() {
    let mut rng = SeededRandom::new(5);
    let mut c = established(Currency::EUR);
    c.default_fees = no_fees();
    let mut e = Engine::new(c, t(2026, 4, 13, 0)).unwrap();
    e.record_payment(&mut rng, "pay_small001", eur(600), t(2026, 4, 13, 9))
        .unwrap();
    e.run_until(&mut rng, d(2026, 4, 14)).unwrap();
    let s1 = e.settlements()[0].clone();
    assert_eq!(s1.summary.net, 0);
    assert_eq!(s1.summary.carried_out, Some(-600));
    assert_eq!(s1.payout, None);
    assert_eq!(e.carried_forward(Currency::EUR), 600);
    e.record_payment(&mut rng, "pay_small002", eur(500), t(2026, 4, 14, 9))
        .unwrap();
    e.run_until(&mut rng, d(2026, 4, 15)).unwrap();
    let s2 = e.settlements()[1].clone();
    assert_eq!(s2.summary.carried_in, Some(600));
    assert_eq!(s2.summary.net, 1_100);
    let carry = s2
        .entries
        .iter()
        .find(|x| x.entry_type == EntryType::CarryForward)
        .unwrap();
    assert_eq!(carry.source, s1.id);
    assert_eq!(e.payouts()[0].amount, 1_100);
    assert_eq!(e.carried_forward(Currency::EUR), 0);
}

#[test]
fn negative_balance_rolls_forward_too() {
    let mut rng = SeededRandom::new(6);
    let mut c = established(Currency::EUR);
    c.default_fees = no_fees();
    let mut e = Engine::new(c, t(2026, 4, 13, 0)).unwrap();
    e.record_payment(&mut rng, "pay_refund01", eur(5_000), t(2026, 4, 13, 9))
        .unwrap();
    e.run_until(&mut rng, d(2026, 4, 14)).unwrap();
    e.record_refund(
        &mut rng,
        "re_refund001",
        "pay_refund01",
        eur(5_000),
        t(2026, 4, 14, 9),
    )
    .unwrap();
    e.run_until(&mut rng, d(2026, 4, 15)).unwrap();
    assert_eq!(e.settlements()[1].summary.net, 0);
    assert_eq!(e.carried_forward(Currency::EUR), -5_000);
}

#[test]
fn dispute_hold_and_win() {
    let mut rng = SeededRandom::new(7);
    let mut c = established(Currency::EUR);
    c.default_fees = FeeModel {
        percent: Decimal::ZERO,
        fixed: 0,
        dispute_fee: 1_500,
    };
    let mut e = Engine::new(c, t(2026, 4, 13, 0)).unwrap();
    e.record_payment(&mut rng, "pay_disp0001", eur(20_000), t(2026, 4, 13, 9))
        .unwrap();
    e.run_until(&mut rng, d(2026, 4, 14)).unwrap();
    e.open_dispute(
        &mut rng,
        "dp_disp00001",
        "pay_disp0001",
        eur(8_000),
        t(2026, 4, 14, 9),
    )
    .unwrap();
    e.record_payment(&mut rng, "pay_disp0002", eur(20_000), t(2026, 4, 14, 10))
        .unwrap();
    e.run_until(&mut rng, d(2026, 4, 15)).unwrap();
    assert_eq!(e.settlements()[1].summary.disputes, -9_500);
    assert_eq!(e.settlements()[1].summary.net, 10_500);
    e.resolve_dispute(
        &mut rng,
        "dp_disp00001",
        DisputeOutcome::Won,
        t(2026, 4, 20, 9),
    )
    .unwrap();
    let err = e
        .resolve_dispute(
            &mut rng,
            "dp_disp00001",
            DisputeOutcome::Lost,
            t(2026, 4, 20, 9),
        )
        .unwrap_err();
    assert_eq!(err.code(), "dispute_already_resolved");
    e.run_until(&mut rng, d(2026, 4, 21)).unwrap();
    let s = e.settlements().last().unwrap();
    assert_eq!(s.summary.disputes, 9_500);
    assert_eq!(s.entries[0].entry_type, EntryType::DisputeReversal);
    let tr = e.track("dp_disp00001").unwrap();
    assert_eq!(tr.settlements.len(), 2);
}

#[test]
fn refunds_and_disputes_never_exceed_the_payment() {
    let mut rng = SeededRandom::new(8);
    let mut e = Engine::new(established(Currency::EUR), t(2026, 4, 13, 0)).unwrap();
    e.record_payment(&mut rng, "pay_cap00001", eur(10_000), t(2026, 4, 13, 9))
        .unwrap();
    e.record_refund(
        &mut rng,
        "re_cap000001",
        "pay_cap00001",
        eur(6_000),
        t(2026, 4, 13, 9),
    )
    .unwrap();
    let err = e
        .open_dispute(
            &mut rng,
            "dp_cap000001",
            "pay_cap00001",
            eur(4_001),
            t(2026, 4, 13, 9),
        )
        .unwrap_err();
    assert_eq!(
        (err.field(), err.code()),
        ("amount", "amount_exceeds_payment")
    );
    assert!(err.to_string().contains("4000"), "{err}");
    e.open_dispute(
        &mut rng,
        "dp_cap000001",
        "pay_cap00001",
        eur(4_000),
        t(2026, 4, 13, 9),
    )
    .unwrap();
    let err = e
        .record_refund(
            &mut rng,
            "re_cap000002",
            "pay_cap00001",
            eur(1),
            t(2026, 4, 13, 9),
        )
        .unwrap_err();
    assert_eq!(err.code(), "amount_exceeds_payment");
}

#[test]
fn bad_input_names_the_field() {
    let mut rng = SeededRandom::new(9);
    let mut e = Engine::new(established(Currency::EUR), t(2026, 4, 13, 12)).unwrap();
    let at = t(2026, 4, 13, 12);
    let cases: Vec<(Result<(), SettlementError>, &str, &str)> = vec![
        (
            e.record_payment(&mut rng, "re_12345678", eur(1), at),
            "id",
            "id_invalid",
        ),
        (
            e.record_payment(&mut rng, "pay_1", eur(1), at),
            "id",
            "id_invalid",
        ),
        (
            e.record_payment(&mut rng, "pay_12345678", eur(0), at),
            "amount",
            "amount_not_positive",
        ),
        (
            e.record_payment(&mut rng, "pay_12345678", eur(-5), at),
            "amount",
            "amount_not_positive",
        ),
        (
            e.record_payment(&mut rng, "pay_12345678", eur(5), t(2026, 4, 13, 11)),
            "capturedAt",
            "activity_before_clock",
        ),
        (
            e.record_refund(&mut rng, "re_12345678", "pay_87654321", eur(1), at),
            "paymentId",
            "resource_missing",
        ),
        (
            e.fail_payout(&mut rng, "po_12345678", "x", at),
            "id",
            "resource_missing",
        ),
    ];
    for (res, field, code) in cases {
        let err = res.unwrap_err();
        assert_eq!((err.field(), err.code()), (field, code), "{err}");
        assert_eq!(err.to_api_error().param.as_deref(), Some(field));
    }
    e.record_payment(&mut rng, "pay_12345678", eur(5_000), at)
        .unwrap();
    let err = e
        .record_payment(&mut rng, "pay_12345678", eur(5_000), at)
        .unwrap_err();
    assert_eq!(err.code(), "id_duplicate");
    let err = e
        .record_refund(
            &mut rng,
            "re_12345678",
            "pay_12345678",
            Money::new(1, Currency::USD),
            at,
        )
        .unwrap_err();
    assert_eq!((err.field(), err.code()), ("currency", "currency_mismatch"));
    let err = e.advance_to(&mut rng, t(2026, 4, 13, 11)).unwrap_err();
    assert_eq!(err.field(), "to");
}

#[test]
fn foreign_currency_converts_with_a_distinct_spread_line() {
    let mut rng = SeededRandom::new(10);
    let mut c = established(Currency::EUR);
    c.default_fees = no_fees();
    c.fx_spread = Decimal::new(2, 2);
    let mut e = Engine::new(c, t(2026, 4, 13, 0)).unwrap();
    e.record_payment(
        &mut rng,
        "pay_usd00001",
        Money::new(10_001, Currency::USD),
        t(2026, 4, 13, 9),
    )
    .unwrap();
    e.record_payment(&mut rng, "pay_eur00001", eur(5_000), t(2026, 4, 13, 9))
        .unwrap();
    // No rate yet: the window cannot close and nothing changes.
    let err = e.run_until(&mut rng, d(2026, 4, 14)).unwrap_err();
    assert_eq!(err.code(), "fx_rate_missing");
    assert!(e.settlements().is_empty());
    assert_eq!(e.pending(Currency::EUR).get(&Currency::USD), Some(&10_001));
    e.fx_mut()
        .set_rate(
            Currency::USD,
            Currency::EUR,
            d(2026, 4, 13),
            Decimal::new(9, 1),
        )
        .unwrap();
    e.run_until(&mut rng, d(2026, 4, 14)).unwrap();
    let s = &e.settlements()[0];
    // 10001 × 0.9 = 9000.9 → 9000; spread 2% of 9000 = 180.
    assert_eq!(s.summary.gross_payments, 14_000);
    assert_eq!(s.summary.conversion, Some(-180));
    assert_eq!(s.summary.net, 13_820);
    let conv = &s.conversions[0];
    assert_eq!(
        (
            conv.from_currency,
            conv.original_amount,
            conv.converted_amount,
            conv.fee
        ),
        (Currency::USD, 10_001, 9_000, -180)
    );
    assert_eq!(conv.rate, Decimal::new(9, 1));
    let usd = &s.entries[0];
    assert_eq!(usd.currency, Currency::EUR);
    assert_eq!(usd.original_amount(), (10_001, Currency::USD));
    let json = serde_json::to_value(s).unwrap();
    assert_eq!(json["summary"]["conversion"], -180);
    assert_eq!(json["conversions"][0]["rate"], "0.9");
}

#[test]
fn held_currency_settles_separately_without_conversion() {
    let mut rng = SeededRandom::new(11);
    let mut c = established(Currency::EUR);
    c.default_fees = no_fees();
    c.payout_currencies.insert(Currency::USD, Currency::USD);
    let mut e = Engine::new(c, t(2026, 11, 25, 0)).unwrap();
    e.record_payment(
        &mut rng,
        "pay_usd00001",
        Money::new(10_000, Currency::USD),
        t(2026, 11, 25, 9),
    )
    .unwrap();
    e.record_payment(&mut rng, "pay_eur00001", eur(10_000), t(2026, 11, 25, 9))
        .unwrap();
    e.run_until(&mut rng, d(2026, 11, 26)).unwrap();
    let s: Vec<_> = e
        .settlements()
        .iter()
        .map(|s| (s.currency, s.payout_date, s.summary.net))
        .collect();
    // Wed 25 November + 2: EUR → Fri 27; USD skips Thanksgiving (Thu 26) → Mon 30.
    assert_eq!(
        s,
        [
            (Currency::EUR, d(2026, 11, 27), 10_000),
            (Currency::USD, d(2026, 11, 30), 10_000)
        ]
    );
    assert!(e.settlements().iter().all(|s| s.conversions.is_empty()));
    assert_eq!(e.payouts().len(), 2);
}

#[test]
fn rolling_reserve_holds_and_releases() {
    let mut rng = SeededRandom::new(12);
    let mut c = established(Currency::EUR);
    c.default_fees = no_fees();
    c.reserve = Some(ReserveConfig {
        percent: Decimal::new(5, 0),
        hold_days: 90,
    });
    let mut e = Engine::new(c, t(2026, 1, 5, 0)).unwrap();
    e.record_payment(&mut rng, "pay_res00001", eur(100_001), t(2026, 1, 5, 9))
        .unwrap();
    e.run_until(&mut rng, d(2026, 1, 6)).unwrap();
    let s1 = e.settlements()[0].clone();
    // 5% of 100001 = 5000.05 → 5000.
    assert_eq!(s1.summary.reserve_held, Some(-5_000));
    assert_eq!(s1.summary.net, 95_001);
    let r = e.reserve(Currency::EUR).unwrap();
    assert_eq!(
        serde_json::to_string(&r).unwrap(),
        r#"{"type":"rolling","percent":"5","holdDays":90,"currentlyHeld":5000}"#
    );
    // Released in the window ending on or after 6 Jan + 90 days = 6 April, with no activity.
    e.run_until(&mut rng, d(2026, 4, 5)).unwrap();
    assert_eq!(e.settlements().len(), 1);
    e.run_until(&mut rng, d(2026, 4, 6)).unwrap();
    let s2 = e.settlements().last().unwrap();
    assert_eq!(s2.summary.reserve_released, Some(5_000));
    assert_eq!(s2.entries[0].source, s1.id);
    assert_eq!(e.reserve(Currency::EUR).unwrap().currently_held, 0);
}

#[test]
fn failed_payout_returns_the_money() {
    let mut rng = SeededRandom::new(13);
    let mut c = established(Currency::EUR);
    c.default_fees = no_fees();
    c.bank_details_stale = true;
    let mut e = Engine::new(c, t(2026, 4, 13, 0)).unwrap();
    e.record_payment(&mut rng, "pay_fail0001", eur(30_000), t(2026, 4, 13, 9))
        .unwrap();
    e.advance_to(&mut rng, t(2026, 4, 15, 12)).unwrap();
    let po = e.payouts()[0].clone();
    assert_eq!(po.status, PayoutStatus::Failed);
    assert_eq!(po.failure_reason.as_deref(), Some("stale_bank_details"));
    let kinds: Vec<String> = e
        .take_events()
        .into_iter()
        .map(|ev| ev.event_type)
        .collect();
    assert_eq!(kinds, ["settlement.created", "payout.failed"]);
    // Fixed details: the returned money settles in the window of the failure day.
    e.set_bank_details_stale(false);
    e.run_until(&mut rng, d(2026, 4, 20)).unwrap();
    let s = e.settlements().last().unwrap();
    assert_eq!(s.summary.failed_payouts, Some(30_000));
    assert_eq!(s.entries[0].source, po.id);
    let last = e.payouts().last().unwrap().clone();
    assert_eq!((last.amount, last.status), (30_000, PayoutStatus::Paid));
    // An explicit failure of a paid payout.
    e.fail_payout(
        &mut rng,
        last.id.as_str(),
        "account_closed",
        t(2026, 4, 20, 1),
    )
    .unwrap();
    let err = e
        .fail_payout(&mut rng, last.id.as_str(), "again", t(2026, 4, 20, 1))
        .unwrap_err();
    assert_eq!(err.code(), "payout_already_failed");
}

#[test]
fn weekly_and_monthly_windows() {
    let mut rng = SeededRandom::new(14);
    let mut c = established(Currency::EUR);
    c.default_fees = no_fees();
    c.schedule = Schedule::weekly(WeeklyAnchor::Monday, 2).unwrap();
    let mut e = Engine::new(c, t(2026, 4, 13, 0)).unwrap();
    e.record_payment(&mut rng, "pay_week0001", eur(10_000), t(2026, 4, 14, 9))
        .unwrap();
    e.record_payment(&mut rng, "pay_week0002", eur(10_000), t(2026, 4, 19, 23))
        .unwrap();
    e.run_until(&mut rng, d(2026, 4, 19)).unwrap();
    assert!(e.settlements().is_empty());
    e.run_until(&mut rng, d(2026, 4, 20)).unwrap();
    let s = &e.settlements()[0];
    assert_eq!(s.period_start, t(2026, 4, 13, 0));
    assert_eq!(s.period_end, t(2026, 4, 20, 0));
    assert_eq!(s.summary.net, 20_000);
    // Sunday 19 April + 2 = Tuesday 21.
    assert_eq!(s.payout_date, d(2026, 4, 21));

    let mut c = established(Currency::EUR);
    c.default_fees = no_fees();
    c.schedule = Schedule::monthly(15, 2).unwrap();
    let mut e = Engine::new(c, t(2026, 4, 13, 0)).unwrap();
    e.record_payment(&mut rng, "pay_mon00001", eur(10_000), t(2026, 4, 13, 9))
        .unwrap();
    e.record_payment(&mut rng, "pay_mon00002", eur(10_000), t(2026, 4, 15, 9))
        .unwrap();
    e.run_until(&mut rng, d(2026, 5, 16)).unwrap();
    let p: Vec<_> = e
        .settlements()
        .iter()
        .map(|s| (s.period_end, s.payout_date))
        .collect();
    // 14 April (Tue) + 2 = Thu 16; 14 May (Thu, Ascension is not a TARGET holiday) + 2 = Mon 18.
    assert_eq!(
        p,
        [
            (t(2026, 4, 15, 0), d(2026, 4, 16)),
            (t(2026, 5, 15, 0), d(2026, 5, 18))
        ]
    );
}

#[test]
fn same_inputs_give_byte_identical_settlements() {
    let run = || {
        let mut rng = SeededRandom::new(42);
        let mut e = seed_example(&mut rng);
        e.advance_to(&mut rng, t(2026, 5, 1, 0)).unwrap();
        (
            serde_json::to_vec(e.settlements()).unwrap(),
            serde_json::to_vec(e.payouts()).unwrap(),
            serde_json::to_vec(&e.take_events()).unwrap(),
        )
    };
    assert_eq!(run(), run());
}

#[test]
fn settlement_json_round_trips() {
    let mut rng = SeededRandom::new(15);
    let mut e = seed_example(&mut rng);
    e.advance_to(&mut rng, t(2026, 4, 20, 0)).unwrap();
    for s in e.settlements() {
        let back: Settlement = serde_json::from_slice(&serde_json::to_vec(s).unwrap()).unwrap();
        assert_eq!(&back, s);
    }
    for p in e.payouts() {
        let back: Payout = serde_json::from_slice(&serde_json::to_vec(p).unwrap()).unwrap();
        assert_eq!(&back, p);
    }
}
