//! The objects the engine hands out: settlements (seed 004's shape), payouts and events.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::entry::{BalanceEntry, EntryType};
use super::error::{add, SettlementError};
use super::fx::ConversionRecord;
use crate::currency::Currency;
use crate::ids::Id;

/// `settlement.summary`: the components that produced the net, in minor units of the
/// settlement currency. The first six fields are exactly seed 004's; the others appear only
/// when the settlement has such lines.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Summary {
    pub currency: Currency,
    /// Σ `payment` entries.
    pub gross_payments: i64,
    /// Σ `refund` entries.
    pub refunds: i64,
    /// Σ `dispute`, `dispute_fee` and `dispute_reversal` entries: holds and their release.
    pub disputes: i64,
    /// Σ `fee` entries (processing fees).
    pub fees: i64,
    /// Σ `conversion` entries: the FX spread, a line of its own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conversion: Option<i64>,
    /// Σ `payout_failure` entries: failed payouts returning to the balance.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failed_payouts: Option<i64>,
    /// Σ `reserve_hold` entries (≤ 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reserve_held: Option<i64>,
    /// Σ `reserve_release` entries (≥ 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reserve_released: Option<i64>,
    /// The balance an earlier settlement rolled forward into this one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub carried_in: Option<i64>,
    /// This settlement's balance rolled forward (below the minimum payout), negated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub carried_out: Option<i64>,
    /// Σ of every entry: what the settlement pays out.
    pub net: i64,
}

fn opt(v: i64, present: bool) -> Option<i64> {
    present.then_some(v)
}

impl Summary {
    /// Adds up `entries` of the settlement `settlement_id`, all in `currency`. A line is
    /// present when at least one entry feeds it.
    pub fn from_entries(
        settlement_id: &Id,
        currency: Currency,
        entries: &[BalanceEntry],
    ) -> Result<Summary, SettlementError> {
        // [sum, count] per line: payments, refunds, disputes, fees, conversion, failures,
        // reserve held, reserve released, carried in, carried out.
        let mut lines = [[0i64; 2]; 10];
        let mut net = 0i64;
        for e in entries {
            if e.currency != currency {
                return Err(SettlementError::CurrencyMismatch {
                    field: "entries.currency",
                    expected: currency,
                    found: e.currency,
                });
            }
            let line = match e.entry_type {
                EntryType::Payment => 0,
                EntryType::Refund => 1,
                EntryType::Dispute | EntryType::DisputeFee | EntryType::DisputeReversal => 2,
                EntryType::Fee => 3,
                EntryType::Conversion => 4,
                EntryType::PayoutFailure => 5,
                EntryType::ReserveHold => 6,
                EntryType::ReserveRelease => 7,
                EntryType::CarryForward if &e.source == settlement_id => 9,
                EntryType::CarryForward => 8,
                // Payouts move a settlement's net out; they are never inside one.
                EntryType::Payout => {
                    return Err(SettlementError::InvalidConfig {
                        field: "entries.type",
                        message: "a payout entry cannot be part of a settlement".into(),
                    })
                }
            };
            lines[line][0] = add(lines[line][0], e.amount, "amount")?;
            lines[line][1] += 1;
            net = add(net, e.amount, "amount")?;
        }
        let l = |i: usize| lines[i][0];
        let p = |i: usize| lines[i][1] > 0;
        Ok(Summary {
            currency,
            gross_payments: l(0),
            refunds: l(1),
            disputes: l(2),
            fees: l(3),
            conversion: opt(l(4), p(4)),
            failed_payouts: opt(l(5), p(5)),
            reserve_held: opt(l(6), p(6)),
            reserve_released: opt(l(7), p(7)),
            carried_in: opt(l(8), p(8)),
            carried_out: opt(l(9), p(9)),
            net,
        })
    }

    /// The sum of the lines, which must equal `net`.
    pub fn lines_total(&self) -> Option<i64> {
        [
            self.gross_payments,
            self.refunds,
            self.disputes,
            self.fees,
            self.conversion.unwrap_or(0),
            self.failed_payouts.unwrap_or(0),
            self.reserve_held.unwrap_or(0),
            self.reserve_released.unwrap_or(0),
            self.carried_in.unwrap_or(0),
            self.carried_out.unwrap_or(0),
        ]
        .into_iter()
        .try_fold(0i64, i64::checked_add)
    }
}

/// A settlement: a window of activity netted into one amount due, seed 004's object.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Settlement {
    pub id: Id,
    /// Always `"settlement"`.
    pub object: String,
    pub currency: Currency,
    /// The window, `[periodStart, periodEnd)`, UTC.
    pub period_start: DateTime<Utc>,
    pub period_end: DateTime<Utc>,
    /// The business day (of the payout currency's calendar) its payout is initiated.
    pub payout_date: NaiveDate,
    pub created_at: DateTime<Utc>,
    pub summary: Summary,
    /// Conversions into `currency`, with rate and spread; empty when nothing was converted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conversions: Vec<ConversionRecord>,
    /// The payout that moves `net`; `null` when the net rolled forward.
    pub payout: Option<Id>,
    pub entries: Vec<BalanceEntry>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PayoutStatus {
    /// Created, waiting for its arrival date.
    Pending,
    /// Funds left for the bank (`payout.paid`).
    Paid,
    /// The bank rejected it (`payout.failed`); the money returned to the balance.
    Failed,
}

impl PayoutStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            PayoutStatus::Pending => "pending",
            PayoutStatus::Paid => "paid",
            PayoutStatus::Failed => "failed",
        }
    }
}

/// A payout: the bank transfer of one or more settlements' net.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Payout {
    pub id: Id,
    /// Always `"payout"`.
    pub object: String,
    pub amount: i64,
    pub currency: Currency,
    pub arrival_date: NaiveDate,
    pub status: PayoutStatus,
    pub created_at: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure_reason: Option<String>,
    /// The settlements it pays, oldest first.
    pub settlements: Vec<Id>,
}

/// The object an event carries.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(untagged)]
pub enum EventData {
    Settlement(Box<Settlement>),
    Payout(Payout),
}

/// `{ id: evt_…, object: "event", type, createdAt, livemode, data }`, as DESIGN.md says.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Event {
    pub id: Id,
    pub object: String,
    /// `settlement.created`, `payout.paid` or `payout.failed`.
    #[serde(rename = "type")]
    pub event_type: String,
    pub created_at: DateTime<Utc>,
    pub livemode: bool,
    pub data: EventData,
}
