//! Business-day calendars: which days a payout currency's banks settle, and date arithmetic in
//! those days.
//!
//! Each calendar is a weekend rule, recurring holiday rules (fixed dates, nth or last weekday of a
//! month, Easter offsets) each with the years it was in force and its weekend observance, and a
//! table of one-off closures (jubilees, state funerals, Y2K). The tables live one region per
//! module, with their legal or operator sources; the `rules` module is the one place that evaluates
//! them.
//!
//! Settlement uses this for payout dates: activity on day `D` pays out
//! [`CalendarId::add_business_days`]`(D, n)`, which is always a business day of the payout
//! currency's calendar.
//!
//! Coverage is explicit: every calendar has a first year whose closures we checked against the
//! operator's published calendar, and the last year is [`LAST_SUPPORTED_YEAR`] (`YYYY-MM-DD`
//! dates on the wire have four-digit years). Years outside that range are an error, never a guess,
//! and no date near chrono's limits can panic.

mod business_days;
mod easter;
mod england_wales;
mod federal_reserve;
mod rules;
mod switzerland;
mod target;

#[cfg(test)]
mod tests;

use std::fmt;
use std::ops::RangeInclusive;

use chrono::{Datelike, NaiveDate};

pub use easter::easter_sunday;

/// The last year any calendar answers for. Future years are the rules projected forward: one-off
/// holidays not yet proclaimed cannot be known.
pub const LAST_SUPPORTED_YEAR: i32 = 9999;

/// A business-day calendar, one per settlement region.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CalendarId {
    /// TARGET, the Eurosystem's payment system (EUR).
    Target,
    /// The Federal Reserve Banks' Fedwire and FedACH schedule (USD).
    FederalReserve,
    /// Bank holidays in England and Wales (GBP).
    EnglandWales,
    /// SIX Interbank Clearing's SIC system (CHF).
    Switzerland,
}

/// A day on which a calendar is closed although it is not a weekend day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Holiday {
    pub date: NaiveDate,
    /// The holiday's name as its source gives it (for a substitute day, the holiday it stands
    /// in for).
    pub name: &'static str,
    /// `true` when the holiday itself fell on a weekend and this is the weekday that replaced it
    /// (the UK's substitute day, the Fed's Monday after a Sunday holiday).
    pub observed: bool,
}

/// Why a calendar could not answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CalendarError {
    /// The date, or a date the computation had to reach, is in a year the calendar does not
    /// cover (including dates past chrono's own limits).
    #[error("the {calendar} calendar covers the years {first} to {last}, not {year}")]
    YearOutOfRange {
        calendar: CalendarId,
        year: i32,
        first: i32,
        last: i32,
    },
}

impl CalendarId {
    /// Every calendar, in declaration order.
    pub const ALL: [CalendarId; 4] = [
        CalendarId::Target,
        CalendarId::FederalReserve,
        CalendarId::EnglandWales,
        CalendarId::Switzerland,
    ];

    /// The calendar that governs payouts in `code` (ISO 4217, case-insensitive), if we have one.
    pub fn for_currency(code: &str) -> Option<CalendarId> {
        Self::ALL
            .into_iter()
            .find(|id| id.currency().eq_ignore_ascii_case(code))
    }

    /// The ISO 4217 code of the currency this calendar settles.
    pub fn currency(self) -> &'static str {
        match self {
            CalendarId::Target => "EUR",
            CalendarId::FederalReserve => "USD",
            CalendarId::EnglandWales => "GBP",
            CalendarId::Switzerland => "CHF",
        }
    }

    /// A human-readable name.
    pub fn name(self) -> &'static str {
        match self {
            CalendarId::Target => "TARGET",
            CalendarId::FederalReserve => "Federal Reserve",
            CalendarId::EnglandWales => "England and Wales",
            CalendarId::Switzerland => "Switzerland (SIX SIC)",
        }
    }

    /// The years this calendar answers for.
    pub fn supported_years(self) -> RangeInclusive<i32> {
        self.spec().first_year..=LAST_SUPPORTED_YEAR
    }

    /// The weekday closures of `year` (holidays, substitute days and one-off closures), sorted by
    /// date. A holiday that falls on a weekend and is not moved to a weekday is not listed: it
    /// closes nothing the weekend had not.
    pub fn holidays_in_year(self, year: i32) -> Result<Vec<Holiday>, CalendarError> {
        rules::closures(self, self.spec(), year)
    }

    /// The name of the holiday that closes this calendar on `date`, if one does. `None` for
    /// ordinary days, for weekend days with no holiday moved onto them, and for dates outside
    /// [`supported_years`](Self::supported_years).
    pub fn is_holiday(self, date: NaiveDate) -> Option<&'static str> {
        let closures = self.holidays_in_year(date.year()).ok()?;
        closures
            .binary_search_by_key(&date, |h| h.date)
            .ok()
            .and_then(|i| closures.get(i))
            .map(|h| h.name)
    }

    /// Whether the calendar settles on `date`.
    ///
    /// `false` outside [`supported_years`](Self::supported_years): a payout must never be
    /// scheduled on a day the calendar cannot vouch for. Use
    /// [`next_business_day_on_or_after`](Self::next_business_day_on_or_after) to get an error
    /// instead.
    pub fn is_business_day(self, date: NaiveDate) -> bool {
        business_days::Cursor::new(self).is_business_day(date) == Ok(true)
    }

    /// `date` if it is a business day, else the first business day after it.
    pub fn next_business_day_on_or_after(
        self,
        date: NaiveDate,
    ) -> Result<NaiveDate, CalendarError> {
        business_days::next_on_or_after(self, date)
    }

    /// The `n`th business day after `date` (T+n).
    ///
    /// Counting starts the day after `date`, whether or not `date` is itself a business day: a
    /// Saturday plus one is the next business day, exactly like the Friday before it. That is
    /// "activity on day D pays out n business days later" with weekend and holiday activity
    /// counted from the day it happened. `n = 0` rolls `date` forward to a business day, so the
    /// result is always a business day.
    pub fn add_business_days(self, date: NaiveDate, n: u32) -> Result<NaiveDate, CalendarError> {
        business_days::add(self, date, n)
    }

    /// The number of business days `d` with `a < d <= b`, negated when `b < a`.
    ///
    /// So `business_days_between(a, add_business_days(a, n)?)` is `n` for every `n >= 1`, and
    /// `business_days_between(a, a)` is 0.
    pub fn business_days_between(self, a: NaiveDate, b: NaiveDate) -> Result<i64, CalendarError> {
        business_days::between(self, a, b)
    }

    fn spec(self) -> &'static rules::Spec {
        match self {
            CalendarId::Target => &target::SPEC,
            CalendarId::FederalReserve => &federal_reserve::SPEC,
            CalendarId::EnglandWales => &england_wales::SPEC,
            CalendarId::Switzerland => &switzerland::SPEC,
        }
    }

    fn out_of_range(self, year: i32) -> CalendarError {
        CalendarError::YearOutOfRange {
            calendar: self,
            year,
            first: self.spec().first_year,
            last: LAST_SUPPORTED_YEAR,
        }
    }
}

impl fmt::Display for CalendarId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}
