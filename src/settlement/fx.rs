//! Exchange rates and the conversion rule.
//!
//! The host supplies rates (a `rust_decimal` mid-market rate per currency pair, as of a
//! date); the engine converts at settlement time with the rate in force on the day the window
//! closes: the latest rate dated on or before it.
//!
//! **Rounding, in the platform's favour.** Each converted entry is
//! `floor(original × rate)` in minor units of the settlement currency ([`Rounding::Floor`]):
//! a credit loses its fraction, a debit gains it. The spread is then one distinct
//! `conversion` line per source currency: `−ceil(|Σ converted| × spread)`, always a debit,
//! never folded into the other lines. Both rules only ever round against the account, by less
//! than one minor unit per entry and one per conversion line.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::error::SettlementError;
use crate::currency::Currency;
use crate::money::{Money, Rounding};

/// Mid-market rates by pair and date.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FxTable {
    rates: BTreeMap<(Currency, Currency), BTreeMap<NaiveDate, Decimal>>,
}

/// One rate, as the host passes it in: `to` units per one `from` unit, in major units.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FxRate {
    pub from: Currency,
    pub to: Currency,
    pub as_of: NaiveDate,
    #[serde(with = "rust_decimal::serde::str")]
    pub rate: Decimal,
}

impl FxTable {
    pub fn new() -> FxTable {
        FxTable::default()
    }

    /// Sets the `from`→`to` rate from `as_of` on; a later call for the same day replaces it.
    pub fn set_rate(
        &mut self,
        from: Currency,
        to: Currency,
        as_of: NaiveDate,
        rate: Decimal,
    ) -> Result<(), SettlementError> {
        if rate <= Decimal::ZERO {
            return Err(SettlementError::InvalidConfig {
                field: "rate",
                message: "must be greater than zero".into(),
            });
        }
        if from == to {
            return Err(SettlementError::InvalidConfig {
                field: "to",
                message: "a rate needs two different currencies".into(),
            });
        }
        self.rates
            .entry((from, to))
            .or_default()
            .insert(as_of, rate);
        Ok(())
    }

    pub fn insert(&mut self, rate: &FxRate) -> Result<(), SettlementError> {
        self.set_rate(rate.from, rate.to, rate.as_of, rate.rate)
    }

    /// The `from`→`to` rate in force on `on`: the latest dated on or before it; failing that,
    /// the inverse of the latest `to`→`from` rate (`1 / rate`, rounded by `rust_decimal` to
    /// 28 significant digits). 1 for a currency to itself.
    pub fn rate(
        &self,
        from: Currency,
        to: Currency,
        on: NaiveDate,
    ) -> Result<Decimal, SettlementError> {
        if from == to {
            return Ok(Decimal::ONE);
        }
        let latest = |pair| {
            self.rates
                .get(&pair)
                .and_then(|by_day: &BTreeMap<NaiveDate, Decimal>| by_day.range(..=on).next_back())
                .map(|(_, r)| *r)
        };
        if let Some(r) = latest((from, to)) {
            return Ok(r);
        }
        latest((to, from))
            .and_then(|r| Decimal::ONE.checked_div(r))
            .ok_or_else(|| SettlementError::FxRateMissing {
                from,
                to,
                on: on.to_string(),
            })
    }
}

/// One entry's amount converted at the mid rate, rounded toward negative infinity.
pub fn convert_amount(
    amount: i64,
    from: Currency,
    to: Currency,
    rate: Decimal,
) -> Result<i64, SettlementError> {
    Money::new(amount, from)
        .convert(to, rate, Rounding::Floor)
        .map(|m| m.amount())
        .map_err(SettlementError::money("amount"))
}

/// The spread on `converted_total` minor units: `−ceil(|total| × spread)` (zero or negative).
pub fn spread_fee(
    converted_total: i64,
    currency: Currency,
    spread: Decimal,
) -> Result<i64, SettlementError> {
    let magnitude = i64::try_from(converted_total.unsigned_abs())
        .map_err(|_| SettlementError::Overflow { field: "amount" })?;
    let fee = Money::new(magnitude, currency)
        .apply_rate(spread, Rounding::Ceiling)
        .map_err(SettlementError::money("fxSpread"))?;
    fee.amount()
        .checked_neg()
        .ok_or(SettlementError::Overflow { field: "amount" })
}

/// A conversion as recorded on the settlement: the rate and spread, what went in and what
/// came out.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConversionRecord {
    pub from_currency: Currency,
    pub to_currency: Currency,
    #[serde(with = "rust_decimal::serde::str")]
    pub rate: Decimal,
    #[serde(with = "rust_decimal::serde::str")]
    pub spread: Decimal,
    /// Σ of the converted entries in `fromCurrency`.
    pub original_amount: i64,
    /// Σ of the converted entries in `toCurrency`, at the mid rate.
    pub converted_amount: i64,
    /// The spread charged, the `conversion` entry (≤ 0).
    pub fee: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn latest_rate_on_or_before_and_inverse() {
        let mut t = FxTable::new();
        t.set_rate(
            Currency::USD,
            Currency::EUR,
            d(2026, 1, 1),
            Decimal::new(92, 2),
        )
        .unwrap();
        t.set_rate(
            Currency::USD,
            Currency::EUR,
            d(2026, 2, 1),
            Decimal::new(90, 2),
        )
        .unwrap();
        assert_eq!(
            t.rate(Currency::USD, Currency::EUR, d(2026, 1, 31)),
            Ok(Decimal::new(92, 2))
        );
        assert_eq!(
            t.rate(Currency::USD, Currency::EUR, d(2026, 2, 1)),
            Ok(Decimal::new(90, 2))
        );
        let inv = t.rate(Currency::EUR, Currency::USD, d(2026, 2, 1)).unwrap();
        assert_eq!(inv.round_dp(6), Decimal::new(1_111_111, 6));
        let err = t
            .rate(Currency::USD, Currency::EUR, d(2025, 12, 31))
            .unwrap_err();
        assert_eq!(err.field(), "fxRates");
        assert!(t
            .set_rate(Currency::USD, Currency::EUR, d(2026, 1, 1), Decimal::ZERO)
            .is_err());
        assert!(t
            .set_rate(Currency::USD, Currency::USD, d(2026, 1, 1), Decimal::ONE)
            .is_err());
    }

    #[test]
    fn conversion_rounds_in_the_platforms_favour() {
        // $10.01 at 0.9 = €9.009: a credit rounds down, a debit rounds up in magnitude.
        let r = Decimal::new(9, 1);
        assert_eq!(
            convert_amount(1001, Currency::USD, Currency::EUR, r),
            Ok(900)
        );
        assert_eq!(
            convert_amount(-1001, Currency::USD, Currency::EUR, r),
            Ok(-901)
        );
        // ¥1000 at 0.0062 = €6.20 exactly.
        let r = Decimal::new(62, 4);
        assert_eq!(
            convert_amount(1000, Currency::JPY, Currency::EUR, r),
            Ok(620)
        );
        // 1% of 1001 = 10.01 → 11, whatever the sign of the total.
        let s = Decimal::new(1, 2);
        assert_eq!(spread_fee(1001, Currency::EUR, s), Ok(-11));
        assert_eq!(spread_fee(-1001, Currency::EUR, s), Ok(-11));
        assert_eq!(spread_fee(0, Currency::EUR, s), Ok(0));
    }
}
