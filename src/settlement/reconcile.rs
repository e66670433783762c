//! Reconciliation: a settlement (or a statement CSV parsed back) against the payments,
//! refunds and disputes the user holds, reporting every difference.
//!
//! Checks, in this order of report:
//! - `entry_in_two_settlements`: one `be_` id listed in more than one settlement (or twice);
//! - `source_settled_twice`: one source with two entries of the same type (a settlement's own
//!   lines are exempt: its carry-forward and reserve hold reappear, once, as carry-in and
//!   release in a later settlement, and it has one conversion line per source currency);
//! - `missing_entry`: a held payment, refund or dispute with no entry of its type;
//! - `amount_mismatch`: the entry's amount (in its original currency, before any conversion)
//!   differs from the held one (payments +amount, refunds and disputes −amount);
//! - `unexpected_entry`: an entry whose `pay_`/`re_`/`dp_` source the user does not hold;
//! - `total_mismatch`: a settlement whose entries do not add up to its `summary.net`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::csv::StatementRow;
use super::entry::{BalanceEntry, EntryType};
use super::objects::Settlement;
use crate::currency::Currency;
use crate::ids::{Id, IdPrefix};

/// A payment, refund or dispute as the user's own records hold it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HeldItem {
    pub id: Id,
    /// Positive minor units, as captured, refunded or disputed.
    pub amount: i64,
    pub currency: Currency,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Holdings {
    #[serde(default)]
    pub payments: Vec<HeldItem>,
    #[serde(default)]
    pub refunds: Vec<HeldItem>,
    #[serde(default)]
    pub disputes: Vec<HeldItem>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Difference {
    #[serde(rename_all = "camelCase")]
    EntryInTwoSettlements { entry_id: Id, settlements: Vec<Id> },
    #[serde(rename_all = "camelCase")]
    SourceSettledTwice {
        source: Id,
        #[serde(rename = "type")]
        entry_type: EntryType,
        settlements: Vec<Id>,
    },
    #[serde(rename_all = "camelCase")]
    MissingEntry {
        source: Id,
        #[serde(rename = "type")]
        entry_type: EntryType,
        expected_amount: i64,
        currency: Currency,
    },
    #[serde(rename_all = "camelCase")]
    AmountMismatch {
        source: Id,
        #[serde(rename = "type")]
        entry_type: EntryType,
        settlement: Id,
        expected_amount: i64,
        expected_currency: Currency,
        actual_amount: i64,
        actual_currency: Currency,
    },
    #[serde(rename_all = "camelCase")]
    UnexpectedEntry {
        entry_id: Id,
        source: Id,
        #[serde(rename = "type")]
        entry_type: EntryType,
        settlement: Id,
        amount: i64,
    },
    #[serde(rename_all = "camelCase")]
    TotalMismatch {
        settlement: Id,
        net: i64,
        entries_total: i64,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReconciliationReport {
    /// Held items whose entry was found with the right amount.
    pub matched: usize,
    pub differences: Vec<Difference>,
}

impl ReconciliationReport {
    pub fn is_clean(&self) -> bool {
        self.differences.is_empty()
    }
}

/// Reconciles settlements against holdings.
pub fn reconcile_settlements(
    settlements: &[Settlement],
    holdings: &Holdings,
) -> ReconciliationReport {
    let rows: Vec<(&Id, &BalanceEntry)> = settlements
        .iter()
        .flat_map(|s| s.entries.iter().map(move |e| (&s.id, e)))
        .collect();
    let mut report = reconcile_entries(&rows, holdings);
    for s in settlements {
        let total = s
            .entries
            .iter()
            .fold(0i64, |a, e| a.saturating_add(e.amount));
        if total != s.summary.net {
            report.differences.push(Difference::TotalMismatch {
                settlement: s.id.clone(),
                net: s.summary.net,
                entries_total: total,
            });
        }
    }
    report
}

/// Reconciles the rows of one or more statement CSVs against holdings.
pub fn reconcile_statement(rows: &[StatementRow], holdings: &Holdings) -> ReconciliationReport {
    let rows: Vec<(&Id, &BalanceEntry)> =
        rows.iter().map(|r| (&r.settlement_id, &r.entry)).collect();
    reconcile_entries(&rows, holdings)
}

fn push_unique(v: &mut Vec<Id>, id: &Id) {
    if !v.contains(id) {
        v.push(id.clone());
    }
}

fn reconcile_entries(rows: &[(&Id, &BalanceEntry)], holdings: &Holdings) -> ReconciliationReport {
    let mut differences = Vec::new();

    // The same entry in two settlements (or twice in one).
    let mut by_entry: BTreeMap<&Id, (usize, Vec<Id>)> = BTreeMap::new();
    for (s, e) in rows {
        let slot = by_entry.entry(&e.id).or_default();
        slot.0 += 1;
        push_unique(&mut slot.1, s);
    }
    for (id, (count, settlements)) in &by_entry {
        if *count > 1 {
            differences.push(Difference::EntryInTwoSettlements {
                entry_id: (*id).clone(),
                settlements: settlements.clone(),
            });
        }
    }

    // A source settled twice: two distinct entries of one type for one source.
    // (source, type) → (distinct entry ids, settlements).
    type Seen<'a> = (Vec<&'a Id>, Vec<Id>);
    let mut by_source: BTreeMap<(&Id, EntryType), Seen> = BTreeMap::new();
    for (s, e) in rows {
        if e.source.prefix() == IdPrefix::Settlement {
            continue;
        }
        let slot = by_source.entry((&e.source, e.entry_type)).or_default();
        if !slot.0.contains(&&e.id) {
            slot.0.push(&e.id);
        }
        push_unique(&mut slot.1, s);
    }
    for ((source, ty), (entries, settlements)) in &by_source {
        if entries.len() > 1 {
            differences.push(Difference::SourceSettledTwice {
                source: (*source).clone(),
                entry_type: *ty,
                settlements: settlements.clone(),
            });
        }
    }

    // Held items against their entries (the first entry of the type, by an index so large
    // statements stay O(n log n)).
    let mut first: BTreeMap<(&Id, EntryType), (&Id, &BalanceEntry)> = BTreeMap::new();
    for (s, e) in rows {
        first.entry((&e.source, e.entry_type)).or_insert((*s, *e));
    }
    let mut matched = 0;
    let mut held: BTreeMap<&Id, ()> = BTreeMap::new();
    let groups = [
        (&holdings.payments, EntryType::Payment, 1i64),
        (&holdings.refunds, EntryType::Refund, -1),
        (&holdings.disputes, EntryType::Dispute, -1),
    ];
    for (items, ty, sign) in groups {
        for item in items {
            held.insert(&item.id, ());
            let expected = item.amount.saturating_mul(sign);
            let found = first.get(&(&item.id, ty));
            match found {
                None => differences.push(Difference::MissingEntry {
                    source: item.id.clone(),
                    entry_type: ty,
                    expected_amount: expected,
                    currency: item.currency,
                }),
                Some((s, e)) => {
                    let (amount, currency) = e.original_amount();
                    if (amount, currency) == (expected, item.currency) {
                        matched += 1;
                    } else {
                        differences.push(Difference::AmountMismatch {
                            source: item.id.clone(),
                            entry_type: ty,
                            settlement: (*s).clone(),
                            expected_amount: expected,
                            expected_currency: item.currency,
                            actual_amount: amount,
                            actual_currency: currency,
                        });
                    }
                }
            }
        }
    }

    // Entries whose activity source the user does not hold.
    for (s, e) in rows {
        let activity_source = matches!(
            e.source.prefix(),
            IdPrefix::Payment | IdPrefix::Refund | IdPrefix::Dispute
        );
        if activity_source && !held.contains_key(&e.source) {
            differences.push(Difference::UnexpectedEntry {
                entry_id: e.id.clone(),
                source: e.source.clone(),
                entry_type: e.entry_type,
                settlement: (*s).clone(),
                amount: e.amount,
            });
        }
    }
    ReconciliationReport {
        matched,
        differences,
    }
}
