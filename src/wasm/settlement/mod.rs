//! The settlement engine for JS: `SettlementEngine` (activity in, simulated time advanced,
//! settlements, payouts, statements and tracking out), and reconciliation.
//!
//! Everything structured crosses as JSON text in the engine's own camelCase wire shape (see
//! `docs/settlement.md`); amounts cross as JS numbers and are checked to be exact integers
//! before they become minor units. Every error is a `VinrCoreError` whose `param` names the
//! field at fault.

use std::str::FromStr;

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::Serialize;
use wasm_bindgen::prelude::*;

mod reconcile;

use super::{error, host::JsRandom, money};
use crate::error::ApiError;
use crate::money::Money;
use crate::settlement::{
    config_from_json, parse_activity, statement_csv, statement_pdf, tracking, DisputeOutcome,
    Engine, Settlement, SettlementError,
};

fn settlement_error(e: &SettlementError) -> JsValue {
    error::to_js(&e.to_api_error())
}

/// Serialising the engine's own types cannot fail (string keys, no floats); if it ever did,
/// that is a bug of ours, reported as a 500 rather than a panic.
pub(super) fn to_json<T: Serialize + ?Sized>(value: &T) -> Result<String, JsValue> {
    serde_json::to_string(value)
        .map_err(|e| error::to_js(&ApiError::internal(format!("serialising failed: {e}"))))
}

pub(super) fn invalid(param: &str, code: &str, message: impl Into<String>) -> JsValue {
    error::to_js(&ApiError::invalid_param(param, code, message))
}

/// An RFC 3339 instant for the parameter `param`.
fn instant(param: &str, text: &str) -> Result<DateTime<Utc>, JsValue> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| {
            invalid(
                param,
                "time_invalid",
                format!("{param} must be an RFC 3339 time such as 2026-04-15T10:30:00Z"),
            )
        })
}

/// A non-negative amount of `currency` (both checked, each naming its own field).
fn money_in(amount: f64, currency: &str) -> Result<Money, JsValue> {
    let currency = money::currency("currency", currency)?;
    let amount = money::amount("amount", amount)?;
    if amount < 0 {
        return Err(settlement_error(&SettlementError::NegativeAmount {
            field: "amount",
        }));
    }
    Ok(Money::new(amount, currency))
}

/// Runs `f` with the host's random source, then reports a failure of that source.
fn with_random<T>(
    fill: &js_sys::Function,
    f: impl FnOnce(&mut JsRandom) -> Result<T, SettlementError>,
) -> Result<T, JsValue> {
    let mut random = JsRandom::new(fill);
    let out = f(&mut random).map_err(|e| settlement_error(&e));
    random.finish()?;
    out
}

/// One account's settlement engine.
#[wasm_bindgen]
pub struct SettlementEngine {
    engine: Engine,
}

#[wasm_bindgen]
impl SettlementEngine {
    /// `config`: the account configuration as JSON (`{ payoutCurrency, schedule, … }`);
    /// `start`: the engine's clock, RFC 3339.
    #[wasm_bindgen(constructor)]
    pub fn new(config: &str, start: &str) -> Result<SettlementEngine, JsValue> {
        let config = config_from_json(config).map_err(|e| error::to_js(&e))?;
        let start = instant("start", start)?;
        let engine = Engine::new(config, start).map_err(|e| settlement_error(&e))?;
        Ok(SettlementEngine { engine })
    }

    /// The engine's clock, RFC 3339.
    pub fn clock(&self) -> String {
        self.engine
            .clock()
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
    }

    #[wasm_bindgen(js_name = recordPayment)]
    pub fn record_payment(
        &mut self,
        id: &str,
        amount: f64,
        currency: &str,
        captured_at: &str,
        fill: &js_sys::Function,
    ) -> Result<(), JsValue> {
        let amount = money_in(amount, currency)?;
        let at = instant("capturedAt", captured_at)?;
        with_random(fill, |r| self.engine.record_payment(r, id, amount, at))
    }

    #[wasm_bindgen(js_name = recordRefund)]
    pub fn record_refund(
        &mut self,
        id: &str,
        payment_id: &str,
        amount: f64,
        currency: &str,
        created_at: &str,
        fill: &js_sys::Function,
    ) -> Result<(), JsValue> {
        let amount = money_in(amount, currency)?;
        let at = instant("createdAt", created_at)?;
        with_random(fill, |r| {
            self.engine.record_refund(r, id, payment_id, amount, at)
        })
    }

    #[wasm_bindgen(js_name = openDispute)]
    pub fn open_dispute(
        &mut self,
        id: &str,
        payment_id: &str,
        amount: f64,
        currency: &str,
        created_at: &str,
        fill: &js_sys::Function,
    ) -> Result<(), JsValue> {
        let amount = money_in(amount, currency)?;
        let at = instant("createdAt", created_at)?;
        with_random(fill, |r| {
            self.engine.open_dispute(r, id, payment_id, amount, at)
        })
    }

    /// `outcome`: `won` or `lost`.
    #[wasm_bindgen(js_name = resolveDispute)]
    pub fn resolve_dispute(
        &mut self,
        id: &str,
        outcome: &str,
        resolved_at: &str,
        fill: &js_sys::Function,
    ) -> Result<(), JsValue> {
        let outcome = match outcome {
            "won" => DisputeOutcome::Won,
            "lost" => DisputeOutcome::Lost,
            _ => {
                return Err(invalid(
                    "outcome",
                    "outcome_invalid",
                    "outcome must be 'won' or 'lost'",
                ))
            }
        };
        let at = instant("resolvedAt", resolved_at)?;
        with_random(fill, |r| self.engine.resolve_dispute(r, id, outcome, at))
    }

    #[wasm_bindgen(js_name = failPayout)]
    pub fn fail_payout(
        &mut self,
        id: &str,
        reason: &str,
        failed_at: &str,
        fill: &js_sys::Function,
    ) -> Result<(), JsValue> {
        let at = instant("failedAt", failed_at)?;
        with_random(fill, |r| self.engine.fail_payout(r, id, reason, at))
    }

    /// One activity in the engine's JSON form (`{"type":"payment", …}`, see
    /// `settlement::activity`), as the sandbox will feed it.
    pub fn apply(&mut self, activity: &str, fill: &js_sys::Function) -> Result<(), JsValue> {
        let activity = parse_activity(activity).map_err(|e| settlement_error(&e))?;
        with_random(fill, |r| self.engine.apply(r, &activity))
    }

    /// The mid-market rate `to` units per `from` unit, in force from `asOf` (YYYY-MM-DD).
    #[wasm_bindgen(js_name = setFxRate)]
    pub fn set_fx_rate(
        &mut self,
        from: &str,
        to: &str,
        as_of: &str,
        rate: &str,
    ) -> Result<(), JsValue> {
        let from = money::currency("from", from)?;
        let to = money::currency("to", to)?;
        let as_of = NaiveDate::parse_from_str(as_of, "%Y-%m-%d").map_err(|_| {
            invalid(
                "asOf",
                "date_invalid",
                "asOf must be a date such as 2026-04-15",
            )
        })?;
        let rate = Decimal::from_str(rate)
            .or_else(|_| Decimal::from_scientific(rate))
            .map_err(|_| {
                invalid(
                    "rate",
                    "rate_invalid",
                    "rate must be a decimal such as 0.92",
                )
            })?;
        self.engine
            .fx_mut()
            .set_rate(from, to, as_of, rate)
            .map_err(|e| settlement_error(&e))
    }

    /// While set, payouts fail on their date (stale bank details).
    #[wasm_bindgen(js_name = setBankDetailsStale)]
    pub fn set_bank_details_stale(&mut self, stale: bool) {
        self.engine.set_bank_details_stale(stale);
    }

    /// Moves the clock forward to `to` (RFC 3339), closing windows and paying payouts due.
    #[wasm_bindgen(js_name = advanceTo)]
    pub fn advance_to(&mut self, to: &str, fill: &js_sys::Function) -> Result<(), JsValue> {
        let to = instant("to", to)?;
        with_random(fill, |r| self.engine.advance_to(r, to))
    }

    /// Every settlement, oldest first, as a JSON array.
    pub fn settlements(&self) -> Result<String, JsValue> {
        to_json(self.engine.settlements())
    }

    /// One settlement as JSON; `resource_missing` naming `settlementId` if unknown.
    pub fn settlement(&self, id: &str) -> Result<String, JsValue> {
        to_json(self.find(id)?)
    }

    pub fn payouts(&self) -> Result<String, JsValue> {
        to_json(self.engine.payouts())
    }

    /// Every balance entry ever made (activity, settlement lines, payouts), as JSON.
    pub fn ledger(&self) -> Result<String, JsValue> {
        to_json(self.engine.ledger())
    }

    /// Events since the last call, oldest first, as JSON.
    #[wasm_bindgen(js_name = takeEvents)]
    pub fn take_events(&mut self) -> Result<String, JsValue> {
        to_json(&self.engine.take_events())
    }

    /// Seed 004's `account.reserve` for a payout currency as JSON; `null` without a reserve.
    pub fn reserve(&self, currency: &str) -> Result<String, JsValue> {
        let currency = money::currency("currency", currency)?;
        to_json(&self.engine.reserve(currency))
    }

    /// The balance rolled forward below the minimum payout, in minor units.
    #[wasm_bindgen(js_name = carriedForward)]
    pub fn carried_forward(&self, currency: &str) -> Result<f64, JsValue> {
        let currency = money::currency("currency", currency)?;
        money::to_js_number(self.engine.carried_forward(currency))
    }

    /// "When will this reach my bank, and how much?" for a `pay_`, `re_`, `dp_` or `po_`.
    pub fn track(&self, source: &str) -> Result<String, JsValue> {
        to_json(&tracking::follow(&self.engine, source).map_err(|e| settlement_error(&e))?)
    }

    #[wasm_bindgen(js_name = statementCsv)]
    pub fn statement_csv(&self, settlement_id: &str) -> Result<String, JsValue> {
        Ok(statement_csv(self.find(settlement_id)?))
    }

    /// The statement PDF's bytes (a `Uint8Array` in JS).
    #[wasm_bindgen(js_name = statementPdf)]
    pub fn statement_pdf(&self, settlement_id: &str) -> Result<Vec<u8>, JsValue> {
        Ok(statement_pdf(self.find(settlement_id)?))
    }

    fn find(&self, id: &str) -> Result<&Settlement, JsValue> {
        self.engine.settlement(id).ok_or_else(|| {
            settlement_error(&SettlementError::NotFound {
                field: "settlementId",
                kind: "settlement",
                id: id.chars().take(64).collect(),
            })
        })
    }
}
