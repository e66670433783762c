//! Amounts of money: integer minor units of one currency.
//!
//! Every operation is checked: an overflow, a currency mix-up or an amount that does not fit
//! the currency's minor unit is an error, never a wrapped value or a silently dropped digit.
//! Anything fractional (fees, FX) goes through `rust_decimal` and an explicitly named
//! [`Rounding`], so the rule behind every rounded minor unit can be stated and audited.

use std::fmt;

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::currency::Currency;
use crate::error::FieldError;

#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum MoneyError {
    #[error("currencies differ: {left} and {right}")]
    CurrencyMismatch { left: Currency, right: Currency },
    #[error("amount is out of range")]
    Overflow,
    #[error("{currency} amounts allow at most {max_decimals} decimal places")]
    TooPrecise {
        currency: Currency,
        max_decimals: u8,
    },
    /// The input is not quoted back: amounts arrive in request bodies and an error message
    /// should not reflect arbitrary text.
    #[error("amount must be a decimal number such as 10.00 or -3.5")]
    Invalid,
    #[error("conversion rate must be greater than zero")]
    InvalidRate,
    #[error("weights must not be empty and must not all be zero")]
    InvalidWeights,
}

impl FieldError for MoneyError {
    fn code(&self) -> &'static str {
        match self {
            MoneyError::CurrencyMismatch { .. } => "currency_mismatch",
            MoneyError::Overflow => "amount_overflow",
            MoneyError::TooPrecise { .. } => "amount_too_precise",
            MoneyError::Invalid => "amount_invalid",
            MoneyError::InvalidRate => "rate_invalid",
            MoneyError::InvalidWeights => "weights_invalid",
        }
    }
}

/// How a fractional number of minor units becomes a whole one.
///
/// Examples are in minor units, `x.5` being an exact half.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Rounding {
    /// Nearest; exact halves go away from zero: 2.5 → 3, -2.5 → -3, 2.4 → 2, -2.6 → -3.
    /// The commercial rule, and the one fees use.
    HalfUp,
    /// Nearest; exact halves go to the even neighbour (banker's rounding): 2.5 → 2,
    /// 3.5 → 4, -2.5 → -2, -3.5 → -4. Unbiased over many roundings.
    HalfEven,
    /// Drops the fraction (truncation): 2.9 → 2, -2.9 → -2. Never increases the magnitude.
    TowardZero,
    /// Any fraction increases the magnitude: 2.1 → 3, -2.1 → -3.
    AwayFromZero,
    /// Toward negative infinity: 2.9 → 2, -2.1 → -3. For negatives this *grows* the
    /// magnitude, unlike `TowardZero`.
    Floor,
    /// Toward positive infinity: 2.1 → 3, -2.9 → -2. For negatives this shrinks the
    /// magnitude.
    Ceiling,
}

impl Rounding {
    fn strategy(self) -> RoundingStrategy {
        match self {
            Rounding::HalfUp => RoundingStrategy::MidpointAwayFromZero,
            Rounding::HalfEven => RoundingStrategy::MidpointNearestEven,
            Rounding::TowardZero => RoundingStrategy::ToZero,
            Rounding::AwayFromZero => RoundingStrategy::AwayFromZero,
            Rounding::Floor => RoundingStrategy::ToNegativeInfinity,
            Rounding::Ceiling => RoundingStrategy::ToPositiveInfinity,
        }
    }

    /// `value` rounded to a whole number of minor units, or `Overflow` if it does not fit.
    fn to_minor(self, value: Decimal) -> Result<i64, MoneyError> {
        value
            .round_dp_with_strategy(0, self.strategy())
            .to_i64()
            .ok_or(MoneyError::Overflow)
    }
}

/// An amount in minor units of a currency (EUR 1000 = €10.00, JPY 1000 = ¥1000).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Money {
    amount: i64,
    currency: Currency,
}

fn pow10(exp: u8) -> Result<i64, MoneyError> {
    10i64
        .checked_pow(u32::from(exp))
        .ok_or(MoneyError::Overflow)
}

impl Money {
    pub fn new(amount: i64, currency: Currency) -> Money {
        Money { amount, currency }
    }

    pub fn zero(currency: Currency) -> Money {
        Money {
            amount: 0,
            currency,
        }
    }

    /// Minor units.
    pub fn amount(&self) -> i64 {
        self.amount
    }

    pub fn currency(&self) -> Currency {
        self.currency
    }

    pub fn is_zero(&self) -> bool {
        self.amount == 0
    }

    pub fn is_negative(&self) -> bool {
        self.amount < 0
    }

    pub fn is_positive(&self) -> bool {
        self.amount > 0
    }

    fn same_currency(&self, other: &Money) -> Result<(), MoneyError> {
        if self.currency == other.currency {
            Ok(())
        } else {
            Err(MoneyError::CurrencyMismatch {
                left: self.currency,
                right: other.currency,
            })
        }
    }

    fn with_amount(&self, amount: Option<i64>) -> Result<Money, MoneyError> {
        amount
            .map(|amount| Money::new(amount, self.currency))
            .ok_or(MoneyError::Overflow)
    }

    pub fn checked_add(&self, other: Money) -> Result<Money, MoneyError> {
        self.same_currency(&other)?;
        self.with_amount(self.amount.checked_add(other.amount))
    }

    pub fn checked_sub(&self, other: Money) -> Result<Money, MoneyError> {
        self.same_currency(&other)?;
        self.with_amount(self.amount.checked_sub(other.amount))
    }

    /// Fails only for `i64::MIN`, whose negation does not fit.
    pub fn checked_neg(&self) -> Result<Money, MoneyError> {
        self.with_amount(self.amount.checked_neg())
    }

    pub fn checked_mul(&self, factor: i64) -> Result<Money, MoneyError> {
        self.with_amount(self.amount.checked_mul(factor))
    }

    /// Sum of `items`, all of which must be in `currency`; an empty input sums to zero.
    pub fn checked_sum<I>(currency: Currency, items: I) -> Result<Money, MoneyError>
    where
        I: IntoIterator<Item = Money>,
    {
        items
            .into_iter()
            .try_fold(Money::zero(currency), |acc, m| acc.checked_add(m))
    }

    /// `amount × rate`, rounded to a whole minor unit: a 1.4% fee on €12.50 is
    /// `Money::new(1250, EUR).apply_rate(dec!(0.014), Rounding::HalfUp)` = 18 (17.5 rounded).
    pub fn apply_rate(&self, rate: Decimal, rounding: Rounding) -> Result<Money, MoneyError> {
        let exact = Decimal::from(self.amount)
            .checked_mul(rate)
            .ok_or(MoneyError::Overflow)?;
        Ok(Money::new(rounding.to_minor(exact)?, self.currency))
    }

    /// Converts into `to` at `rate`, given in major units: units of `to` per one unit of
    /// `self.currency` (EUR per JPY, say 0.0062). Exponents are accounted for, so ¥1000
    /// (1000 minor) at 0.0062 becomes €6.20 (620 minor).
    ///
    /// The caller names the rounding because it is a business rule (the platform rounds FX
    /// in its own favour), not an arithmetic detail.
    pub fn convert(
        &self,
        to: Currency,
        rate: Decimal,
        rounding: Rounding,
    ) -> Result<Money, MoneyError> {
        if rate <= Decimal::ZERO {
            return Err(MoneyError::InvalidRate);
        }
        let target_minor = self
            .to_decimal()
            .checked_mul(rate)
            .and_then(|major| major.checked_mul(Decimal::from(pow10(to.exponent()).ok()?)))
            .ok_or(MoneyError::Overflow)?;
        Ok(Money::new(rounding.to_minor(target_minor)?, to))
    }

    /// The amount in major units, exactly (1050 EUR → 10.50).
    pub fn to_decimal(&self) -> Decimal {
        let mut d = Decimal::from(self.amount);
        // Exponents are at most 4 (checked by the currency table's tests) and set_scale only
        // fails above 28, so this cannot fail; ignoring the result keeps the path panic-free.
        let _ = d.set_scale(u32::from(self.currency.exponent()));
        d
    }

    /// Major units to minor units, rounding whatever is finer than the minor unit.
    pub fn from_decimal(
        value: Decimal,
        currency: Currency,
        rounding: Rounding,
    ) -> Result<Money, MoneyError> {
        let minor = value
            .checked_mul(Decimal::from(pow10(currency.exponent())?))
            .ok_or(MoneyError::Overflow)?;
        Ok(Money::new(rounding.to_minor(minor)?, currency))
    }

    /// Parses a major-unit decimal string: `"10.00"` EUR → 1000, `"-3.5"` EUR → -350,
    /// `"1000"` JPY → 1000.
    ///
    /// Strict on purpose, since this reads amounts typed by people: an optional `-`, digits,
    /// optionally `.` and at least one digit. No `+`, spaces, exponents or separators. More
    /// decimals than the currency has, even zeros, is [`MoneyError::TooPrecise`] rather than
    /// a silent rounding. Never goes through floating point.
    pub fn parse_major(s: &str, currency: Currency) -> Result<Money, MoneyError> {
        let (negative, unsigned) = match s.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, s),
        };
        let (int_part, frac_part) = match unsigned.split_once('.') {
            Some((i, f)) => (i, Some(f)),
            None => (unsigned, None),
        };
        let all_digits = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
        if !all_digits(int_part) || !frac_part.is_none_or(all_digits) {
            return Err(MoneyError::Invalid);
        }
        let frac = frac_part.unwrap_or("");
        let exponent = currency.exponent();
        if frac.len() > usize::from(exponent) {
            return Err(MoneyError::TooPrecise {
                currency,
                max_decimals: exponent,
            });
        }
        // Digits of the integer part, then the fraction padded with zeros to the exponent:
        // "3.5" EUR reads as the digit string 350. i128 holds i64::MIN's magnitude, so the
        // most negative amount parses too.
        let padding = usize::from(exponent) - frac.len();
        let digits = int_part
            .bytes()
            .chain(frac.bytes())
            .chain(std::iter::repeat_n(b'0', padding));
        let mut magnitude: i128 = 0;
        for d in digits {
            magnitude = magnitude
                .checked_mul(10)
                .and_then(|m| m.checked_add(i128::from(d - b'0')))
                .ok_or(MoneyError::Overflow)?;
        }
        let signed = if negative { -magnitude } else { magnitude };
        let amount = i64::try_from(signed).map_err(|_| MoneyError::Overflow)?;
        Ok(Money::new(amount, currency))
    }

    /// The amount in major units with exactly `exponent` decimals: "10.00", "-3.150" (KWD),
    /// "1000" (JPY). The inverse of [`Money::parse_major`].
    pub fn format_major(&self) -> String {
        let exponent = usize::from(self.currency.exponent());
        // unsigned_abs so i64::MIN formats instead of overflowing on negation.
        let digits = self.amount.unsigned_abs().to_string();
        let digits = format!("{digits:0>width$}", width = exponent + 1);
        let (int_part, frac_part) = digits.split_at(digits.len() - exponent);
        let sign = if self.amount < 0 { "-" } else { "" };
        if exponent == 0 {
            format!("{sign}{int_part}")
        } else {
            format!("{sign}{int_part}.{frac_part}")
        }
    }

    /// Splits the amount in proportion to `weights`, losing no minor unit.
    ///
    /// Largest-remainder method: each part first gets its proportional share rounded toward
    /// zero, then the minor units left over go one each to the parts with the largest
    /// remainders, ties to the lower index. Negative amounts split like their magnitude, so
    /// `allocate(-x)` is exactly the negation of `allocate(x)`. Zero weights get zero.
    pub fn allocate(&self, weights: &[u64]) -> Result<Vec<Money>, MoneyError> {
        let total: u128 = weights.iter().map(|&w| u128::from(w)).sum();
        if total == 0 {
            return Err(MoneyError::InvalidWeights);
        }
        let magnitude = u128::from(self.amount.unsigned_abs());
        let mut shares = Vec::with_capacity(weights.len());
        let mut remainders = Vec::with_capacity(weights.len());
        for &w in weights {
            // < 2^63 × 2^64 = 2^127: cannot overflow u128.
            let scaled = magnitude * u128::from(w);
            shares.push(scaled / total);
            remainders.push(scaled % total);
        }
        let allotted: u128 = shares.iter().sum();
        let leftover = usize::try_from(magnitude - allotted).map_err(|_| MoneyError::Overflow)?;
        let mut order: Vec<usize> = (0..weights.len()).collect();
        order.sort_by(|&a, &b| remainders[b].cmp(&remainders[a]).then(a.cmp(&b)));
        for &i in order.iter().take(leftover) {
            shares[i] += 1;
        }
        shares
            .into_iter()
            .map(|share| {
                let share = i128::try_from(share).map_err(|_| MoneyError::Overflow)?;
                let signed = if self.amount < 0 { -share } else { share };
                i64::try_from(signed)
                    .map(|amount| Money::new(amount, self.currency))
                    .map_err(|_| MoneyError::Overflow)
            })
            .collect()
    }
}

impl fmt::Display for Money {
    /// `10.50 EUR`: for logs and messages, not for customer-facing, localized display.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.format_major(), self.currency)
    }
}

#[cfg(test)]
mod tests;
