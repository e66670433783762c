//! Reading the engine: settlements, payouts, the ledger, events, reserve and roll-forward
//! balances, and tracking a source to the payout that moves it ("when will this reach my
//! bank?"). Nothing here changes the engine except `take_events`, which hands events out once.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::account::Maturity;
use super::engine::Engine;
use super::entry::BalanceEntry;
use super::error::SettlementError;
use super::objects::{Event, Payout, PayoutStatus, Settlement};
use super::payout_calendar::PayoutCalendar;
use super::reserve::ReserveStatus;
use crate::currency::Currency;
use crate::ids::Id;

/// Where a source stands: settled or not, paid out or not, and when.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Tracking {
    pub source: Id,
    pub settlements: Vec<Id>,
    pub payout: Option<Id>,
    pub payout_status: Option<PayoutStatus>,
    /// The payout date: known once settled, projected from the schedule and the current
    /// maturity before that (`None` when the net rolled forward).
    pub expected_payout_date: Option<NaiveDate>,
}

impl Engine {
    pub fn settlements(&self) -> &[Settlement] {
        &self.settlements
    }

    pub fn settlement(&self, id: &str) -> Option<&Settlement> {
        self.settlement_position(id)
            .and_then(|i| self.settlements.get(i))
    }

    /// Where the settlement `id` is in [`Engine::settlements`].
    pub fn settlement_position(&self, id: &str) -> Option<usize> {
        self.settlement_index.get(&Id::parse(id).ok()?).copied()
    }

    pub fn payouts(&self) -> &[Payout] {
        &self.payouts
    }

    pub fn payout(&self, id: &str) -> Option<&Payout> {
        self.payout_position(id).and_then(|i| self.payouts.get(i))
    }

    /// Where the payout `id` is in [`Engine::payouts`].
    pub fn payout_position(&self, id: &str) -> Option<usize> {
        self.payout_index.get(&Id::parse(id).ok()?).copied()
    }

    /// Every balance entry ever made, in order: activity (in its own currency), settlement
    /// lines and payouts.
    pub fn ledger(&self) -> &[BalanceEntry] {
        &self.ledger
    }

    /// Events since the last call, oldest first.
    pub fn take_events(&mut self) -> Vec<Event> {
        std::mem::take(&mut self.events)
    }

    /// Seed 004's `account.reserve` for one payout currency.
    pub fn reserve(&self, currency: Currency) -> Option<ReserveStatus> {
        let cfg = self.config.reserve?;
        let held = self.balances.get(&currency).map_or(0, |b| b.reserve.held());
        Some(ReserveStatus::new(cfg, held))
    }

    /// The balance rolled forward below the minimum payout, by payout currency.
    pub fn carried_forward(&self, currency: Currency) -> i64 {
        self.balances.get(&currency).map_or(0, |b| b.carry)
    }

    /// Σ of unsettled activity that settles into `currency`, in the activity's own currencies.
    pub fn pending(&self, currency: Currency) -> BTreeMap<Currency, i64> {
        let mut out = BTreeMap::new();
        for p in self.pending.iter().filter(|p| p.target == currency) {
            let slot = out.entry(p.entry.currency).or_insert(0i64);
            *slot = slot.saturating_add(p.entry.amount);
        }
        out
    }

    /// "When will this reach my bank?": where a source (`pay_`, `re_`, `dp_`, `po_`) stands.
    pub fn track(&self, source: &str) -> Result<Tracking, SettlementError> {
        let id = Id::parse(source).map_err(|e| SettlementError::InvalidId {
            field: "source",
            message: e.to_string(),
        })?;
        let indices = self.settled_sources.get(&id).cloned().unwrap_or_default();
        let settled: Vec<&Settlement> = indices
            .iter()
            .filter_map(|&i| self.settlements.get(i))
            .collect();
        if let Some(last) = settled.last() {
            let payout = last.payout.as_ref().and_then(|p| self.payout(p.as_str()));
            return Ok(Tracking {
                source: id,
                settlements: settled.iter().map(|s| s.id.clone()).collect(),
                payout: last.payout.clone(),
                payout_status: payout.map(|p| p.status),
                expected_payout_date: payout.map(|p| p.arrival_date),
            });
        }
        let pending = self
            .pending
            .iter()
            .find(|p| p.entry.source == id)
            .ok_or_else(|| SettlementError::NotFound {
                field: "source",
                kind: "balance entry source",
                id: id.to_string(),
            })?;
        let (_, end) = self
            .config
            .schedule
            .window_containing(pending.entry.created_at.date_naive())
            .ok_or(SettlementError::Overflow { field: "source" })?;
        let delay = if self.mature {
            self.config.schedule.delay_days()
        } else {
            match self.config.maturity {
                Maturity::New {
                    initial_delay_days, ..
                } => self.config.schedule.delay_days().max(initial_delay_days),
                Maturity::Established => self.config.schedule.delay_days(),
            }
        };
        let last_day = end.pred_opt().unwrap_or(end);
        let date =
            PayoutCalendar::for_currency(pending.target).add_business_days(last_day, delay)?;
        Ok(Tracking {
            source: id,
            settlements: Vec::new(),
            payout: None,
            payout_status: None,
            expected_payout_date: Some(date),
        })
    }
}
