//! Business-day calendars: which days a payout currency's banks settle, and date arithmetic in
//! those days.
//!
//! Each calendar is a weekend rule, recurring holiday rules (fixed dates, nth or last weekday of a
//! month, the weekday before a date, Easter offsets, Japan's equinox days) each with the years it
//! was in force and its weekend observance, a table of one-off closures (jubilees, state
//! funerals, Y2K), and for Japan the day between two holidays. The tables live one region per
//! module, with their legal or operator sources; the `rules` module is the one place that
//! evaluates them.
//!
//! Settlement uses this for payout dates: activity on day `D` pays out
//! [`CalendarId::add_business_days`]`(D, n)`, which is always a business day of the payout
//! currency's calendar.
//!
//! Coverage is explicit: every calendar has a first year whose closures we checked against the
//! operator's published calendar, and a last year, [`LAST_SUPPORTED_YEAR`] (`YYYY-MM-DD` dates
//! on the wire have four-digit years) unless a rule cannot be evaluated that far (Japan's equinox
//! days stop at 2099). Years outside that range are an error, never a guess, and no date near
//! chrono's limits can panic.

mod australia;
mod business_days;
mod canada;
mod denmark;
mod easter;
mod england_wales;
mod equinox;
mod federal_reserve;
mod japan;
mod norway;
mod poland;
mod rules;
mod sweden;
mod switzerland;
mod target;

#[cfg(test)]
mod tests;

use std::fmt;
use std::ops::RangeInclusive;

use chrono::{Datelike, NaiveDate};

pub use easter::easter_sunday;

/// The last year any calendar answers for (Japan's stops earlier, at 2099; see
/// [`CalendarId::supported_years`]). Future years are the rules projected forward: one-off
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
    /// Japanese bank holidays, on which BOJ-NET and the Zengin system are closed (JPY).
    Japan,
    /// Payments Canada's Lynx and ACSS (CAD).
    Canada,
    /// The Reserve Bank of Australia's RITS (AUD).
    Australia,
    /// Sveriges Riksbank's RIX (SEK).
    Sweden,
    /// Norges Bank's settlement system NBO (NOK).
    Norway,
    /// Danmarks Nationalbank's Kronos2 (DKK).
    Denmark,
    /// Narodowy Bank Polski's SORBNET (PLN).
    Poland,
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
    pub const ALL: [CalendarId; 11] = [
        CalendarId::Target,
        CalendarId::FederalReserve,
        CalendarId::EnglandWales,
        CalendarId::Switzerland,
        CalendarId::Japan,
        CalendarId::Canada,
        CalendarId::Australia,
        CalendarId::Sweden,
        CalendarId::Norway,
        CalendarId::Denmark,
        CalendarId::Poland,
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
            CalendarId::Japan => "JPY",
            CalendarId::Canada => "CAD",
            CalendarId::Australia => "AUD",
            CalendarId::Sweden => "SEK",
            CalendarId::Norway => "NOK",
            CalendarId::Denmark => "DKK",
            CalendarId::Poland => "PLN",
        }
    }

    /// A human-readable name.
    pub fn name(self) -> &'static str {
        match self {
            CalendarId::Target => "TARGET",
            CalendarId::FederalReserve => "Federal Reserve",
            CalendarId::EnglandWales => "England and Wales",
            CalendarId::Switzerland => "Switzerland (SIX SIC)",
            CalendarId::Japan => "Japan (BOJ-NET, Zengin)",
            CalendarId::Canada => "Canada (Payments Canada Lynx, ACSS)",
            CalendarId::Australia => "Australia (RBA RITS)",
            CalendarId::Sweden => "Sweden (Riksbank RIX)",
            CalendarId::Norway => "Norway (Norges Bank NBO)",
            CalendarId::Denmark => "Denmark (Nationalbanken Kronos2)",
            CalendarId::Poland => "Poland (NBP SORBNET)",
        }
    }

    /// The years this calendar answers for: from its first checked year to
    /// [`LAST_SUPPORTED_YEAR`], or to 2099 for Japan, whose equinox days are computed by a
    /// formula valid only until then.
    pub fn supported_years(self) -> RangeInclusive<i32> {
        let spec = self.spec();
        spec.first_year..=spec.last_year
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
            CalendarId::Japan => &japan::SPEC,
            CalendarId::Canada => &canada::SPEC,
            CalendarId::Australia => &australia::SPEC,
            CalendarId::Sweden => &sweden::SPEC,
            CalendarId::Norway => &norway::SPEC,
            CalendarId::Denmark => &denmark::SPEC,
            CalendarId::Poland => &poland::SPEC,
        }
    }

    fn out_of_range(self, year: i32) -> CalendarError {
        CalendarError::YearOutOfRange {
            calendar: self,
            year,
            first: self.spec().first_year,
            last: self.spec().last_year,
        }
    }
}

impl fmt::Display for CalendarId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}
