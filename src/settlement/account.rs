//! An account's settlement configuration: payout currencies, schedule, new-account delay, fee
//! model, reserve, minimum payout and FX spread.
//!
//! Wire shape (camelCase, seed 004): `schedule` is `{ interval, delayDays, anchor }` where
//! `anchor` is `null` (daily), a weekday name (weekly, the `weeklyAnchor`) or a day 1–28
//! (monthly, the `monthlyAnchor`); `reserve` is `{ type: "rolling", percent, holdDays }` and
//! the engine reports `currentlyHeld` next to it.

use std::collections::BTreeMap;

use chrono::{Datelike, Duration, NaiveDate, Weekday};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::error::SettlementError;
use crate::currency::Currency;
use crate::money::{Money, Rounding};

/// How often settlement windows close.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Interval {
    Daily,
    Weekly,
    Monthly,
}

/// The anchor of a weekly or monthly schedule.
///
/// Serialised untagged, as seed 004's `anchor`: `"monday"` for a weekly anchor, `15` for a
/// monthly one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Anchor {
    Weekly(WeeklyAnchor),
    Monthly(u8),
}

/// A `weeklyAnchor`: the weekday on which each weekly window starts (and the previous one
/// closes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum WeeklyAnchor {
    Monday,
    Tuesday,
    Wednesday,
    Thursday,
    Friday,
    Saturday,
    Sunday,
}

impl WeeklyAnchor {
    pub fn weekday(self) -> Weekday {
        match self {
            WeeklyAnchor::Monday => Weekday::Mon,
            WeeklyAnchor::Tuesday => Weekday::Tue,
            WeeklyAnchor::Wednesday => Weekday::Wed,
            WeeklyAnchor::Thursday => Weekday::Thu,
            WeeklyAnchor::Friday => Weekday::Fri,
            WeeklyAnchor::Saturday => Weekday::Sat,
            WeeklyAnchor::Sunday => Weekday::Sun,
        }
    }
}

/// The settlement schedule, `{ interval, delayDays, anchor }`.
///
/// Windows are UTC calendar days:
/// - `daily`: each day `D` is a window `[D, D+1)`;
/// - `weekly`: windows start on the anchor weekday and last 7 days (a `monday` anchor
///   settles Monday–Sunday and closes at the start of the next Monday);
/// - `monthly`: windows start on day `anchor` of each month and end the day before it in the
///   next month (anchors stop at 28 so every month has the day).
///
/// A window's payout date is `delayDays` business days of the payout currency's calendar
/// after the window's last day (T+n, counted as in
/// [`CalendarId::add_business_days`](crate::calendar::CalendarId::add_business_days)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Schedule {
    interval: Interval,
    delay_days: u32,
    anchor: Option<Anchor>,
}

/// The most business days a schedule may delay a payout (two calendar months or so).
pub const MAX_DELAY_DAYS: u32 = 45;

impl Default for Schedule {
    /// Daily, T+2: seed 004's default.
    fn default() -> Self {
        Schedule {
            interval: Interval::Daily,
            delay_days: 2,
            anchor: None,
        }
    }
}

fn check_delay(delay_days: u32) -> Result<(), SettlementError> {
    if delay_days > MAX_DELAY_DAYS {
        return Err(SettlementError::InvalidConfig {
            field: "schedule.delayDays",
            message: format!("must be between 0 and {MAX_DELAY_DAYS}"),
        });
    }
    Ok(())
}

impl Schedule {
    pub fn daily(delay_days: u32) -> Result<Schedule, SettlementError> {
        check_delay(delay_days)?;
        Ok(Schedule {
            interval: Interval::Daily,
            delay_days,
            anchor: None,
        })
    }

    pub fn weekly(anchor: WeeklyAnchor, delay_days: u32) -> Result<Schedule, SettlementError> {
        check_delay(delay_days)?;
        Ok(Schedule {
            interval: Interval::Weekly,
            delay_days,
            anchor: Some(Anchor::Weekly(anchor)),
        })
    }

    /// `day` must be 1–28.
    pub fn monthly(day: u8, delay_days: u32) -> Result<Schedule, SettlementError> {
        check_delay(delay_days)?;
        if !(1..=28).contains(&day) {
            return Err(SettlementError::InvalidConfig {
                field: "schedule.monthlyAnchor",
                message: "must be a day of the month from 1 to 28".into(),
            });
        }
        Ok(Schedule {
            interval: Interval::Monthly,
            delay_days,
            anchor: Some(Anchor::Monthly(day)),
        })
    }

    pub fn interval(&self) -> Interval {
        self.interval
    }

    pub fn delay_days(&self) -> u32 {
        self.delay_days
    }

    pub fn anchor(&self) -> Option<Anchor> {
        self.anchor
    }

    /// The window `[start, end)` that contains `date`.
    pub fn window_containing(&self, date: NaiveDate) -> Option<(NaiveDate, NaiveDate)> {
        match (self.interval, self.anchor) {
            (Interval::Weekly, Some(Anchor::Weekly(a))) => {
                let back = (7 + date.weekday().num_days_from_monday()
                    - a.weekday().num_days_from_monday())
                    % 7;
                let start = date.checked_sub_signed(Duration::days(i64::from(back)))?;
                Some((start, start.checked_add_signed(Duration::days(7))?))
            }
            (Interval::Monthly, Some(Anchor::Monthly(day))) => {
                let day = u32::from(day);
                let this = NaiveDate::from_ymd_opt(date.year(), date.month(), day)?;
                let start = if date >= this {
                    this
                } else {
                    this.checked_sub_months(chrono::Months::new(1))?
                };
                Some((start, start.checked_add_months(chrono::Months::new(1))?))
            }
            _ => Some((date, date.succ_opt()?)),
        }
    }
}

/// The wire form accepted on input: `anchor`, or the dashboard's `weeklyAnchor` /
/// `monthlyAnchor`, each validated against the interval.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ScheduleInput {
    interval: Interval,
    #[serde(default = "default_delay")]
    delay_days: u32,
    #[serde(default)]
    anchor: Option<Anchor>,
    #[serde(default)]
    weekly_anchor: Option<WeeklyAnchor>,
    #[serde(default)]
    monthly_anchor: Option<u8>,
}

fn default_delay() -> u32 {
    2
}

impl ScheduleInput {
    fn validate(self) -> Result<Schedule, SettlementError> {
        let invalid = |field: &'static str, message: &str| SettlementError::InvalidConfig {
            field,
            message: message.into(),
        };
        match self.interval {
            Interval::Daily => {
                if self.anchor.is_some()
                    || self.weekly_anchor.is_some()
                    || self.monthly_anchor.is_some()
                {
                    return Err(invalid(
                        "schedule.anchor",
                        "a daily schedule takes no anchor",
                    ));
                }
                Schedule::daily(self.delay_days)
            }
            Interval::Weekly => {
                let anchor = match (self.anchor, self.weekly_anchor, self.monthly_anchor) {
                    (_, _, Some(_)) | (Some(Anchor::Monthly(_)), _, _) => {
                        return Err(invalid(
                            "schedule.weeklyAnchor",
                            "a weekly schedule needs a weekday anchor such as monday",
                        ))
                    }
                    (Some(Anchor::Weekly(a)), None, None) | (None, Some(a), None) => a,
                    (Some(Anchor::Weekly(a)), Some(b), None) if a == b => a,
                    _ => {
                        return Err(invalid(
                            "schedule.weeklyAnchor",
                            "a weekly schedule needs exactly one weekday anchor",
                        ))
                    }
                };
                Schedule::weekly(anchor, self.delay_days)
            }
            Interval::Monthly => {
                let day = match (self.anchor, self.weekly_anchor, self.monthly_anchor) {
                    (_, Some(_), _) | (Some(Anchor::Weekly(_)), _, _) => {
                        return Err(invalid(
                            "schedule.monthlyAnchor",
                            "a monthly schedule needs a day of the month from 1 to 28",
                        ))
                    }
                    (Some(Anchor::Monthly(d)), None, None) | (None, None, Some(d)) => d,
                    (Some(Anchor::Monthly(d)), None, Some(e)) if d == e => d,
                    _ => {
                        return Err(invalid(
                            "schedule.monthlyAnchor",
                            "a monthly schedule needs exactly one day anchor",
                        ))
                    }
                };
                Schedule::monthly(day, self.delay_days)
            }
        }
    }
}

impl<'de> Deserialize<'de> for Schedule {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        ScheduleInput::deserialize(d)?
            .validate()
            .map_err(serde::de::Error::custom)
    }
}

/// Parses a schedule from its JSON wire form, with errors naming the field.
pub fn schedule_from_json(json: &str) -> Result<Schedule, SettlementError> {
    let input: ScheduleInput =
        serde_json::from_str(json).map_err(|e| SettlementError::InvalidConfig {
            field: "schedule",
            // serde's message names the unknown or mistyped key, never the whole input.
            message: e.to_string(),
        })?;
    input.validate()
}

/// The new-account rule: how long an account's payouts wait while its risk history builds.
///
/// **Rule.** Until the account is mature, every window pays out `initial_delay_days` (7)
/// business days after it closes, or the schedule's `delayDays` if that is longer. The account
/// matures when a window closes on a day that is at least `min_age_days` (30) calendar days
/// after its first captured payment *and* at least `min_settlements` (10) settlements have
/// been created; that window and every later one use the schedule's `delayDays`. Maturity
/// never reverts. An account that is already established starts with `Maturity::Established`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", rename_all_fields = "camelCase", tag = "status")]
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
        check_delay(self.schedule.delay_days)?;
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

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn default_schedule_is_seed_004s() {
        let json = serde_json::to_string(&Schedule::default()).unwrap();
        assert_eq!(json, r#"{"interval":"daily","delayDays":2,"anchor":null}"#);
    }

    #[test]
    fn anchors_serialise_as_the_seed_shows() {
        let w = Schedule::weekly(WeeklyAnchor::Monday, 3).unwrap();
        assert_eq!(
            serde_json::to_string(&w).unwrap(),
            r#"{"interval":"weekly","delayDays":3,"anchor":"monday"}"#
        );
        let m = Schedule::monthly(15, 2).unwrap();
        assert_eq!(
            serde_json::to_string(&m).unwrap(),
            r#"{"interval":"monthly","delayDays":2,"anchor":15}"#
        );
        for s in [w, m, Schedule::default()] {
            let back: Schedule = serde_json::from_str(&serde_json::to_string(&s).unwrap()).unwrap();
            assert_eq!(back, s);
        }
    }

    #[test]
    fn schedule_input_accepts_dashboard_anchor_names() {
        let s = schedule_from_json(r#"{"interval":"weekly","weeklyAnchor":"friday"}"#).unwrap();
        assert_eq!(s, Schedule::weekly(WeeklyAnchor::Friday, 2).unwrap());
        let s = schedule_from_json(r#"{"interval":"monthly","monthlyAnchor":28,"delayDays":0}"#)
            .unwrap();
        assert_eq!(s, Schedule::monthly(28, 0).unwrap());
    }

    #[test]
    fn schedule_validation_names_the_field() {
        let cases = [
            (
                r#"{"interval":"monthly","monthlyAnchor":29}"#,
                "schedule.monthlyAnchor",
            ),
            (
                r#"{"interval":"monthly","monthlyAnchor":0}"#,
                "schedule.monthlyAnchor",
            ),
            (
                r#"{"interval":"monthly","anchor":"monday"}"#,
                "schedule.monthlyAnchor",
            ),
            (r#"{"interval":"weekly"}"#, "schedule.weeklyAnchor"),
            (
                r#"{"interval":"weekly","anchor":3}"#,
                "schedule.weeklyAnchor",
            ),
            (
                r#"{"interval":"weekly","anchor":"monday","weeklyAnchor":"friday"}"#,
                "schedule.weeklyAnchor",
            ),
            (
                r#"{"interval":"daily","anchor":"monday"}"#,
                "schedule.anchor",
            ),
            (
                r#"{"interval":"daily","delayDays":46}"#,
                "schedule.delayDays",
            ),
            (r#"{"interval":"hourly"}"#, "schedule"),
            (
                r#"{"interval":"weekly","weeklyAnchor":"funday"}"#,
                "schedule",
            ),
        ];
        for (json, field) in cases {
            let err = schedule_from_json(json).unwrap_err();
            assert_eq!(err.field(), field, "{json}: {err}");
        }
    }

    #[test]
    fn windows() {
        let daily = Schedule::default();
        assert_eq!(
            daily.window_containing(d(2026, 4, 15)),
            Some((d(2026, 4, 15), d(2026, 4, 16)))
        );
        let mon = Schedule::weekly(WeeklyAnchor::Monday, 2).unwrap();
        // 2026-04-15 is a Wednesday.
        assert_eq!(
            mon.window_containing(d(2026, 4, 15)),
            Some((d(2026, 4, 13), d(2026, 4, 20)))
        );
        assert_eq!(
            mon.window_containing(d(2026, 4, 13)),
            Some((d(2026, 4, 13), d(2026, 4, 20)))
        );
        assert_eq!(
            mon.window_containing(d(2026, 4, 19)),
            Some((d(2026, 4, 13), d(2026, 4, 20)))
        );
        let m15 = Schedule::monthly(15, 2).unwrap();
        assert_eq!(
            m15.window_containing(d(2026, 4, 14)),
            Some((d(2026, 3, 15), d(2026, 4, 15)))
        );
        assert_eq!(
            m15.window_containing(d(2026, 4, 15)),
            Some((d(2026, 4, 15), d(2026, 5, 15)))
        );
        let m1 = Schedule::monthly(1, 2).unwrap();
        assert_eq!(
            m1.window_containing(d(2026, 12, 31)),
            Some((d(2026, 12, 1), d(2027, 1, 1)))
        );
    }

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
}
