//! A source (a payment, refund, dispute or payout) followed to the payout that finally moves
//! its money: what `SettlementEngine.track` answers in JS.

use chrono::NaiveDate;
use serde::Serialize;

use super::{Engine, EntryType, PayoutStatus, Settlement, SettlementError};
use crate::currency::Currency;
use crate::ids::Id;

/// Where a source's money stands and when it reaches the bank, following it through
/// minimum-payout roll-forwards and failed payouts to the settlement that finally pays it.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TrackingView {
    pub source: Id,
    /// `unsettled`, `scheduled` (payout pending), `paid`, `rolled_forward` (below the
    /// minimum, waiting for more), `payout_failed` (returning to the balance) or `no_payout`
    /// (its settlement netted to zero or less).
    pub status: &'static str,
    /// Every settlement the money went through, oldest first.
    pub settlements: Vec<Id>,
    pub settlement_id: Option<Id>,
    pub payout_id: Option<Id>,
    pub payout_status: Option<PayoutStatus>,
    /// The payout's date (projected from the schedule while unsettled).
    pub expected_arrival: Option<NaiveDate>,
    /// Σ of the source's entries: in the settlement currency once settled, in the charge
    /// currency before (conversion happens at settlement time).
    pub amount: i64,
    pub currency: Option<Currency>,
}

/// At most this many roll-forward / failed-payout hops are followed (a loop guard; each hop
/// is a settlement, so real chains are short).
const MAX_HOPS: usize = 366;

/// Where `source`'s money stands, following it through minimum-payout roll-forwards and failed
/// payouts to the settlement that finally pays it.
pub fn follow(engine: &Engine, source: &str) -> Result<TrackingView, SettlementError> {
    let t = engine.track(source)?;
    let all = engine.settlements();
    let ours: Vec<&Settlement> = t
        .settlements
        .iter()
        .filter_map(|id| engine.settlement(id.as_str()))
        .collect();
    let mut view = TrackingView {
        source: t.source.clone(),
        status: "unsettled",
        settlements: t.settlements.clone(),
        settlement_id: None,
        payout_id: None,
        payout_status: None,
        expected_arrival: t.expected_payout_date,
        amount: 0,
        currency: None,
    };
    let Some(mut current) = ours.last().copied() else {
        let entries = engine
            .ledger()
            .iter()
            .filter(|e| e.source == t.source && e.entry_type.is_activity());
        for e in entries {
            view.amount = view.amount.saturating_add(e.amount);
            view.currency = Some(e.currency);
        }
        return Ok(view);
    };
    for s in &ours {
        for e in s.entries.iter().filter(|e| e.source == t.source) {
            view.amount = view.amount.saturating_add(e.amount);
        }
    }
    view.currency = Some(current.currency);
    for _ in 0..MAX_HOPS {
        view.settlement_id = Some(current.id.clone());
        let next = match current
            .payout
            .as_ref()
            .and_then(|p| engine.payout(p.as_str()))
        {
            None => {
                let rolled = current
                    .entries
                    .iter()
                    .any(|e| e.entry_type == EntryType::CarryForward && e.source == current.id);
                view.status = if rolled {
                    "rolled_forward"
                } else {
                    "no_payout"
                };
                view.expected_arrival = None;
                // The next settlement that brings the carried balance back in.
                all.iter().find(|s| {
                    s.id != current.id
                        && s.entries.iter().any(|e| {
                            e.entry_type == EntryType::CarryForward && e.source == current.id
                        })
                })
            }
            Some(p) => {
                view.payout_id = Some(p.id.clone());
                view.payout_status = Some(p.status);
                view.expected_arrival = Some(p.arrival_date);
                if p.status != PayoutStatus::Failed {
                    view.status = if p.status == PayoutStatus::Paid {
                        "paid"
                    } else {
                        "scheduled"
                    };
                    return Ok(view);
                }
                view.status = "payout_failed";
                // The money returns as a `payout_failure` entry: projected until settled.
                view.expected_arrival = engine.track(p.id.as_str())?.expected_payout_date;
                all.iter().find(|s| {
                    s.entries
                        .iter()
                        .any(|e| e.entry_type == EntryType::PayoutFailure && e.source == p.id)
                })
            }
        };
        match next {
            Some(s) => {
                view.settlements.push(s.id.clone());
                view.payout_id = None;
                view.payout_status = None;
                current = s;
            }
            None => return Ok(view),
        }
    }
    Ok(view)
}
