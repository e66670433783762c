//! The netting engine: activity in, simulated time advanced, settlements and payouts out.
//!
//! Pure and deterministic: time only comes from arguments, ids from the caller's
//! [`RandomSource`], and every collection iterates in a fixed order, so the same inputs give
//! byte-identical settlements.
//!
//! Timeline rules:
//! - activity is recorded at a time not earlier than the engine's clock (windows before the
//!   clock are closed and cannot change);
//! - [`Engine::advance_to`] walks forward: at each window end it closes that window for every
//!   payout currency with something to settle; at each payout's arrival date (00:00 UTC, or
//!   its creation if later) the payout is paid, or fails when the bank details are stale;
//! - at equal instants the window closes first, then the payouts due are processed.

use std::collections::{BTreeMap, HashMap};
use std::hash::BuildHasherDefault;

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};
use rust_decimal::Decimal;

use super::account::{AccountConfig, Maturity};
use super::entry::{BalanceEntry, EntryConversion, EntryType};
use super::error::{add, neg, SettlementError};
use super::fx::{convert_amount, spread_fee, ConversionRecord, FxTable};
use super::objects::{Event, EventData, Payout, PayoutStatus, Settlement, Summary};
use super::payout_calendar::PayoutCalendar;
use super::reserve::ReserveLedger;
use crate::currency::Currency;
use crate::host::RandomSource;
use crate::ids::{Id, IdHasher, IdPrefix};
use crate::money::{Money, Rounding};

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct PaymentRecord {
    pub(super) amount: Money,
    /// Refunded plus disputed so far (all disputes count, whatever their outcome: the
    /// conservative reading of "refunds and disputes never exceed the captured amount").
    pub(super) claimed: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DisputeOutcome {
    Won,
    Lost,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct DisputeRecord {
    pub(super) amount: Money,
    pub(super) fee: i64,
    pub(super) outcome: Option<DisputeOutcome>,
}

/// Per payout currency: what rolled forward and what the reserve holds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct Balance {
    /// Minor units rolled forward by the settlement `carry_source`.
    pub(super) carry: i64,
    pub(super) carry_source: Option<Id>,
    pub(super) reserve: ReserveLedger,
}

/// An unsettled entry and the payout currency it settles into.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Pending {
    pub(super) target: Currency,
    pub(super) entry: BalanceEntry,
}

/// The settlement engine of one account.
#[derive(Debug, Clone)]
pub struct Engine {
    pub(super) config: AccountConfig,
    pub(super) fx: FxTable,
    pub(super) livemode: bool,
    pub(super) clock: DateTime<Utc>,
    /// Looked up by id, never walked: hashed, since every capture, refund and dispute looks
    /// one up (a tree of string keys cost more, and more as it grew).
    pub(super) payments: IdMap<PaymentRecord>,
    pub(super) refunds: IdMap<Id>,
    pub(super) disputes: IdMap<DisputeRecord>,
    pub(super) pending: Vec<Pending>,
    pub(super) ledger: Vec<BalanceEntry>,
    pub(super) balances: BTreeMap<Currency, Balance>,
    pub(super) settlements: Vec<Settlement>,
    pub(super) settlement_index: BTreeMap<Id, usize>,
    /// Source → the settlements its entries are in.
    pub(super) settled_sources: BTreeMap<Id, Vec<usize>>,
    pub(super) payouts: Vec<Payout>,
    pub(super) payout_index: BTreeMap<Id, usize>,
    pub(super) events: Vec<Event>,
    pub(super) first_payment_on: Option<NaiveDate>,
    pub(super) mature: bool,
    /// A configuration waiting for the end of the current window (see `config_change.rs`).
    pub(super) next_config: Option<(DateTime<Utc>, AccountConfig)>,
    /// Where the next window starts when a schedule change made it start mid-way.
    pub(super) window_floor: Option<NaiveDate>,
}

pub(super) type IdMap<V> = HashMap<Id, V, BuildHasherDefault<IdHasher>>;

pub(super) fn midnight(date: NaiveDate) -> DateTime<Utc> {
    date.and_time(NaiveTime::MIN).and_utc()
}

impl Engine {
    /// An engine for an account whose clock starts at `start`.
    pub fn new(config: AccountConfig, start: DateTime<Utc>) -> Result<Engine, SettlementError> {
        config.validate()?;
        let mature = config.maturity == Maturity::Established;
        Ok(Engine {
            config,
            fx: FxTable::new(),
            livemode: false,
            clock: start,
            payments: IdMap::default(),
            refunds: IdMap::default(),
            disputes: IdMap::default(),
            pending: Vec::new(),
            ledger: Vec::new(),
            balances: BTreeMap::new(),
            settlements: Vec::new(),
            settlement_index: BTreeMap::new(),
            settled_sources: BTreeMap::new(),
            payouts: Vec::new(),
            payout_index: BTreeMap::new(),
            events: Vec::new(),
            first_payment_on: None,
            mature,
            next_config: None,
            window_floor: None,
        })
    }

    /// Events carry `livemode: false` unless set (the engine mostly runs in the sandbox).
    pub fn set_livemode(&mut self, livemode: bool) {
        self.livemode = livemode;
    }

    pub fn config(&self) -> &AccountConfig {
        &self.config
    }

    /// The bank-details flag: while set, payouts fail on their date.
    pub fn set_bank_details_stale(&mut self, stale: bool) {
        self.config.bank_details_stale = stale;
    }

    pub fn fx_mut(&mut self) -> &mut FxTable {
        &mut self.fx
    }

    pub fn fx(&self) -> &FxTable {
        &self.fx
    }

    pub fn clock(&self) -> DateTime<Utc> {
        self.clock
    }

    pub fn is_mature(&self) -> bool {
        self.mature
    }

    // ---- time ----------------------------------------------------------------------------

    /// The end of the window that contains `at`.
    pub(super) fn window_end(
        &self,
        at: DateTime<Utc>,
    ) -> Result<(NaiveDate, NaiveDate), SettlementError> {
        self.config
            .schedule
            .window_containing(at.date_naive())
            .ok_or(SettlementError::Overflow { field: "to" })
    }

    pub(super) fn next_payout_due(&self) -> Option<(DateTime<Utc>, usize)> {
        self.payouts
            .iter()
            .enumerate()
            .filter(|(_, p)| p.status == PayoutStatus::Pending)
            .map(|(i, p)| (midnight(p.arrival_date).max(p.created_at), i))
            .min()
    }

    /// Moves the clock to `to`, closing every window and paying every payout due on the way.
    /// On error the engine stays at the last instant it fully processed.
    pub fn advance_to(
        &mut self,
        rng: &mut dyn RandomSource,
        to: DateTime<Utc>,
    ) -> Result<(), SettlementError> {
        if to < self.clock {
            return Err(SettlementError::BeforeClock {
                field: "to",
                clock: self.clock.to_rfc3339(),
            });
        }
        loop {
            let (start, end) = self.window_end(self.clock)?;
            let close = midnight(end);
            match self.next_payout_due() {
                Some((due, index)) if due < close && due <= to => {
                    self.clock = self.clock.max(due);
                    self.process_payout(rng, index, due)?;
                }
                _ if close <= to => {
                    let start = self.window_floor.take().map_or(start, |f| f.max(start));
                    self.close_window(rng, start, end)?;
                    self.clock = close;
                    self.apply_next_config(end);
                }
                _ => break,
            }
        }
        self.clock = to;
        Ok(())
    }

    /// Runs until the start of `date` (UTC): every window ending on or before it is closed.
    pub fn run_until(
        &mut self,
        rng: &mut dyn RandomSource,
        date: NaiveDate,
    ) -> Result<(), SettlementError> {
        self.advance_to(rng, midnight(date))
    }

    fn process_payout(
        &mut self,
        rng: &mut dyn RandomSource,
        index: usize,
        at: DateTime<Utc>,
    ) -> Result<(), SettlementError> {
        if self.config.bank_details_stale {
            return self.fail_payout_at(rng, index, "stale_bank_details", at);
        }
        let payout = self
            .payouts
            .get_mut(index)
            .ok_or(SettlementError::Overflow { field: "id" })?;
        payout.status = PayoutStatus::Paid;
        let payout = payout.clone();
        self.emit(rng, "payout.paid", at, EventData::Payout(payout));
        Ok(())
    }

    /// The delay for a window closing on `end`, applying the new-account rule (see
    /// [`Maturity`]).
    fn delay_for(&mut self, end: NaiveDate) -> u32 {
        let configured = self.config.schedule.delay_days();
        match self.config.maturity {
            Maturity::Established => configured,
            Maturity::New {
                initial_delay_days,
                min_age_days,
                min_settlements,
            } => {
                if !self.mature {
                    let old_enough = self
                        .first_payment_on
                        .is_some_and(|first| (end - first).num_days() >= i64::from(min_age_days));
                    let enough_history = self.settlements.len() >= min_settlements as usize;
                    self.mature = old_enough && enough_history;
                }
                if self.mature {
                    configured
                } else {
                    configured.max(initial_delay_days)
                }
            }
        }
    }

    fn close_window(
        &mut self,
        rng: &mut dyn RandomSource,
        start: NaiveDate,
        end: NaiveDate,
    ) -> Result<(), SettlementError> {
        let close = midnight(end);
        let mut targets: Vec<Currency> = self
            .pending
            .iter()
            .filter(|p| p.entry.created_at < close)
            .map(|p| p.target)
            .collect();
        targets.extend(
            self.balances
                .iter()
                .filter(|(_, b)| b.reserve.has_release_due(end))
                .map(|(c, _)| *c),
        );
        targets.sort();
        targets.dedup();
        if targets.is_empty() {
            return Ok(());
        }
        let delay = self.delay_for(end);
        for target in targets {
            self.settle(rng, target, start, end, delay)?;
        }
        Ok(())
    }

    /// Nets one payout currency's window into a settlement (and a payout when it reaches the
    /// minimum). Computes everything first and commits after, so an error changes nothing.
    fn settle(
        &mut self,
        rng: &mut dyn RandomSource,
        currency: Currency,
        start: NaiveDate,
        end: NaiveDate,
        delay: u32,
    ) -> Result<(), SettlementError> {
        let close = midnight(end);
        let last_day = end.pred_opt().unwrap_or(end);
        let calendar = PayoutCalendar::for_currency(currency);
        let payout_date = calendar.add_business_days(last_day, delay)?;
        debug_assert!(calendar.is_business_day(payout_date));

        let (items, rest): (Vec<Pending>, Vec<Pending>) = self
            .pending
            .iter()
            .cloned()
            .partition(|p| p.target == currency && p.entry.created_at < close);
        let balance = self.balances.get(&currency).cloned().unwrap_or_default();
        let settlement_id = Id::generate(IdPrefix::Settlement, rng);
        let line =
            |rng: &mut dyn RandomSource, t: EntryType, source: &Id, amount: i64| BalanceEntry {
                id: Id::generate(IdPrefix::BalanceEntry, rng),
                entry_type: t,
                source: source.clone(),
                amount,
                currency,
                created_at: close,
                conversion: None,
            };

        // 1. Activity, converted at the mid rate where its currency differs.
        let mut entries: Vec<BalanceEntry> = Vec::with_capacity(items.len() + 4);
        let mut converted: BTreeMap<Currency, (Decimal, i64, i64)> = BTreeMap::new();
        for p in items {
            let mut e = p.entry;
            if e.currency != currency {
                let rate = self.fx.rate(e.currency, currency, last_day)?;
                let amount = convert_amount(e.amount, e.currency, currency, rate)?;
                let slot = converted.entry(e.currency).or_insert((rate, 0, 0));
                slot.1 = add(slot.1, e.amount, "amount")?;
                slot.2 = add(slot.2, amount, "amount")?;
                e.conversion = Some(EntryConversion {
                    original_amount: e.amount,
                    original_currency: e.currency,
                    rate,
                });
                e.amount = amount;
                e.currency = currency;
            }
            entries.push(e);
        }
        // 2. The spread: one distinct conversion line per source currency.
        let mut conversions = Vec::with_capacity(converted.len());
        for (from, (rate, original, amount)) in converted {
            let fee = spread_fee(amount, currency, self.config.fx_spread)?;
            conversions.push(ConversionRecord {
                from_currency: from,
                to_currency: currency,
                rate,
                spread: self.config.fx_spread,
                original_amount: original,
                converted_amount: amount,
                fee,
            });
            if fee != 0 {
                // The line names what it was charged on: the currency and total converted.
                let mut e = line(rng, EntryType::Conversion, &settlement_id, fee);
                e.conversion = Some(EntryConversion {
                    original_amount: original,
                    original_currency: from,
                    rate,
                });
                entries.push(e);
            }
        }
        let activity_net = entries
            .iter()
            .try_fold(0i64, |acc, e| add(acc, e.amount, "amount"))?;

        // 3. Reserve: releases due, then this settlement's hold.
        let mut reserve = balance.reserve.clone();
        for (source, amount) in reserve.take_releases_due(end) {
            entries.push(line(rng, EntryType::ReserveRelease, &source, amount));
        }
        if let Some(cfg) = self.config.reserve {
            if activity_net > 0 {
                let hold = Money::new(activity_net, currency)
                    .apply_rate(cfg.percent / Decimal::ONE_HUNDRED, Rounding::HalfUp)
                    .map_err(SettlementError::money("reserve.percent"))?
                    .amount();
                if hold > 0 {
                    let release_on = end
                        .checked_add_signed(Duration::days(i64::from(cfg.hold_days)))
                        .ok_or(SettlementError::Overflow {
                            field: "reserve.holdDays",
                        })?;
                    reserve.hold(settlement_id.clone(), hold, release_on);
                    let debit = neg(hold, "amount")?;
                    entries.push(line(rng, EntryType::ReserveHold, &settlement_id, debit));
                }
            }
        }

        // 4. What an earlier settlement rolled forward comes in.
        if let (Some(source), true) = (&balance.carry_source, balance.carry != 0) {
            entries.push(line(rng, EntryType::CarryForward, source, balance.carry));
        }
        let before_minimum = entries
            .iter()
            .try_fold(0i64, |acc, e| add(acc, e.amount, "amount"))?;

        // 5. Below the minimum payout (including zero and negative), the net rolls forward.
        let mut new_balance = Balance {
            carry: 0,
            carry_source: None,
            reserve,
        };
        if before_minimum < self.config.minimum_payout && before_minimum != 0 {
            let out = neg(before_minimum, "amount")?;
            entries.push(line(rng, EntryType::CarryForward, &settlement_id, out));
            new_balance.carry = before_minimum;
            new_balance.carry_source = Some(settlement_id.clone());
        }
        let summary = Summary::from_entries(&settlement_id, currency, &entries)?;
        debug_assert_eq!(summary.lines_total(), Some(summary.net));
        debug_assert!(summary.net == 0 || summary.net >= self.config.minimum_payout);
        debug_assert!(entries.iter().all(BalanceEntry::source_matches_type));
        // Conservation: carry in + new items = payout + carry out + change in reserves.
        debug_assert_eq!(
            Some(balance.carry + activity_net),
            Some(
                summary.net + new_balance.carry + new_balance.reserve.held()
                    - balance.reserve.held()
            )
        );

        // Commit.
        let net = summary.net;
        let payout_id = if net > 0 {
            Some(self.add_to_payout(rng, currency, payout_date, net, &settlement_id, close)?)
        } else {
            None
        };
        let settlement = Settlement {
            id: settlement_id.clone(),
            object: "settlement".into(),
            currency,
            period_start: midnight(start),
            period_end: close,
            payout_date,
            created_at: close,
            summary,
            conversions,
            payout: payout_id,
            entries,
        };
        let index = self.settlements.len();
        for e in &settlement.entries {
            let slot = self.settled_sources.entry(e.source.clone()).or_default();
            if slot.last() != Some(&index) {
                slot.push(index);
            }
        }
        self.pending = rest;
        self.balances.insert(currency, new_balance);
        self.settlement_index.insert(settlement_id, index);
        self.settlements.push(settlement.clone());
        self.emit(
            rng,
            "settlement.created",
            close,
            EventData::Settlement(Box::new(settlement)),
        );
        Ok(())
    }

    /// Adds a settlement's net to the pending payout of the same currency and date, or
    /// creates one: settlements that pay out on the same day roll into one transfer.
    fn add_to_payout(
        &mut self,
        rng: &mut dyn RandomSource,
        currency: Currency,
        date: NaiveDate,
        net: i64,
        settlement: &Id,
        at: DateTime<Utc>,
    ) -> Result<Id, SettlementError> {
        let existing = self.payouts.iter().position(|p| {
            p.status == PayoutStatus::Pending && p.currency == currency && p.arrival_date == date
        });
        let index = match existing {
            Some(i) => i,
            None => {
                let id = Id::generate(IdPrefix::Payout, rng);
                self.payout_index.insert(id.clone(), self.payouts.len());
                self.payouts.push(Payout {
                    id,
                    object: "payout".into(),
                    amount: 0,
                    currency,
                    arrival_date: date,
                    status: PayoutStatus::Pending,
                    created_at: at,
                    failure_reason: None,
                    settlements: Vec::new(),
                });
                self.payouts.len() - 1
            }
        };
        let payout = self
            .payouts
            .get_mut(index)
            .ok_or(SettlementError::Overflow { field: "id" })?;
        payout.amount = add(payout.amount, net, "amount")?;
        payout.settlements.push(settlement.clone());
        let id = payout.id.clone();
        self.ledger.push(BalanceEntry {
            id: Id::generate(IdPrefix::BalanceEntry, rng),
            entry_type: EntryType::Payout,
            source: id.clone(),
            amount: neg(net, "amount")?,
            currency,
            created_at: at,
            conversion: None,
        });
        Ok(id)
    }
}
