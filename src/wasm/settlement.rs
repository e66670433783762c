//! The settlement engine for JS: `SettlementEngine` (activity in, simulated time advanced,
//! settlements, payouts, statements and tracking out), reconciliation, and the Wasm half of
//! the netting benchmark.
//!
//! Everything structured crosses as JSON text in the engine's own camelCase wire shape (see
//! `docs/settlement.md`); amounts cross as JS numbers and are checked to be exact integers
//! before they become minor units. Every error is a `VinrCoreError` whose `param` names the
//! field at fault.

use std::str::FromStr;

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::Serialize;
use serde_json::{Map, Value};
use wasm_bindgen::prelude::*;

use super::{error, host::JsRandom, money};
use crate::currency::Currency;
use crate::error::ApiError;
use crate::ids::Id;
use crate::money::Money;
use crate::settlement::account::schedule_from_json;
use crate::settlement::netting::{synthetic_entries, ENTRY_BYTES};
use crate::settlement::{
    net_compact, parse_activity, parse_statement_csv, reconcile_settlements, reconcile_statement,
    statement_csv, statement_pdf, sum_amounts, AccountConfig, CompactEntry, DisputeOutcome, Engine,
    EntryType, HeldItem, Holdings, NettingTable, PayoutStatus, Settlement, SettlementError,
};

fn settlement_error(e: &SettlementError) -> JsValue {
    error::to_js(&e.to_api_error())
}

/// Serialising the engine's own types cannot fail (string keys, no floats); if it ever did,
/// that is a bug of ours, reported as a 500 rather than a panic.
fn to_json<T: Serialize + ?Sized>(value: &T) -> Result<String, JsValue> {
    serde_json::to_string(value)
        .map_err(|e| error::to_js(&ApiError::internal(format!("serialising failed: {e}"))))
}

fn invalid(param: &str, code: &str, message: impl Into<String>) -> JsValue {
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

/// Parses the account configuration, naming the top-level key at fault. serde's messages do
/// not carry a path, so each key is first tried on its own against the defaults (the config
/// is a handful of small keys, so this costs nothing that matters).
fn parse_config(json: &str) -> Result<AccountConfig, JsValue> {
    let object: Map<String, Value> = serde_json::from_str(json)
        .map_err(|e| invalid("config", "settlement_config_invalid", e.to_string()))?;
    let known = match serde_json::to_value(AccountConfig::new(Currency::EUR)) {
        Ok(Value::Object(defaults)) => defaults,
        _ => Map::new(),
    };
    let payout = match object.get("payoutCurrency") {
        Some(Value::String(code)) => money::currency("payoutCurrency", code)?,
        _ => {
            return Err(invalid(
                "payoutCurrency",
                "currency_unknown",
                "payoutCurrency is required: an ISO 4217 code such as EUR",
            ))
        }
    };
    for (key, value) in &object {
        if !known.contains_key(key) {
            return Err(invalid(
                key,
                "settlement_config_invalid",
                format!("unknown settlement option '{key}'"),
            ));
        }
        if key == "schedule" {
            // Its own parser names the sub-field (`schedule.monthlyAnchor`, …).
            schedule_from_json(&value.to_string()).map_err(|e| settlement_error(&e))?;
            continue;
        }
        let mut single = Map::new();
        single.insert("payoutCurrency".into(), payout.code().into());
        single.insert(key.clone(), value.clone());
        if let Err(e) = serde_json::from_value::<AccountConfig>(Value::Object(single)) {
            return Err(invalid(
                key,
                "settlement_config_invalid",
                format!("{key}: {e}"),
            ));
        }
    }
    serde_json::from_value(Value::Object(object))
        .map_err(|e| invalid("config", "settlement_config_invalid", e.to_string()))
}

/// Where a source's money stands and when it reaches the bank, following it through
/// minimum-payout roll-forwards and failed payouts to the settlement that finally pays it.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct TrackingView {
    source: Id,
    /// `unsettled`, `scheduled` (payout pending), `paid`, `rolled_forward` (below the
    /// minimum, waiting for more), `payout_failed` (returning to the balance) or `no_payout`
    /// (its settlement netted to zero or less).
    status: &'static str,
    /// Every settlement the money went through, oldest first.
    settlements: Vec<Id>,
    settlement_id: Option<Id>,
    payout_id: Option<Id>,
    payout_status: Option<PayoutStatus>,
    /// The payout's date (projected from the schedule while unsettled).
    expected_arrival: Option<NaiveDate>,
    /// Σ of the source's entries: in the settlement currency once settled, in the charge
    /// currency before (conversion happens at settlement time).
    amount: i64,
    currency: Option<Currency>,
}

/// At most this many roll-forward / failed-payout hops are followed (a loop guard; each hop
/// is a settlement, so real chains are short).
const MAX_HOPS: usize = 366;

fn track(engine: &Engine, source: &str) -> Result<TrackingView, SettlementError> {
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
        let config = parse_config(config)?;
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
        to_json(&track(&self.engine, source).map_err(|e| settlement_error(&e))?)
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

/// The held payments, refunds or disputes of `param`, each checked, errors naming the item
/// (`payments[2]`).
fn held_items(param: &str, json: &str) -> Result<Vec<HeldItem>, JsValue> {
    let values: Vec<Value> = serde_json::from_str(json).map_err(|_| {
        invalid(
            param,
            "parameter_invalid",
            format!("{param} must be an array"),
        )
    })?;
    values
        .into_iter()
        .enumerate()
        .map(|(i, v)| {
            let name = format!("{param}[{i}]");
            let item: HeldItem = serde_json::from_value(v)
                .map_err(|e| invalid(&name, "parameter_invalid", format!("{name}: {e}")))?;
            if item.amount < 0 {
                return Err(invalid(
                    &format!("{name}.amount"),
                    "amount_negative",
                    format!("{name}.amount must not be negative"),
                ));
            }
            Ok(item)
        })
        .collect()
}

fn holdings(payments: &str, refunds: &str, disputes: &str) -> Result<Holdings, JsValue> {
    Ok(Holdings {
        payments: held_items("payments", payments)?,
        refunds: held_items("refunds", refunds)?,
        disputes: held_items("disputes", disputes)?,
    })
}

/// Reconciles settlements (a JSON array, as the engine or the API returns them) against the
/// held payments, refunds and disputes (JSON arrays of `{ id, amount, currency }`).
#[wasm_bindgen(js_name = reconcileSettlements)]
pub fn reconcile_settlements_js(
    settlements: &str,
    payments: &str,
    refunds: &str,
    disputes: &str,
) -> Result<String, JsValue> {
    let settlements: Vec<Settlement> = serde_json::from_str(settlements).map_err(|e| {
        invalid(
            "settlement",
            "parameter_invalid",
            format!("settlement: {e}"),
        )
    })?;
    let report = reconcile_settlements(&settlements, &holdings(payments, refunds, disputes)?);
    to_json(&report)
}

/// Reconciles the rows of a statement CSV against the held items. A malformed CSV is `csv_malformed` naming
/// `statementCsv`, with the line and column in the message.
#[wasm_bindgen(js_name = reconcileStatementCsv)]
pub fn reconcile_statement_csv_js(
    csv: &str,
    payments: &str,
    refunds: &str,
    disputes: &str,
) -> Result<String, JsValue> {
    let rows = parse_statement_csv(csv).map_err(|e| error::field("statementCsv", &e))?;
    let report = reconcile_statement(&rows, &holdings(payments, refunds, disputes)?);
    to_json(&report)
}

/// The Wasm half of the netting benchmark: the same synthetic entries as
/// `benches/settlement.rs`, generated here so that no copy across the boundary is timed; JS
/// times [`NettingBench::net`] against [`NettingBench::floor`].
#[wasm_bindgen]
pub struct NettingBench {
    entries: Vec<CompactEntry>,
    table: NettingTable,
}

#[wasm_bindgen]
impl NettingBench {
    /// `count` entries over `days` days from `first_day` (days since 1970-01-01) and
    /// `currencies` currency slots, from `seed`.
    #[wasm_bindgen(constructor)]
    pub fn new(count: u32, seed: u32, first_day: u32, days: u32, currencies: u8) -> NettingBench {
        NettingBench {
            entries: synthetic_entries(
                count as usize,
                u64::from(seed),
                first_day,
                days,
                currencies,
            ),
            table: NettingTable::new(first_day, days, currencies),
        }
    }

    /// Nets every entry into per-(day, currency) lines; returns Σ of the nets (a checksum
    /// that must equal [`NettingBench::floor`], since the workload has no payouts).
    pub fn net(&mut self) -> Result<f64, JsValue> {
        self.table.clear();
        net_compact(&self.entries, &mut self.table)
            .map_err(|e| error::to_js(&ApiError::from_field_error("entries", &e)))?;
        money::to_js_number(self.table.total_net())
    }

    /// The floor: a plain sum of the same entries' amounts.
    pub fn floor(&self) -> Result<f64, JsValue> {
        money::to_js_number(sum_amounts(&self.entries))
    }

    #[wasm_bindgen(js_name = bytesPerEntry)]
    pub fn bytes_per_entry(&self) -> u32 {
        ENTRY_BYTES as u32
    }

    pub fn len(&self) -> u32 {
        self.entries.len() as u32
    }

    #[wasm_bindgen(js_name = isEmpty)]
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}
