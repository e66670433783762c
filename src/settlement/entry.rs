//! Balance entries: one line per balance-affecting item, each traced to exactly one source.
//!
//! Sign convention (seed 004): a positive amount is owed to the account, a negative one
//! reduces what it is owed.

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::currency::Currency;
use crate::ids::{Id, IdPrefix};

/// What a balance entry records, and which summary line it adds to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntryType {
    /// A captured payment (+). Source `pay_`.
    Payment,
    /// The processing fee of a payment (−). Source `pay_`.
    Fee,
    /// A refund (−). Source `re_`.
    Refund,
    /// A dispute hold: the disputed amount (−). Source `dp_`.
    Dispute,
    /// The dispute fee, held with the dispute (−). Source `dp_`.
    DisputeFee,
    /// A won dispute: the hold and its fee credited back (+). Source `dp_`.
    DisputeReversal,
    /// Rolling reserve withheld from a settlement (−). Source: that settlement's `setl_`.
    ReserveHold,
    /// A reserve hold released after its hold period (+). Source: the holding `setl_`.
    ReserveRelease,
    /// The FX spread charged on converted activity (−), a line of its own. Source: the
    /// converting `setl_`.
    Conversion,
    /// Minimum-balance roll-forward: out of the settlement that rolled (its net, negated) and
    /// into the next one. Source: the `setl_` that rolled.
    CarryForward,
    /// Money leaving the balance for the bank (−); in the ledger, not in settlements. Source
    /// `po_`.
    Payout,
    /// A failed payout's money returning to the balance (+). Source `po_`.
    PayoutFailure,
}

impl EntryType {
    pub const ALL: [EntryType; 12] = [
        EntryType::Payment,
        EntryType::Fee,
        EntryType::Refund,
        EntryType::Dispute,
        EntryType::DisputeFee,
        EntryType::DisputeReversal,
        EntryType::ReserveHold,
        EntryType::ReserveRelease,
        EntryType::Conversion,
        EntryType::CarryForward,
        EntryType::Payout,
        EntryType::PayoutFailure,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EntryType::Payment => "payment",
            EntryType::Fee => "fee",
            EntryType::Refund => "refund",
            EntryType::Dispute => "dispute",
            EntryType::DisputeFee => "dispute_fee",
            EntryType::DisputeReversal => "dispute_reversal",
            EntryType::ReserveHold => "reserve_hold",
            EntryType::ReserveRelease => "reserve_release",
            EntryType::Conversion => "conversion",
            EntryType::CarryForward => "carry_forward",
            EntryType::Payout => "payout",
            EntryType::PayoutFailure => "payout_failure",
        }
    }

    pub fn from_str_opt(s: &str) -> Option<EntryType> {
        EntryType::ALL.into_iter().find(|t| t.as_str() == s)
    }

    /// The id prefix this type's source must have.
    pub fn source_prefix(self) -> IdPrefix {
        match self {
            EntryType::Payment | EntryType::Fee => IdPrefix::Payment,
            EntryType::Refund => IdPrefix::Refund,
            EntryType::Dispute | EntryType::DisputeFee | EntryType::DisputeReversal => {
                IdPrefix::Dispute
            }
            EntryType::ReserveHold
            | EntryType::ReserveRelease
            | EntryType::Conversion
            | EntryType::CarryForward => IdPrefix::Settlement,
            EntryType::Payout | EntryType::PayoutFailure => IdPrefix::Payout,
        }
    }

    /// Activity: entries that come from the account's payments and payouts (and get converted
    /// when their currency is not the payout currency), as opposed to the lines a settlement
    /// itself computes (conversion, reserve, carry-forward).
    pub fn is_activity(self) -> bool {
        matches!(
            self,
            EntryType::Payment
                | EntryType::Fee
                | EntryType::Refund
                | EntryType::Dispute
                | EntryType::DisputeFee
                | EntryType::DisputeReversal
                | EntryType::PayoutFailure
        )
    }

    /// The compact code used by the netting hot path.
    pub fn code(self) -> u8 {
        match self {
            EntryType::Payment => 0,
            EntryType::Fee => 1,
            EntryType::Refund => 2,
            EntryType::Dispute => 3,
            EntryType::DisputeFee => 4,
            EntryType::DisputeReversal => 5,
            EntryType::ReserveHold => 6,
            EntryType::ReserveRelease => 7,
            EntryType::Conversion => 8,
            EntryType::CarryForward => 9,
            EntryType::Payout => 10,
            EntryType::PayoutFailure => 11,
        }
    }
}

/// How a converted entry's amount was obtained (on a `conversion` line: the currency, total
/// and rate of the activity the spread was charged on): the original amount in the charge currency
/// and the mid-market rate applied (units of the settlement currency per unit of the
/// original). The spread is not in here: it is the settlement's `conversion` line.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EntryConversion {
    pub original_amount: i64,
    pub original_currency: Currency,
    #[serde(with = "rust_decimal::serde::str")]
    pub rate: Decimal,
}

/// One balance entry, `{ id, object: "balance_entry", type, source, amount, currency, … }`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BalanceEntry {
    pub id: Id,
    #[serde(rename = "type")]
    pub entry_type: EntryType,
    pub source: Id,
    /// Minor units of `currency`; in a settlement, of the settlement's currency.
    pub amount: i64,
    pub currency: Currency,
    pub created_at: DateTime<Utc>,
    /// Present when the entry was converted into the settlement currency.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conversion: Option<EntryConversion>,
}

impl BalanceEntry {
    /// The entry's amount in the currency it was created in.
    pub fn original_amount(&self) -> (i64, Currency) {
        match &self.conversion {
            Some(c) => (c.original_amount, c.original_currency),
            None => (self.amount, self.currency),
        }
    }

    /// Whether the source has the prefix the type requires: the "traces to one source"
    /// invariant, checked wherever entries are made.
    pub fn source_matches_type(&self) -> bool {
        self.source.prefix() == self.entry_type.source_prefix()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_names_round_trip_and_codes_are_distinct() {
        let mut codes = std::collections::BTreeSet::new();
        for t in EntryType::ALL {
            assert_eq!(EntryType::from_str_opt(t.as_str()), Some(t));
            let json = serde_json::to_string(&t).unwrap();
            assert_eq!(json, format!("\"{}\"", t.as_str()));
            assert!(codes.insert(t.code()));
        }
        assert_eq!(EntryType::from_str_opt("nope"), None);
    }
}
