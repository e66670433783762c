//! The settlement engine driven through its public API the way the sandbox drives it: a JSON
//! account configuration, JSON activity, the clock advanced, settlements and payouts read
//! back as JSON. Payout dates are checked against dates taken from the published calendars
//! (ECB TARGET2 closing days, the Federal Reserve's holiday schedule, GOV.UK's bank holidays
//! for England and Wales).

use chrono::{DateTime, NaiveDate, Utc};
use vinr::currency::Currency;
use vinr::host::SeededRandom;
use vinr::settlement::{
    config_from_json, parse_activity, tracking, AccountConfig, Engine, EntryType, Settlement,
};

fn time(s: &str) -> DateTime<Utc> {
    s.parse().expect("test time")
}

fn date(s: &str) -> NaiveDate {
    s.parse().expect("test date")
}

fn engine(config: &str, start: &str) -> Engine {
    let config: AccountConfig = serde_json::from_str(config).expect("test config");
    Engine::new(config, time(start)).expect("valid config")
}

fn apply(e: &mut Engine, rng: &mut SeededRandom, json: &str) {
    let activity = parse_activity(json).expect("test activity");
    e.apply(rng, &activity).expect("accepted activity");
}

/// The payout date of a single payment captured at noon on `day`, on an established daily
/// T+2 account paying out in `currency`; also checks that `track` projected it beforehand.
fn payout_date(currency: &str, day: &str) -> NaiveDate {
    let mut rng = SeededRandom::new(1);
    let config = format!(
        r#"{{"payoutCurrency":"{currency}","maturity":{{"status":"established"}},"schedule":{{"interval":"daily","delayDays":2}}}}"#
    );
    let mut e = engine(&config, &format!("{day}T00:00:00Z"));
    let id = "pay_abcdefghijkl";
    apply(
        &mut e,
        &mut rng,
        &format!(
            r#"{{"type":"payment","id":"{id}","amount":100000,"currency":"{currency}","at":"{day}T12:00:00Z"}}"#
        ),
    );
    let projected = e.track(id).expect("tracked").expected_payout_date;
    let end = date(day) + chrono::Duration::days(20);
    e.run_until(&mut rng, end).expect("runs");
    let settled = e.settlements().first().expect("settled").payout_date;
    assert_eq!(projected, Some(settled), "{currency} {day}: projection");
    settled
}

#[test]
fn payout_dates_follow_the_payout_currencys_published_calendar() {
    let cases = [
        // TARGET: Good Friday and Easter Monday close (Easter 2025-04-20, 2026-04-05, 2027-03-28).
        ("EUR", "2025-04-18", "2025-04-23"),
        ("EUR", "2026-04-02", "2026-04-08"),
        ("EUR", "2026-04-03", "2026-04-08"),
        ("EUR", "2027-03-26", "2027-03-31"),
        // TARGET: 1 May, and 25/26 December.
        ("EUR", "2026-04-30", "2026-05-05"),
        ("EUR", "2026-12-23", "2026-12-28"),
        // Fed: Good Friday and Easter Monday are open.
        ("USD", "2026-04-03", "2026-04-07"),
        // Fed: Juneteenth (Friday 19 June 2026); 4 July 2026 is a Saturday and does not move.
        ("USD", "2026-06-18", "2026-06-23"),
        ("USD", "2026-07-02", "2026-07-06"),
        // Fed: 4 July 2027 is a Sunday, observed Monday 5 July.
        ("USD", "2027-07-01", "2027-07-06"),
        // England and Wales: Easter, the early May bank holiday (4 May 2026), and Boxing Day
        // 2026 on a Saturday with its substitute on Monday 28 December.
        ("GBP", "2026-04-03", "2026-04-08"),
        ("GBP", "2026-05-01", "2026-05-06"),
        ("GBP", "2026-12-24", "2026-12-30"),
        // Japan: Golden Week (Showa Day 29 April; 3–6 May 2026, with 6 May the substitute
        // for Constitution Memorial Day on a Sunday).
        ("JPY", "2026-04-28", "2026-05-01"),
        ("JPY", "2026-05-01", "2026-05-08"),
        // No calendar of ours: Monday to Friday.
        ("BRL", "2026-04-03", "2026-04-07"),
    ];
    for (currency, day, expected) in cases {
        assert_eq!(
            payout_date(currency, day),
            date(expected),
            "{currency} payment on {day}"
        );
    }
}

const CONFIG: &str = r#"{
  "payoutCurrency": "EUR",
  "schedule": {"interval": "daily", "delayDays": 2, "anchor": null},
  "maturity": {"status": "established"},
  "reserve": {"percent": "10", "holdDays": 5},
  "fxSpread": "0.02"
}"#;

/// A fortnight of activity as the sandbox would send it.
fn fortnight(seed: u64) -> Engine {
    let mut rng = SeededRandom::new(seed);
    let mut e = engine(CONFIG, "2026-03-30T00:00:00Z");
    e.fx_mut()
        .set_rate(
            Currency::USD,
            Currency::EUR,
            date("2026-03-01"),
            "0.92".parse().expect("rate"),
        )
        .expect("rate");
    let script = [
        (
            "2026-03-30T00:00:00Z",
            r#"{"type":"payment","id":"pay_mon000000001","amount":120000,"currency":"EUR","at":"2026-03-30T09:00:00Z"}"#,
        ),
        (
            "2026-03-30T00:00:00Z",
            r#"{"type":"payment","id":"pay_mon000000002","amount":50000,"currency":"USD","at":"2026-03-30T15:00:00Z"}"#,
        ),
        (
            "2026-03-31T00:00:00Z",
            r#"{"type":"refund","id":"re_tue0000000001","paymentId":"pay_mon000000001","amount":20000,"currency":"EUR","at":"2026-03-31T11:00:00Z"}"#,
        ),
        (
            "2026-03-31T00:00:00Z",
            r#"{"type":"dispute","id":"dp_tue0000000001","paymentId":"pay_mon000000002","amount":10000,"currency":"USD","at":"2026-03-31T12:00:00Z"}"#,
        ),
        (
            "2026-04-02T00:00:00Z",
            r#"{"type":"payment","id":"pay_thu000000001","amount":700,"currency":"EUR","at":"2026-04-02T10:00:00Z"}"#,
        ),
        (
            "2026-04-03T00:00:00Z",
            r#"{"type":"payment","id":"pay_fri000000001","amount":50000,"currency":"EUR","at":"2026-04-03T14:00:00Z"}"#,
        ),
        (
            "2026-04-07T00:00:00Z",
            r#"{"type":"dispute_resolution","id":"dp_tue0000000001","outcome":"won","at":"2026-04-07T10:00:00Z"}"#,
        ),
    ];
    for (clock, json) in script {
        e.advance_to(&mut rng, time(clock)).expect("advance");
        apply(&mut e, &mut rng, json);
    }
    let first_payout = e.payouts().first().expect("a payout").id.to_string();
    apply(
        &mut e,
        &mut rng,
        &format!(
            r#"{{"type":"payout_failure","id":"{first_payout}","reason":"stale_bank_details","at":"2026-04-07T12:00:00Z"}}"#
        ),
    );
    e.run_until(&mut rng, date("2026-04-30")).expect("runs");
    e
}

fn all_entries(
    settlements: &[Settlement],
) -> impl Iterator<Item = &vinr::settlement::BalanceEntry> {
    settlements.iter().flat_map(|s| s.entries.iter())
}

#[test]
fn a_fortnight_keeps_every_invariant() {
    let e = fortnight(9);
    let settlements = e.settlements();
    assert!(settlements.len() >= 6, "{}", settlements.len());
    for s in settlements {
        let total: i64 = s.entries.iter().map(|x| x.amount).sum();
        assert_eq!(total, s.summary.net, "{}", s.id);
        assert_eq!(s.summary.lines_total(), Some(s.summary.net), "{}", s.id);
        assert!(s.entries.iter().all(|x| x.source_matches_type()));
    }
    // No source settles twice (a settlement's own lines come back once, as carry-in/release).
    let mut seen = std::collections::BTreeSet::new();
    for x in
        all_entries(settlements).filter(|x| x.source.prefix() != vinr::ids::IdPrefix::Settlement)
    {
        assert!(
            seen.insert((x.source.clone(), x.entry_type)),
            "{} {:?}",
            x.source,
            x.entry_type
        );
    }
    // Conservation: activity = paid out + rolling forward + in the reserve.
    let activity: i64 = all_entries(settlements)
        .filter(|x| x.entry_type.is_activity() || x.entry_type == EntryType::Conversion)
        .map(|x| x.amount)
        .sum();
    let nets: i64 = settlements.iter().map(|s| s.summary.net).sum();
    let held = e.reserve(Currency::EUR).expect("reserve").currently_held;
    assert!(held >= 0);
    assert_eq!(activity, nets + e.carried_forward(Currency::EUR) + held);
    let paid: i64 = e.payouts().iter().map(|p| p.amount).sum();
    assert_eq!(paid, nets);
    // Payout dates are TARGET business days; Thursday's small day rolled into Good Friday's.
    let target = vinr::calendar::CalendarId::for_currency("EUR").expect("TARGET");
    assert!(settlements
        .iter()
        .all(|s| target.is_business_day(s.payout_date)));
    let thursday = e.track("pay_thu000000001").expect("tracked");
    assert_eq!(thursday.settlements.len(), 1);
    let rolled = e
        .settlement(thursday.settlements[0].as_str())
        .expect("settlement");
    assert_eq!(rolled.payout, None);
    // Tuesday's refund and dispute hold left a negative balance, so what rolls out of
    // Thursday is whatever nets there (either sign); Good Friday brings exactly it back.
    let out = rolled.summary.carried_out.expect("rolled forward");
    let paying = e
        .settlements()
        .iter()
        .find(|s| s.period_start.date_naive() == date("2026-04-03"))
        .expect("Good Friday settled");
    assert_eq!(paying.summary.carried_in, Some(-out));
    let friday = e.track("pay_fri000000001").expect("tracked");
    assert_eq!(friday.expected_payout_date, Some(date("2026-04-08")));
    // The failed payout's money came back and was paid again.
    let failed = e.payouts().first().expect("payout");
    assert!(all_entries(settlements)
        .any(|x| x.entry_type == EntryType::PayoutFailure && x.source == failed.id));
}

#[test]
fn the_same_inputs_give_byte_identical_json() {
    let a = serde_json::to_string(fortnight(3).settlements()).expect("json");
    let b = serde_json::to_string(fortnight(3).settlements()).expect("json");
    assert_eq!(a, b);
    let back: Vec<Settlement> = serde_json::from_str(&a).expect("round trip");
    assert_eq!(serde_json::to_string(&back).expect("json"), a);
}

#[test]
fn tracking_follows_a_payment_through_a_failed_payout_to_the_one_that_pays_it() {
    let e = fortnight(7);
    let direct = tracking::follow(&e, "pay_fri000000001").expect("tracked");
    assert_eq!(direct.status, "paid");
    assert_eq!(direct.settlements.len(), 1);
    assert!(direct.payout_id.is_some() && direct.expected_arrival.is_some());

    // Its first payout failed (the script's payout_failure); the money came back in a later
    // settlement, which paid it.
    let rerouted = tracking::follow(&e, "pay_mon000000001").expect("tracked");
    assert_eq!(rerouted.status, "paid");
    assert!(
        rerouted.settlements.len() >= 2,
        "{:?}",
        rerouted.settlements
    );
    assert_eq!(rerouted.currency, Some(Currency::EUR));
    let first = e.payouts().first().expect("a payout");
    assert_ne!(rerouted.payout_id.as_ref(), Some(&first.id));

    assert!(tracking::follow(&e, "pay_unknown00000").is_err());
}

#[test]
fn tracking_projects_an_unsettled_payment() {
    let mut rng = SeededRandom::new(3);
    let mut e = engine(CONFIG, "2026-03-30T00:00:00Z");
    apply(
        &mut e,
        &mut rng,
        r#"{"type":"payment","id":"pay_new000000001","amount":5000,"currency":"EUR","at":"2026-03-30T09:00:00Z"}"#,
    );
    let view = tracking::follow(&e, "pay_new000000001").expect("tracked");
    assert_eq!(view.status, "unsettled");
    assert!(view.settlements.is_empty());
    // Σ of its entries so far: the payment net of its processing fee.
    let fee = e
        .ledger()
        .iter()
        .find(|entry| {
            entry.entry_type == EntryType::Fee && entry.source.as_str() == "pay_new000000001"
        })
        .expect("a fee entry")
        .amount;
    assert_eq!(view.amount, 5000 + fee);
    assert!(
        view.expected_arrival.is_some(),
        "projected from the schedule"
    );
}

#[test]
fn account_configuration_json_names_the_key_at_fault() {
    let ok = config_from_json(
        r#"{"payoutCurrency":"EUR","schedule":{"interval":"weekly","delayDays":3,"anchor":"monday"}}"#,
    )
    .expect("valid");
    assert_eq!(ok.payout_currency, Currency::EUR);
    let param = |json: &str| config_from_json(json).expect_err("refused").param;
    assert_eq!(
        param(r#"{"schedule":{"interval":"daily"}}"#).as_deref(),
        Some("payoutCurrency")
    );
    assert_eq!(
        param(r#"{"payoutCurrency":"XXX"}"#).as_deref(),
        Some("payoutCurrency")
    );
    assert_eq!(
        param(r#"{"payoutCurrency":"EUR","payoutDay":1}"#).as_deref(),
        Some("payoutDay")
    );
    assert_eq!(
        param(r#"{"payoutCurrency":"EUR","minimumPayout":"ten"}"#).as_deref(),
        Some("minimumPayout")
    );
    assert!(
        param(r#"{"payoutCurrency":"EUR","schedule":{"interval":"monthly","anchor":31}}"#)
            .is_some_and(|p| p.starts_with("schedule"))
    );
    assert_eq!(param("not json").as_deref(), Some("config"));
}
