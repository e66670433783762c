//! An account's settlement configuration: payout currencies, schedule (see [`super::schedule`]),
//! new-account delay, fee model, reserve, minimum payout and FX spread.
//!
//! Wire shape (camelCase, seed 004): `schedule` is `{ interval, delayDays, anchor }` where
//! `anchor` is `null` (daily), a weekday name (weekly, the `weeklyAnchor`) or a day 1–28
//! (monthly, the `monthlyAnchor`); `reserve` is `{ type: "rolling", percent, holdDays }` and
//! the engine reports `currentlyHeld` next to it.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::error::SettlementError;
use super::schedule::{check_delay, MAX_DELAY_DAYS};
pub use super::schedule::{schedule_from_json, Anchor, Interval, Schedule, WeeklyAnchor};
use crate::currency::Currency;
use crate::error::ApiError;
use crate::money::{Money, Rounding};
/// The new-account rule: how long an account's payouts wait while its risk history builds.
///
/// **Rule.** Until the account is mature, every window pays out `initial_delay_days` (7)
/// business days after it closes, or the schedule's `delayDays` if that is longer. The account
/// matures when a window closes on a day that is at least `min_age_days` (30) calendar days
/// after its first captured payment *and* at least `min_settlements` (10) settlements have
/// been created; that window and every later one use the schedule's `delayDays`. Maturity
/// never reverts. An account that is already established starts with `Maturity::Established`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(
    rename_all = "camelCase",
    rename_all_fields = "camelCase",
    tag = "status"
)]
pub enum Maturity {
    New {
        initial_delay_days: u32,
        min_age_days: u32,
        min_settlements: u32,
    },
    Established,
}

impl Default for Maturity {
    fn default() -> Self {
        Maturity::New {
            initial_delay_days: 7,
            min_age_days: 30,
            min_settlements: 10,
        }
    }
}

/// Processing fees of one currency: `percent`% of the captured amount, rounded half-up to a
/// minor unit, plus `fixed` minor units; and the fee for each dispute.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FeeModel {
    /// In percent: `1.4` is 1.4%.
    #[serde(with = "rust_decimal::serde::str")]
    pub percent: Decimal,
    pub fixed: i64,
    pub dispute_fee: i64,
}

impl Default for FeeModel {
    /// 1.4% + 25 minor units, dispute fee 1500 (€15.00 for a two-decimal currency).
    fn default() -> Self {
        FeeModel {
            percent: Decimal::new(14, 1),
            fixed: 25,
            dispute_fee: 1500,
        }
    }
}

impl FeeModel {
    /// The fee on a captured `amount`, a non-negative number of minor units:
    /// `round_half_up(amount × percent / 100) + fixed`.
    pub fn processing_fee(&self, amount: Money) -> Result<i64, SettlementError> {
        let rate = self.percent / Decimal::ONE_HUNDRED;
        let variable = amount
            .apply_rate(rate, Rounding::HalfUp)
            .map_err(SettlementError::money("fees.percent"))?;
        variable
            .amount()
            .checked_add(self.fixed)
            .ok_or(SettlementError::Overflow {
                field: "fees.fixed",
            })
    }

    fn validate(&self) -> Result<(), SettlementError> {
        if self.percent < Decimal::ZERO || self.percent > Decimal::ONE_HUNDRED {
            return Err(SettlementError::InvalidConfig {
                field: "fees.percent",
                message: "must be between 0 and 100".into(),
            });
        }
        if self.fixed < 0 {
            return Err(SettlementError::NegativeAmount {
                field: "fees.fixed",
            });
        }
        if self.dispute_fee < 0 {
            return Err(SettlementError::NegativeAmount {
                field: "fees.disputeFee",
            });
        }
        Ok(())
    }
}

/// A rolling reserve: `percent`% of each settlement's positive activity is held for
/// `hold_days` calendar days, then released in the first settlement of the same payout
/// currency whose window closes on or after the release date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReserveConfig {
    #[serde(with = "rust_decimal::serde::str")]
    pub percent: Decimal,
    pub hold_days: u32,
}

/// Everything about an account that decides how its balance settles.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AccountConfig {
    /// Where charges settle unless `payoutCurrencies` says otherwise.
    pub payout_currency: Currency,
    /// Multi-currency accounts: settlement (charge) currency → payout currency. Mapping a
    /// currency to itself means the account holds a balance in it, so it is never converted.
    #[serde(default)]
    pub payout_currencies: BTreeMap<Currency, Currency>,
    #[serde(default)]
    pub schedule: Schedule,
    #[serde(default)]
    pub maturity: Maturity,
    /// Fee models by charge currency; currencies not listed use `defaultFees`.
    #[serde(default)]
    pub fees: BTreeMap<Currency, FeeModel>,
    #[serde(default)]
    pub default_fees: FeeModel,
    #[serde(default)]
    pub reserve: Option<ReserveConfig>,
    /// Below this many minor units (of the payout currency) a settlement pays nothing and its
    /// net rolls forward. Default 1000.
    #[serde(default = "default_minimum_payout")]
    pub minimum_payout: i64,
    /// The FX spread as a fraction (`0.01` = 1%), charged on converted amounts in the
    /// platform's favour. See [`super::fx`].
    #[serde(with = "rust_decimal::serde::str", default = "default_spread")]
    pub fx_spread: Decimal,
    /// The bank details on file are stale: every payout fails on its payout date and the
    /// money returns to the balance.
    #[serde(default)]
    pub bank_details_stale: bool,
}

fn default_minimum_payout() -> i64 {
    1000
}

fn default_spread() -> Decimal {
    Decimal::new(1, 2)
}

impl AccountConfig {
    /// Seed 004's defaults: daily T+2, new-account maturity, minimum payout 1000, 1% spread.
    pub fn new(payout_currency: Currency) -> AccountConfig {
        AccountConfig {
            payout_currency,
            payout_currencies: BTreeMap::new(),
            schedule: Schedule::default(),
            maturity: Maturity::default(),
            fees: BTreeMap::new(),
            default_fees: FeeModel::default(),
            reserve: None,
            minimum_payout: default_minimum_payout(),
            fx_spread: default_spread(),
            bank_details_stale: false,
        }
    }

    /// The payout currency that charges in `currency` settle into.
    pub fn payout_currency_for(&self, currency: Currency) -> Currency {
        self.payout_currencies
            .get(&currency)
            .copied()
            .unwrap_or(self.payout_currency)
    }

    pub fn fees_for(&self, currency: Currency) -> &FeeModel {
        self.fees.get(&currency).unwrap_or(&self.default_fees)
    }

    pub fn validate(&self) -> Result<(), SettlementError> {
        self.default_fees.validate()?;
        for model in self.fees.values() {
            model.validate()?;
        }
        if self.minimum_payout < 0 {
            return Err(SettlementError::NegativeAmount {
                field: "minimumPayout",
            });
        }
        if self.fx_spread < Decimal::ZERO || self.fx_spread >= Decimal::ONE {
            return Err(SettlementError::InvalidConfig {
                field: "fxSpread",
                message: "must be a fraction from 0 (inclusive) to 1 (exclusive)".into(),
            });
        }
        if let Some(r) = &self.reserve {
            if r.percent < Decimal::ZERO || r.percent > Decimal::ONE_HUNDRED {
                return Err(SettlementError::InvalidConfig {
                    field: "reserve.percent",
                    message: "must be between 0 and 100".into(),
                });
            }
            if r.hold_days == 0 || r.hold_days > 3660 {
                return Err(SettlementError::InvalidConfig {
                    field: "reserve.holdDays",
                    message: "must be between 1 and 3660".into(),
                });
            }
        }
        check_delay(self.schedule.delay_days())?;
        if let Maturity::New {
            initial_delay_days, ..
        } = self.maturity
        {
            if initial_delay_days > MAX_DELAY_DAYS {
                return Err(SettlementError::InvalidConfig {
                    field: "maturity.initialDelayDays",
                    message: format!("must be between 0 and {MAX_DELAY_DAYS}"),
                });
            }
        }
        Ok(())
    }
}
/// Parses an account configuration given as JSON (`{ payoutCurrency, schedule, … }`), naming
/// the top-level key at fault. serde's messages carry no path, so each key is first tried on
/// its own against the defaults (the config is a handful of small keys: this costs nothing
/// that matters); the schedule's own parser names its sub-field (`schedule.monthlyAnchor`).
// The error is the API's own (its `param` names any key); a large Err is fine off the hot path.
#[allow(clippy::result_large_err)]
pub fn config_from_json(json: &str) -> Result<AccountConfig, ApiError> {
    let invalid = |param: &str, message: String| {
        ApiError::invalid_param(param, "settlement_config_invalid", message)
    };
    let object: Map<String, Value> =
        serde_json::from_str(json).map_err(|e| invalid("config", e.to_string()))?;
    let known = match serde_json::to_value(AccountConfig::new(Currency::EUR)) {
        Ok(Value::Object(defaults)) => defaults,
        _ => Map::new(),
    };
    let payout = match object.get("payoutCurrency") {
        Some(Value::String(code)) => Currency::from_code(code)
            .map_err(|e| ApiError::from_field_error("payoutCurrency", &e))?,
        _ => {
            return Err(ApiError::invalid_param(
                "payoutCurrency",
                "currency_unknown",
                "payoutCurrency is required: an ISO 4217 code such as EUR",
            ))
        }
    };
    for (key, value) in &object {
        if !known.contains_key(key) {
            return Err(invalid(key, format!("unknown settlement option '{key}'")));
        }
        if key == "schedule" {
            schedule_from_json(&value.to_string()).map_err(|e| e.to_api_error())?;
            continue;
        }
        let mut single = Map::new();
        single.insert("payoutCurrency".into(), payout.code().into());
        single.insert(key.clone(), value.clone());
        if let Err(e) = serde_json::from_value::<AccountConfig>(Value::Object(single)) {
            return Err(invalid(key, format!("{key}: {e}")));
        }
    }
    serde_json::from_value(Value::Object(object)).map_err(|e| invalid("config", e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fee_is_percent_half_up_plus_fixed() {
        let fees = FeeModel {
            percent: Decimal::new(14, 1),
            fixed: 25,
            dispute_fee: 1500,
        };
        // 1.4% of 1250 = 17.5 → 18, + 25.
        assert_eq!(fees.processing_fee(Money::new(1250, Currency::EUR)), Ok(43));
        // 1.4% of 1249 = 17.486 → 17.
        assert_eq!(fees.processing_fee(Money::new(1249, Currency::EUR)), Ok(42));
        assert_eq!(fees.processing_fee(Money::new(0, Currency::EUR)), Ok(25));
    }

    #[test]
    fn config_validation() {
        let mut c = AccountConfig::new(Currency::EUR);
        assert_eq!(c.validate(), Ok(()));
        c.minimum_payout = -1;
        assert_eq!(c.validate().unwrap_err().field(), "minimumPayout");
        let mut c = AccountConfig::new(Currency::EUR);
        c.fx_spread = Decimal::ONE;
        assert_eq!(c.validate().unwrap_err().field(), "fxSpread");
        let mut c = AccountConfig::new(Currency::EUR);
        c.reserve = Some(ReserveConfig {
            percent: Decimal::new(5, 0),
            hold_days: 0,
        });
        assert_eq!(c.validate().unwrap_err().field(), "reserve.holdDays");
        let mut c = AccountConfig::new(Currency::EUR);
        c.default_fees.percent = Decimal::new(-1, 0);
        assert_eq!(c.validate().unwrap_err().field(), "fees.percent");
    }

    #[test]
    fn config_json_round_trips_with_defaults() {
        let c: AccountConfig = serde_json::from_str(r#"{"payoutCurrency":"GBP"}"#).unwrap();
        assert_eq!(c, AccountConfig::new(Currency::GBP));
        let json = serde_json::to_string(&c).unwrap();
        let back: AccountConfig = serde_json::from_str(&json).unwrap();
        assert_eq!(back, c);
        assert!(serde_json::from_str::<AccountConfig>(r#"{"payoutCurrency":"ZZZ"}"#).is_err());
    }

    #[test]
    fn maturity_fields_are_camel_case_on_the_wire() {
        let json = serde_json::to_string(&Maturity::default()).unwrap();
        assert_eq!(
            json,
            r#"{"status":"new","initialDelayDays":7,"minAgeDays":30,"minSettlements":10}"#
        );
        let back: Maturity = serde_json::from_str(&json).unwrap();
        assert_eq!(back, Maturity::default());
        let est: Maturity = serde_json::from_str(r#"{"status":"established"}"#).unwrap();
        assert_eq!(est, Maturity::Established);
    }
}
