//! Statement CSV round trips and reconciliation.

use chrono::Duration;
use rust_decimal::Decimal;

use super::engine::{d, t};
use crate::currency::Currency;
use crate::host::SeededRandom;
use crate::ids::Id;
use crate::money::Money;
use crate::settlement::*;

pub(crate) fn busy_engine(rng: &mut SeededRandom, payments: usize) -> Engine {
    let mut c = AccountConfig::new(Currency::EUR);
    c.maturity = Maturity::Established;
    c.reserve = Some(ReserveConfig {
        percent: Decimal::new(5, 0),
        hold_days: 90,
    });
    let mut e = Engine::new(c, t(2026, 4, 15, 0)).unwrap();
    e.fx_mut()
        .set_rate(
            Currency::USD,
            Currency::EUR,
            d(2026, 1, 1),
            Decimal::new(9213, 4),
        )
        .unwrap();
    for i in 0..payments {
        let at = t(2026, 4, 15, 1) + Duration::seconds(i as i64 * 7);
        let cur = if i % 5 == 0 {
            Currency::USD
        } else {
            Currency::EUR
        };
        let id = format!("pay_{i:010}");
        e.record_payment(
            rng,
            &id,
            Money::new(1_000 + (i as i64 * 137) % 90_000, cur),
            at,
        )
        .unwrap();
        if i % 7 == 3 {
            e.record_refund(rng, &format!("re_{i:010}"), &id, Money::new(500, cur), at)
                .unwrap();
        }
        if i % 11 == 4 {
            e.open_dispute(rng, &format!("dp_{i:010}"), &id, Money::new(700, cur), at)
                .unwrap();
        }
    }
    e.run_until(rng, d(2026, 4, 16)).unwrap();
    e
}

fn holdings_of(e: &Engine) -> Holdings {
    let mut h = Holdings::default();
    for x in e.ledger() {
        let item = HeldItem {
            id: x.source.clone(),
            amount: x.amount.abs(),
            currency: x.currency,
        };
        match x.entry_type {
            EntryType::Payment => h.payments.push(item),
            EntryType::Refund => h.refunds.push(item),
            EntryType::Dispute => h.disputes.push(item),
            _ => {}
        }
    }
    h
}

#[test]
fn csv_round_trips_and_totals_match_the_summary() {
    let mut rng = SeededRandom::new(1);
    let e = busy_engine(&mut rng, 60);
    let s = &e.settlements()[0];
    let csv = statement_csv(s);
    assert!(csv.starts_with(
        "settlementId,entryId,type,source,createdAt,currency,amount,originalCurrency,originalAmount,exchangeRate\r\n"
    ));
    let rows = parse_statement_csv(&csv).unwrap();
    assert_eq!(rows.len(), s.entries.len());
    for (row, entry) in rows.iter().zip(&s.entries) {
        assert_eq!(&row.settlement_id, &s.id);
        assert_eq!(&row.entry, entry);
    }
    let total: i64 = rows.iter().map(|r| r.entry.amount).sum();
    assert_eq!(total, s.summary.net);
    let by_type = |t: EntryType| {
        rows.iter()
            .filter(|r| r.entry.entry_type == t)
            .map(|r| r.entry.amount)
            .sum::<i64>()
    };
    assert_eq!(by_type(EntryType::Payment), s.summary.gross_payments);
    assert_eq!(by_type(EntryType::Refund), s.summary.refunds);
    assert_eq!(by_type(EntryType::Fee), s.summary.fees);
    assert_eq!(Some(by_type(EntryType::Conversion)), s.summary.conversion);
    assert_eq!(
        Some(by_type(EntryType::ReserveHold)),
        s.summary.reserve_held
    );
    // Deterministic bytes.
    assert_eq!(statement_csv(s), csv);
}

#[test]
fn clean_reconciliation() {
    let mut rng = SeededRandom::new(2);
    let e = busy_engine(&mut rng, 40);
    let h = holdings_of(&e);
    let report = reconcile_settlements(e.settlements(), &h);
    assert!(report.is_clean(), "{:?}", report.differences);
    assert_eq!(
        report.matched,
        h.payments.len() + h.refunds.len() + h.disputes.len()
    );
    let rows = parse_statement_csv(&statement_csv(&e.settlements()[0])).unwrap();
    assert!(reconcile_statement(&rows, &h).is_clean());
}

#[test]
fn every_kind_of_difference_is_reported() {
    let mut rng = SeededRandom::new(3);
    let e = busy_engine(&mut rng, 20);
    let mut h = holdings_of(&e);
    // Missing: the user holds a payment the settlement does not have.
    let ghost = Id::parse("pay_ghost0001").unwrap();
    h.payments.push(HeldItem {
        id: ghost.clone(),
        amount: 100,
        currency: Currency::EUR,
    });
    // Amount mismatch: the user thinks a payment was larger.
    h.payments[1].amount += 1;
    let mismatched = h.payments[1].id.clone();
    // Unexpected: the user does not know a refund.
    let unknown_refund = h.refunds.remove(0).id;

    let mut s = e.settlements()[0].clone();
    // Tampered statement: entries sum differs from the net…
    s.entries[0].amount += 5;
    // …and a second settlement repeats an entry and settles a payment again.
    let mut other = s.clone();
    other.id = Id::parse("setl_other0001").unwrap();
    other.entries.truncate(1);
    let mut again = s.entries[2].clone();
    again.id = Id::parse("be_again000001").unwrap();
    other.entries.push(again.clone());

    let report = reconcile_settlements(&[s.clone(), other.clone()], &h);
    let kinds: Vec<String> = report
        .differences
        .iter()
        .map(|d| {
            serde_json::to_value(d).unwrap()["kind"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    for kind in [
        "entry_in_two_settlements",
        "source_settled_twice",
        "missing_entry",
        "amount_mismatch",
        "unexpected_entry",
        "total_mismatch",
    ] {
        assert!(kinds.iter().any(|k| k == kind), "{kind} not in {kinds:?}");
    }
    assert!(report.differences.contains(&Difference::MissingEntry {
        source: ghost,
        entry_type: EntryType::Payment,
        expected_amount: 100,
        currency: Currency::EUR,
    }));
    assert!(report.differences.iter().any(|d| matches!(d,
        Difference::AmountMismatch { source, .. } if *source == mismatched)));
    assert!(report.differences.iter().any(|d| matches!(d,
        Difference::UnexpectedEntry { source, .. } if *source == unknown_refund)));
    assert!(report.differences.iter().any(|d| matches!(d,
        Difference::EntryInTwoSettlements { entry_id, settlements } if *entry_id == s.entries[0].id && settlements.len() == 2)));
    assert!(report.differences.iter().any(|d| matches!(d,
        Difference::SourceSettledTwice { source, .. } if *source == again.source)));
    let json = serde_json::to_string(&report).unwrap();
    assert!(json.contains("\"kind\":\"missing_entry\""));
}

/// The page objects of a PDF: `/Type /Page` not followed by `s`.
fn page_objects(pdf: &[u8]) -> usize {
    let needle = b"/Type /Page";
    pdf.windows(needle.len() + 1)
        .filter(|w| &w[..needle.len()] == needle && w[needle.len()] != b's')
        .count()
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}

#[test]
fn statement_pdf_is_a_real_multi_page_pdf() {
    let mut rng = SeededRandom::new(4);
    let e = busy_engine(&mut rng, 120);
    let s = &e.settlements()[0];
    assert!(s.entries.len() > 150, "{}", s.entries.len());
    let pdf = statement_pdf(s);
    assert!(pdf.starts_with(b"%PDF-"));
    assert!(contains(&pdf, "\nxref\n"));
    assert!(contains(&pdf, "trailer"));
    assert!(pdf.ends_with(b"%%EOF") || pdf.ends_with(b"%%EOF\n"));
    // 30 rows on page 1, 50 on the others.
    let expected = 1 + (s.entries.len() - 30).div_ceil(50);
    assert_eq!(page_objects(&pdf), expected);
    assert!(contains(&pdf, &format!("/Count {expected}")));
    assert!(contains(&pdf, &format!("(Page 1 of {expected})")));
    assert!(contains(&pdf, &format!("(Page {expected} of {expected})")));
    assert!(contains(&pdf, "(VINR settlement statement)"));
    assert!(contains(
        &pdf,
        &format!("({})", Money::new(s.summary.net, s.currency).format_major())
    ));
    assert!(contains(&pdf, "/BaseFont /Helvetica"));
    // Same settlement, same bytes.
    assert_eq!(statement_pdf(s), pdf);
    if let Ok(dir) = std::env::var("VINR_STATEMENT_OUT") {
        std::fs::write(format!("{dir}/statement.pdf"), &pdf).unwrap();
    }
}

#[test]
fn small_statement_has_one_page() {
    let mut rng = SeededRandom::new(5);
    let e = busy_engine(&mut rng, 3);
    let pdf = statement_pdf(&e.settlements()[0]);
    assert_eq!(page_objects(&pdf), 1);
    assert!(contains(&pdf, "(Page 1 of 1)"));
}
