//! Activity in: payments, refunds, disputes and payout failures recorded on the engine.
//!
//! Every input is validated before anything changes, and every error names its field:
//! refunds plus disputes of a payment never exceed its captured amount, activity is never
//! earlier than the engine's clock, ids have the right prefix and are not reused.

use chrono::{DateTime, Utc};

use super::engine::{DisputeOutcome, DisputeRecord, Engine, IdMap, PaymentRecord, Pending};
use super::entry::{BalanceEntry, EntryType};
use super::error::{neg, SettlementError};
use super::objects::{Event, EventData, PayoutStatus};
use crate::currency::Currency;
use crate::host::RandomSource;
use crate::ids::{Id, IdPrefix};
use crate::money::Money;

impl Engine {
    pub(super) fn check_time(
        &self,
        at: DateTime<Utc>,
        field: &'static str,
    ) -> Result<(), SettlementError> {
        if at < self.clock {
            return Err(SettlementError::BeforeClock {
                field,
                clock: self.clock.to_rfc3339(),
            });
        }
        Ok(())
    }

    pub(super) fn parse_id(
        s: &str,
        prefix: IdPrefix,
        field: &'static str,
    ) -> Result<Id, SettlementError> {
        Id::parse_with_prefix(s, prefix).map_err(|e| SettlementError::InvalidId {
            field,
            message: e.to_string(),
        })
    }

    /// Parses the id of a new object and refuses one already recorded in `existing`.
    fn new_id<V>(existing: &IdMap<V>, s: &str, prefix: IdPrefix) -> Result<Id, SettlementError> {
        let id = Self::parse_id(s, prefix, "id")?;
        if existing.contains_key(&id) {
            return Err(SettlementError::DuplicateId {
                field: "id",
                id: id.to_string(),
            });
        }
        Ok(id)
    }

    fn push_entry(
        &mut self,
        rng: &mut dyn RandomSource,
        entry_type: EntryType,
        source: &Id,
        amount: Money,
        at: DateTime<Utc>,
        target: Currency,
    ) {
        let entry = BalanceEntry {
            id: Id::generate(IdPrefix::BalanceEntry, rng),
            entry_type,
            source: source.clone(),
            amount: amount.amount(),
            currency: amount.currency(),
            created_at: at,
            conversion: None,
        };
        debug_assert!(entry.source_matches_type());
        self.ledger.push(entry.clone());
        self.pending.push(Pending { target, entry });
    }

    /// A captured payment: a `payment` entry and its `fee` (percent half-up plus fixed).
    pub fn record_payment(
        &mut self,
        rng: &mut dyn RandomSource,
        id: &str,
        amount: Money,
        captured_at: DateTime<Utc>,
    ) -> Result<(), SettlementError> {
        let id = Self::new_id(&self.payments, id, IdPrefix::Payment)?;
        if !amount.is_positive() {
            return Err(SettlementError::NonPositiveAmount { field: "amount" });
        }
        self.check_time(captured_at, "capturedAt")?;
        let currency = amount.currency();
        let fee = self.config.fees_for(currency).processing_fee(amount)?;
        let fee = Money::new(neg(fee, "fee")?, currency);
        let target = self.config.payout_currency_for(currency);
        self.push_entry(rng, EntryType::Payment, &id, amount, captured_at, target);
        if !fee.is_zero() {
            self.push_entry(rng, EntryType::Fee, &id, fee, captured_at, target);
        }
        self.payments
            .insert(id, PaymentRecord { amount, claimed: 0 });
        let day = captured_at.date_naive();
        self.first_payment_on = Some(self.first_payment_on.map_or(day, |d| d.min(day)));
        Ok(())
    }

    /// Checks a refund or dispute of `amount` against the payment and reserves it.
    fn claim(
        &mut self,
        payment_id: &str,
        amount: Money,
        at: DateTime<Utc>,
        at_field: &'static str,
    ) -> Result<Id, SettlementError> {
        let payment_id = Self::parse_id(payment_id, IdPrefix::Payment, "paymentId")?;
        let record = self
            .payments
            .get(&payment_id)
            .ok_or_else(|| SettlementError::NotFound {
                field: "paymentId",
                kind: "payment",
                id: payment_id.to_string(),
            })?;
        if amount.currency() != record.amount.currency() {
            return Err(SettlementError::CurrencyMismatch {
                field: "currency",
                expected: record.amount.currency(),
                found: amount.currency(),
            });
        }
        if !amount.is_positive() {
            return Err(SettlementError::NonPositiveAmount { field: "amount" });
        }
        self.check_time(at, at_field)?;
        let available = record.amount.amount() - record.claimed;
        if amount.amount() > available {
            return Err(SettlementError::ExceedsPayment {
                field: "amount",
                payment: payment_id.to_string(),
                requested: amount.amount(),
                available,
            });
        }
        if let Some(r) = self.payments.get_mut(&payment_id) {
            r.claimed += amount.amount();
            debug_assert!(r.claimed <= r.amount.amount());
        }
        Ok(payment_id)
    }

    /// A refund of (part of) a payment. Fees are not returned on refunds.
    pub fn record_refund(
        &mut self,
        rng: &mut dyn RandomSource,
        id: &str,
        payment_id: &str,
        amount: Money,
        at: DateTime<Utc>,
    ) -> Result<(), SettlementError> {
        let id = Self::new_id(&self.refunds, id, IdPrefix::Refund)?;
        let payment_id = self.claim(payment_id, amount, at, "createdAt")?;
        let debit = amount
            .checked_neg()
            .map_err(SettlementError::money("amount"))?;
        let target = self.config.payout_currency_for(amount.currency());
        self.push_entry(rng, EntryType::Refund, &id, debit, at, target);
        self.refunds.insert(id, payment_id);
        Ok(())
    }

    /// A dispute: the disputed amount and the dispute fee are held (`dispute` and
    /// `dispute_fee` entries) from the next settlement until it resolves.
    pub fn open_dispute(
        &mut self,
        rng: &mut dyn RandomSource,
        id: &str,
        payment_id: &str,
        amount: Money,
        at: DateTime<Utc>,
    ) -> Result<(), SettlementError> {
        let id = Self::new_id(&self.disputes, id, IdPrefix::Dispute)?;
        self.claim(payment_id, amount, at, "createdAt")?;
        let currency = amount.currency();
        let fee = self.config.fees_for(currency).dispute_fee;
        let target = self.config.payout_currency_for(currency);
        let debit = amount
            .checked_neg()
            .map_err(SettlementError::money("amount"))?;
        self.push_entry(rng, EntryType::Dispute, &id, debit, at, target);
        if fee != 0 {
            let fee_debit = Money::new(neg(fee, "fee")?, currency);
            self.push_entry(rng, EntryType::DisputeFee, &id, fee_debit, at, target);
        }
        self.disputes.insert(
            id,
            DisputeRecord {
                amount,
                fee,
                outcome: None,
            },
        );
        Ok(())
    }

    /// Resolves a dispute. A win credits the hold and its fee back (`dispute_reversal`); a
    /// loss keeps them.
    pub fn resolve_dispute(
        &mut self,
        rng: &mut dyn RandomSource,
        id: &str,
        outcome: DisputeOutcome,
        at: DateTime<Utc>,
    ) -> Result<(), SettlementError> {
        let id = Self::parse_id(id, IdPrefix::Dispute, "id")?;
        self.check_time(at, "resolvedAt")?;
        let record = self
            .disputes
            .get(&id)
            .ok_or_else(|| SettlementError::NotFound {
                field: "id",
                kind: "dispute",
                id: id.to_string(),
            })?
            .clone();
        if record.outcome.is_some() {
            return Err(SettlementError::DisputeResolved { field: "id" });
        }
        if outcome == DisputeOutcome::Won {
            let credit = record
                .amount
                .checked_add(Money::new(record.fee, record.amount.currency()))
                .map_err(SettlementError::money("amount"))?;
            let target = self.config.payout_currency_for(credit.currency());
            self.push_entry(rng, EntryType::DisputeReversal, &id, credit, at, target);
        }
        if let Some(r) = self.disputes.get_mut(&id) {
            r.outcome = Some(outcome);
        }
        Ok(())
    }

    /// Fails a pending or paid payout (the bank rejected it): `payout.failed`, and the money
    /// returns to the balance as a `payout_failure` entry settled in the next window.
    pub fn fail_payout(
        &mut self,
        rng: &mut dyn RandomSource,
        id: &str,
        reason: &str,
        at: DateTime<Utc>,
    ) -> Result<(), SettlementError> {
        let id = Self::parse_id(id, IdPrefix::Payout, "id")?;
        self.check_time(at, "failedAt")?;
        let index = *self
            .payout_index
            .get(&id)
            .ok_or_else(|| SettlementError::NotFound {
                field: "id",
                kind: "payout",
                id: id.to_string(),
            })?;
        self.fail_payout_at(rng, index, reason, at)
    }

    pub(super) fn fail_payout_at(
        &mut self,
        rng: &mut dyn RandomSource,
        index: usize,
        reason: &str,
        at: DateTime<Utc>,
    ) -> Result<(), SettlementError> {
        let payout = self
            .payouts
            .get_mut(index)
            .ok_or(SettlementError::Overflow { field: "id" })?;
        if payout.status == PayoutStatus::Failed {
            return Err(SettlementError::PayoutAlreadyFailed { field: "id" });
        }
        payout.status = PayoutStatus::Failed;
        // Reasons are short machine words (`stale_bank_details`); cap what the host passes.
        payout.failure_reason = Some(reason.chars().take(64).collect());
        let payout = payout.clone();
        let money = Money::new(payout.amount, payout.currency);
        self.push_entry(
            rng,
            EntryType::PayoutFailure,
            &payout.id,
            money,
            at,
            payout.currency,
        );
        self.emit(rng, "payout.failed", at, EventData::Payout(payout));
        Ok(())
    }

    pub(super) fn emit(
        &mut self,
        rng: &mut dyn RandomSource,
        kind: &str,
        at: DateTime<Utc>,
        data: EventData,
    ) {
        self.events.push(Event {
            id: Id::generate(IdPrefix::Event, rng),
            object: "event".into(),
            event_type: kind.into(),
            created_at: at,
            livemode: self.livemode,
            data,
        });
    }
}
