//! Property tests of the invariants over random activity, schedules and clocks.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Duration, NaiveDate};
use proptest::prelude::*;
use rust_decimal::Decimal;

use super::engine::{d, t};
use crate::currency::Currency;
use crate::host::SeededRandom;
use crate::ids::Id;
use crate::money::Money;
use crate::settlement::payout_calendar::PayoutCalendar;
use crate::settlement::*;

#[derive(Debug, Clone)]
enum Op {
    Pay { currency: u8, amount: i64 },
    Refund { payment: usize, amount: i64 },
    Dispute { payment: usize, amount: i64 },
    Resolve { dispute: usize, won: bool },
    FailPayout { payout: usize },
    Advance { hours: i64 },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (0u8..3, 1i64..2_000_000).prop_map(|(currency, amount)| Op::Pay { currency, amount }),
        2 => (0usize..64, 1i64..1_500_000).prop_map(|(payment, amount)| Op::Refund { payment, amount }),
        1 => (0usize..64, 1i64..1_500_000).prop_map(|(payment, amount)| Op::Dispute { payment, amount }),
        1 => (0usize..16, any::<bool>()).prop_map(|(dispute, won)| Op::Resolve { dispute, won }),
        1 => (0usize..16).prop_map(|payout| Op::FailPayout { payout }),
        3 => (1i64..24 * 9).prop_map(|hours| Op::Advance { hours }),
    ]
}

#[derive(Debug, Clone)]
struct Setup {
    interval: u8,
    delay: u32,
    reserve: bool,
    minimum: i64,
    hold_usd: bool,
    established: bool,
    stale: bool,
}

fn setup() -> impl Strategy<Value = Setup> {
    (
        0u8..3,
        0u32..4,
        any::<bool>(),
        0i64..50_000,
        any::<bool>(),
        any::<bool>(),
        prop::bool::weighted(0.15),
    )
        .prop_map(
            |(interval, delay, reserve, minimum, hold_usd, established, stale)| Setup {
                interval,
                delay,
                reserve,
                minimum,
                hold_usd,
                established,
                stale,
            },
        )
}

const CURRENCIES: [Currency; 3] = [Currency::EUR, Currency::USD, Currency::JPY];

/// Runs `ops` and returns the engine plus, per payment, its captured amount and what the
/// model accepted as refunded or disputed.
fn run(setup: &Setup, ops: &[Op], seed: u64) -> (Engine, BTreeMap<String, (i64, i64)>) {
    let mut c = AccountConfig::new(Currency::EUR);
    c.schedule = match setup.interval {
        0 => Schedule::daily(setup.delay).unwrap(),
        1 => Schedule::weekly(WeeklyAnchor::Wednesday, setup.delay).unwrap(),
        _ => Schedule::monthly(28, setup.delay).unwrap(),
    };
    if setup.reserve {
        c.reserve = Some(ReserveConfig {
            percent: Decimal::new(75, 1),
            hold_days: 20,
        });
    }
    c.minimum_payout = setup.minimum;
    if setup.hold_usd {
        c.payout_currencies.insert(Currency::USD, Currency::USD);
    }
    if setup.established {
        c.maturity = Maturity::Established;
    }
    c.bank_details_stale = setup.stale;
    let mut rng = SeededRandom::new(seed);
    let mut e = Engine::new(c, t(2026, 3, 30, 0)).unwrap();
    let day = d(2026, 3, 1);
    let fx = e.fx_mut();
    fx.set_rate(Currency::USD, Currency::EUR, day, Decimal::new(9213, 4))
        .unwrap();
    fx.set_rate(Currency::JPY, Currency::EUR, day, Decimal::new(61, 4))
        .unwrap();
    fx.set_rate(Currency::JPY, Currency::USD, day, Decimal::new(66, 4))
        .unwrap();
    let mut now = e.clock();
    let mut payments: Vec<String> = Vec::new();
    let mut claims: BTreeMap<String, (i64, i64)> = BTreeMap::new();
    let mut disputes: Vec<String> = Vec::new();
    for (i, op) in ops.iter().enumerate() {
        match op {
            Op::Pay { currency, amount } => {
                let id = format!("pay_{i:08}");
                let cur = CURRENCIES[usize::from(*currency)];
                e.record_payment(&mut rng, &id, Money::new(*amount, cur), now)
                    .unwrap();
                claims.insert(id.clone(), (*amount, 0));
                payments.push(id);
            }
            Op::Refund { payment, amount } | Op::Dispute { payment, amount } => {
                let Some(pid) = payments.get(payment % payments.len().max(1)).cloned() else {
                    continue;
                };
                let (captured, claimed) = claims[&pid];
                let cur = e
                    .ledger()
                    .iter()
                    .find(|x| x.source.as_str() == pid)
                    .unwrap()
                    .currency;
                let amount = Money::new(*amount, cur);
                let res = if matches!(op, Op::Refund { .. }) {
                    e.record_refund(&mut rng, &format!("re_{i:08}"), &pid, amount, now)
                } else {
                    let id = format!("dp_{i:08}");
                    let r = e.open_dispute(&mut rng, &id, &pid, amount, now);
                    if r.is_ok() {
                        disputes.push(id);
                    }
                    r
                };
                if amount.amount() <= captured - claimed {
                    res.unwrap();
                    claims.insert(pid, (captured, claimed + amount.amount()));
                } else {
                    assert_eq!(res.unwrap_err().field(), "amount");
                }
            }
            Op::Resolve { dispute, won } => {
                if let Some(id) = disputes.get(dispute % disputes.len().max(1)) {
                    let outcome = if *won {
                        DisputeOutcome::Won
                    } else {
                        DisputeOutcome::Lost
                    };
                    let _ = e.resolve_dispute(&mut rng, id, outcome, now);
                }
            }
            Op::FailPayout { payout } => {
                let ids: Vec<Id> = e.payouts().iter().map(|p| p.id.clone()).collect();
                if let Some(id) = ids.get(payout % ids.len().max(1)) {
                    let _ = e.fail_payout(&mut rng, id.as_str(), "account_closed", now);
                }
            }
            Op::Advance { hours } => {
                now += Duration::hours(*hours);
                e.advance_to(&mut rng, now).unwrap();
            }
        }
    }
    // Long enough for every window, reserve and payout to resolve (stale details would fail
    // every payout forever, each failure settling into the next one).
    e.set_bank_details_stale(false);
    e.advance_to(&mut rng, now + Duration::days(120)).unwrap();
    (e, claims)
}

fn check_invariants(e: &Engine, claims: &BTreeMap<String, (i64, i64)>) {
    let mut entry_ids = BTreeSet::new();
    // (source, type) → settlements it appears in.
    let mut seen: BTreeMap<(Id, EntryType, bool, Option<Currency>), Vec<Id>> = BTreeMap::new();
    for s in e.settlements() {
        // Σ entries == net == Σ summary lines.
        let sum: i64 = s.entries.iter().map(|x| x.amount).sum();
        assert_eq!(sum, s.summary.net, "{}", s.id);
        assert_eq!(s.summary.lines_total(), Some(s.summary.net));
        assert!(s.summary.net == 0 || s.summary.net >= e.config().minimum_payout);
        assert_eq!(s.payout.is_some(), s.summary.net > 0);
        // Payout dates are business days of the payout currency.
        assert!(PayoutCalendar::for_currency(s.currency).is_business_day(s.payout_date));
        for x in &s.entries {
            assert!(entry_ids.insert(x.id.clone()), "entry {} twice", x.id);
            assert!(x.source_matches_type(), "{:?}", x);
            assert_eq!(x.currency, s.currency);
            let own = x.source == s.id;
            let from = (x.entry_type == EntryType::Conversion)
                .then(|| x.conversion.as_ref().map(|c| c.original_currency))
                .flatten();
            seen.entry((x.source.clone(), x.entry_type, own, from))
                .or_default()
                .push(s.id.clone());
        }
    }
    // No source settles twice: each (source, type) in one settlement; a settlement-sourced
    // line appears once in its own settlement and at most once (release, carry-in) later.
    for ((source, ty, own, _), in_settlements) in &seen {
        assert_eq!(
            in_settlements.len(),
            1,
            "{source} {ty:?} own={own} in {in_settlements:?}"
        );
    }
    // Every activity entry of the ledger settled (the run ends long after the last activity).
    for x in e.ledger().iter().filter(|x| x.entry_type.is_activity()) {
        assert!(entry_ids.contains(&x.id), "unsettled {:?}", x);
    }
    for c in [Currency::EUR, Currency::USD] {
        assert!(e.pending(c).is_empty());
        // Conservation: new items = payouts + carry out + change in reserves (both start at 0).
        let items: i64 = e
            .settlements()
            .iter()
            .filter(|s| s.currency == c)
            .flat_map(|s| &s.entries)
            .filter(|x| x.entry_type.is_activity() || x.entry_type == EntryType::Conversion)
            .map(|x| x.amount)
            .sum();
        let paid: i64 = e
            .payouts()
            .iter()
            .filter(|p| p.currency == c)
            .map(|p| p.amount)
            .sum();
        let nets: i64 = e
            .settlements()
            .iter()
            .filter(|s| s.currency == c)
            .map(|s| s.summary.net)
            .sum();
        assert_eq!(paid, nets);
        let held = e.reserve(c).map_or(0, |r| r.currently_held);
        assert!(held >= 0, "reserve went negative");
        assert_eq!(items, paid + e.carried_forward(c) + held, "{c}");
        // Ledger: payouts out match payout amounts.
        let out: i64 = e
            .ledger()
            .iter()
            .filter(|x| x.entry_type == EntryType::Payout && x.currency == c)
            .map(|x| x.amount)
            .sum();
        assert_eq!(-out, paid);
    }
    for p in e.payouts() {
        assert!(PayoutCalendar::for_currency(p.currency).is_business_day(p.arrival_date));
        assert!(p.amount > 0);
        let from_settlements: i64 = p
            .settlements
            .iter()
            .map(|id| e.settlement(id.as_str()).unwrap().summary.net)
            .sum();
        assert_eq!(from_settlements, p.amount);
    }
    // Refunds + disputes of each payment never exceed it (in the engine's ledger).
    let mut by_payment: BTreeMap<&str, i64> = BTreeMap::new();
    let mut captured: BTreeMap<&str, i64> = BTreeMap::new();
    for x in e.ledger() {
        if x.entry_type == EntryType::Payment {
            captured.insert(x.source.as_str(), x.amount);
        }
    }
    for (pid, (cap, claimed)) in claims {
        assert_eq!(captured.get(pid.as_str()), Some(cap));
        assert!(claimed <= cap);
        by_payment.insert(pid, *claimed);
    }
    let refunded_or_disputed: i64 = e
        .ledger()
        .iter()
        .filter(|x| matches!(x.entry_type, EntryType::Refund | EntryType::Dispute))
        .map(|x| -x.amount)
        .sum();
    assert_eq!(refunded_or_disputed, by_payment.values().sum::<i64>());
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn invariants_hold(setup in setup(), ops in prop::collection::vec(op(), 1..80), seed in any::<u64>()) {
        let (e, claims) = run(&setup, &ops, seed);
        check_invariants(&e, &claims);
    }

    #[test]
    fn same_inputs_and_clock_give_byte_identical_output(
        setup in setup(),
        ops in prop::collection::vec(op(), 1..40),
        seed in any::<u64>(),
    ) {
        let (mut a, _) = run(&setup, &ops, seed);
        let (mut b, _) = run(&setup, &ops, seed);
        prop_assert_eq!(serde_json::to_vec(a.settlements()).unwrap(), serde_json::to_vec(b.settlements()).unwrap());
        prop_assert_eq!(serde_json::to_vec(a.payouts()).unwrap(), serde_json::to_vec(b.payouts()).unwrap());
        prop_assert_eq!(serde_json::to_vec(&a.take_events()).unwrap(), serde_json::to_vec(&b.take_events()).unwrap());
    }
}

#[test]
fn payout_dates_are_business_days_for_every_start_day() {
    // Every day of 2026 and 2027 as activity day, for each regional and fallback currency.
    for currency in [
        Currency::EUR,
        Currency::USD,
        Currency::GBP,
        Currency::CHF,
        Currency::SEK,
        Currency::JPY,
        // No calendar of ours: Monday to Friday.
        Currency::from_code("BRL").unwrap(),
    ] {
        let cal = PayoutCalendar::for_currency(currency);
        let mut day = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        while day.year_ce().1 < 2028 {
            for n in 0..8 {
                let p = cal.add_business_days(day, n).unwrap();
                assert!(cal.is_business_day(p), "{currency} {day} +{n}");
                assert!(p >= day);
            }
            day = day.succ_opt().unwrap();
        }
    }
}

use chrono::Datelike;
