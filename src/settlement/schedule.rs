//! The settlement schedule, `{ interval, delayDays, anchor }` (seed 004): its windows and
//! its wire form. The payout date of a window is computed by the engine from the schedule's
//! `delayDays` and the payout currency's calendar (`payout_calendar`).

use chrono::{Datelike, Duration, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

use super::error::SettlementError;

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

pub(crate) fn check_delay(delay_days: u32) -> Result<(), SettlementError> {
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
}
