//! The rolling reserve of one payout currency.
//!
//! **Rule.** When a settlement's activity (everything except reserve and carry lines) nets
//! positive, `percent`% of it, rounded half-up, is held (`reserve_hold`, source: that
//! settlement). Each hold is released whole (`reserve_release`, same source) in the first
//! settlement of the same payout currency whose window ends on or after
//! `window end + holdDays`; a window with nothing else to settle is still closed for a release.
//! Holds are only ever added positive and released whole, so what is held never goes negative.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;

use super::account::ReserveConfig;
use crate::ids::Id;

#[derive(Debug, Clone, PartialEq, Eq)]
struct Hold {
    source: Id,
    amount: i64,
    release_on: NaiveDate,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReserveLedger {
    /// In the order they were made; release dates are non-decreasing for a fixed hold period.
    holds: Vec<Hold>,
}

impl ReserveLedger {
    /// What is held now (≥ 0).
    pub fn held(&self) -> i64 {
        let held = self
            .holds
            .iter()
            .fold(0i64, |acc, h| acc.saturating_add(h.amount));
        debug_assert!(held >= 0);
        held
    }

    pub fn hold(&mut self, source: Id, amount: i64, release_on: NaiveDate) {
        debug_assert!(amount > 0);
        if amount > 0 {
            self.holds.push(Hold {
                source,
                amount,
                release_on,
            });
        }
    }

    /// The earliest date a hold is released on.
    pub fn next_release(&self) -> Option<NaiveDate> {
        self.holds.iter().map(|h| h.release_on).min()
    }

    pub fn has_release_due(&self, window_end: NaiveDate) -> bool {
        self.holds.iter().any(|h| h.release_on <= window_end)
    }

    /// Removes and returns the holds due by `window_end`, oldest first.
    pub fn take_releases_due(&mut self, window_end: NaiveDate) -> Vec<(Id, i64)> {
        let (due, keep): (Vec<Hold>, Vec<Hold>) = std::mem::take(&mut self.holds)
            .into_iter()
            .partition(|h| h.release_on <= window_end);
        self.holds = keep;
        due.into_iter().map(|h| (h.source, h.amount)).collect()
    }
}

/// Seed 004's `account.reserve`: `{ type: "rolling", percent, holdDays, currentlyHeld }`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReserveStatus {
    #[serde(rename = "type")]
    pub reserve_type: &'static str,
    #[serde(with = "rust_decimal::serde::str")]
    pub percent: Decimal,
    pub hold_days: u32,
    pub currently_held: i64,
}

impl ReserveStatus {
    pub fn new(config: ReserveConfig, currently_held: i64) -> ReserveStatus {
        ReserveStatus {
            reserve_type: "rolling",
            percent: config.percent,
            hold_days: config.hold_days,
            currently_held,
        }
    }
}
