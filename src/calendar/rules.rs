//! The vocabulary the calendar tables are written in, and the one function that turns a table
//! into the closures of a year.
//!
//! Keeping the regions as data (see the sibling modules) means a new law or proclamation is a
//! one-line change with its source next to it, not a change to this logic.

use chrono::{Datelike, Days, NaiveDate, Weekday};

use super::easter::easter_sunday;
use super::equinox::{equinox_day_jst, Equinox};
use super::{CalendarError, CalendarId, Holiday};

/// How a recurring holiday's date is found in a given year.
#[derive(Debug, Clone, Copy)]
pub(crate) enum DateRule {
    /// The same day every year (1 May, 25 December).
    Fixed { month: u32, day: u32 },
    /// The `n`th (1-based) `weekday` of `month` (third Monday in January).
    NthWeekday { month: u32, weekday: Weekday, n: u8 },
    /// The last `weekday` of `month` (last Monday in May).
    LastWeekday { month: u32, weekday: Weekday },
    /// Easter Sunday plus `days` (Good Friday is -2, Whit Monday +50).
    Easter { days: i64 },
    /// The last `weekday` strictly before `month`/`day` (Canada's Victoria Day is the Monday
    /// preceding 25 May; Sweden's Midsummer Eve the Friday before 26 June).
    WeekdayBefore {
        month: u32,
        day: u32,
        weekday: Weekday,
    },
    /// The day of the March or September equinox in Japan Standard Time (Japan's Vernal and
    /// Autumnal Equinox Days). Known only for the years the `equinox` module covers.
    EquinoxJst(Equinox),
}

/// What happens when a recurring holiday falls on a weekend.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Observance {
    /// Nothing: the closure is lost to the weekend (TARGET, SIX).
    None,
    /// The Federal Reserve's practice: a Sunday holiday closes the following Monday, a Saturday
    /// one closes nothing (the Friday before stays open).
    SundayToMonday,
    /// The UK's substitute day: the next weekday that is not already a bank holiday (Banking
    /// and Financial Dealings Act 1971, s. 1 and sch. 1, and the yearly royal proclamations).
    NextFreeWeekday,
    /// Japan's substitute holiday (振替休日, Act on National Holidays art. 3(2), as amended in
    /// force 2007): a Sunday holiday closes the next day that is not itself a holiday (always a
    /// weekday in practice), so a Sunday 3 May closes Wednesday 6 May; a Saturday one closes
    /// nothing.
    SundayToNextFree,
}

/// A holiday that recurs by rule, within the years its law or decision was in force.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Recurring {
    pub name: &'static str,
    pub rule: DateRule,
    pub observance: Observance,
    /// First year the rule applies.
    pub from: i32,
    /// Last year the rule applies, if it was abolished.
    pub until: Option<i32>,
    /// Years in which a one-off proclamation moved the holiday; the moved date is then in the
    /// calendar's one-off table.
    pub moved_in: &'static [i32],
    /// A closure that is not a public holiday (Japan's 31 December to 3 January): it closes the
    /// calendar, but the rules the law words in terms of public holidays (Japan's substitute and
    /// citizens' holidays) do not count it.
    pub bank_closure: bool,
}

/// The weekend of every calendar we have.
pub(crate) const SAT_SUN: &[Weekday] = &[Weekday::Sat, Weekday::Sun];

impl Recurring {
    /// A rule in force from `from` with no weekend observance; the builders below keep the
    /// region tables short.
    pub(crate) const fn new(name: &'static str, rule: DateRule, from: i32) -> Self {
        Self {
            name,
            rule,
            observance: Observance::None,
            from,
            until: None,
            moved_in: &[],
            bank_closure: false,
        }
    }

    pub(crate) const fn observed(mut self, observance: Observance) -> Self {
        self.observance = observance;
        self
    }

    pub(crate) const fn until(mut self, year: i32) -> Self {
        self.until = Some(year);
        self
    }

    pub(crate) const fn moved_in(mut self, years: &'static [i32]) -> Self {
        self.moved_in = years;
        self
    }

    pub(crate) const fn bank_closure(mut self) -> Self {
        self.bank_closure = true;
        self
    }

    fn applies_in(&self, year: i32) -> bool {
        year >= self.from
            && self.until.is_none_or(|last| year <= last)
            && !self.moved_in.contains(&year)
    }
}

/// A closure on one date only: a jubilee, a state funeral, a moved holiday, a Y2K closure.
#[derive(Debug, Clone, Copy)]
pub(crate) struct OneOff {
    pub year: i32,
    pub month: u32,
    pub day: u32,
    pub name: &'static str,
}

impl OneOff {
    pub(crate) fn date(&self) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(self.year, self.month, self.day)
    }
}

/// One region's calendar: weekend rule, recurring rules and one-off data.
#[derive(Debug)]
pub(crate) struct Spec {
    pub weekend: &'static [Weekday],
    /// The first year whose closures we have checked against the operator's published calendar;
    /// earlier years are refused rather than guessed.
    pub first_year: i32,
    /// The last year the rules can be evaluated for: usually
    /// [`LAST_SUPPORTED_YEAR`](super::LAST_SUPPORTED_YEAR), earlier when a rule's date is only
    /// known up to an earlier year (Japan's equinox days, to 2099).
    pub last_year: i32,
    pub recurring: &'static [Recurring],
    pub one_offs: &'static [OneOff],
    /// If set, a weekday that is not a holiday but whose day before and day after are holidays
    /// in their own right (by rule or one-off; substitute days do not count) is closed under
    /// this name: Japan's citizens' holiday (国民の休日, Act on National Holidays art. 3(3)).
    pub between_holidays: Option<&'static str>,
}

impl Spec {
    pub(crate) fn is_weekend(&self, date: NaiveDate) -> bool {
        self.weekend.contains(&date.weekday())
    }
}

impl DateRule {
    fn date_in(self, year: i32) -> Option<NaiveDate> {
        match self {
            DateRule::Fixed { month, day } => NaiveDate::from_ymd_opt(year, month, day),
            DateRule::NthWeekday { month, weekday, n } => {
                NaiveDate::from_weekday_of_month_opt(year, month, weekday, n)
            }
            DateRule::LastWeekday { month, weekday } => {
                // The last one is the fifth if there is a fifth, else the fourth.
                NaiveDate::from_weekday_of_month_opt(year, month, weekday, 5)
                    .or_else(|| NaiveDate::from_weekday_of_month_opt(year, month, weekday, 4))
            }
            DateRule::Easter { days } => {
                let easter = easter_sunday(year)?;
                let delta = Days::new(days.unsigned_abs());
                if days >= 0 {
                    easter.checked_add_days(delta)
                } else {
                    easter.checked_sub_days(delta)
                }
            }
            DateRule::WeekdayBefore {
                month,
                day,
                weekday,
            } => {
                let limit = NaiveDate::from_ymd_opt(year, month, day)?;
                // 1 to 7 days back: a `weekday` limit gives the one a week earlier.
                let back = (limit.weekday().num_days_from_monday() + 6
                    - weekday.num_days_from_monday())
                    % 7
                    + 1;
                limit.checked_sub_days(Days::new(u64::from(back)))
            }
            DateRule::EquinoxJst(which) => equinox_day_jst(year, which),
        }
    }
}

/// The weekday closures of `year`, sorted by date, one entry per date.
///
/// Holidays that fall on a weekend and are not moved are left out: they close nothing that the
/// weekend had not closed already, and published bank-holiday lists (gov.uk, the Fed's) list the
/// day the banks are shut.
pub(crate) fn closures(
    id: CalendarId,
    spec: &Spec,
    year: i32,
) -> Result<Vec<Holiday>, CalendarError> {
    let out_of_range = CalendarError::YearOutOfRange {
        calendar: id,
        year,
        first: spec.first_year,
        last: spec.last_year,
    };
    if !(spec.first_year..=spec.last_year).contains(&year) {
        return Err(out_of_range);
    }

    let mut days: Vec<Holiday> = Vec::with_capacity(spec.recurring.len() + 2);
    let mut on_weekend: Vec<(NaiveDate, &Recurring)> = Vec::new();
    // Every date that is a public holiday in its own right, weekday or weekend (for
    // `between_holidays`), and the bank closures that are not public holidays.
    let mut own_right: Vec<NaiveDate> = Vec::new();
    let mut bank_only: Vec<NaiveDate> = Vec::new();
    for rule in spec.recurring.iter().filter(|r| r.applies_in(year)) {
        let date = rule.rule.date_in(year).ok_or(out_of_range)?;
        if rule.bank_closure {
            bank_only.push(date);
        } else {
            own_right.push(date);
        }
        if spec.is_weekend(date) {
            on_weekend.push((date, rule));
        } else {
            days.push(Holiday {
                date,
                name: rule.name,
                observed: false,
            });
        }
    }
    for one_off in spec.one_offs.iter().filter(|o| o.year == year) {
        // A one-off is data we typed; a test checks every entry is a real weekday, so a bad
        // entry can only be dropped here, never panic.
        own_right.extend(one_off.date());
        if let Some(date) = one_off.date().filter(|d| !spec.is_weekend(*d)) {
            days.push(Holiday {
                date,
                name: one_off.name,
                observed: false,
            });
        }
    }

    // Substitutes are handed out in date order so that, in the UK, Christmas Day takes the first
    // free weekday and Boxing Day the next (27 and 28 December when both fall on a weekend).
    on_weekend.sort_by_key(|(date, _)| *date);
    for (date, rule) in on_weekend {
        let substitute = match rule.observance {
            Observance::None => None,
            Observance::SundayToMonday => (date.weekday() == Weekday::Sun)
                .then(|| date.succ_opt())
                .flatten(),
            Observance::NextFreeWeekday => next_free_weekday(spec, date, &days),
            Observance::SundayToNextFree => (date.weekday() == Weekday::Sun)
                .then(|| {
                    let holidays: Vec<Holiday> = days
                        .iter()
                        .filter(|h| !bank_only.contains(&h.date))
                        .copied()
                        .collect();
                    next_free_weekday(spec, date, &holidays)
                })
                .flatten(),
        };
        if let Some(date) = substitute.filter(|d| d.year() == year) {
            days.push(Holiday {
                date,
                name: rule.name,
                observed: true,
            });
        }
    }

    if let Some(name) = spec.between_holidays {
        days.extend(between_holidays(spec, &own_right, name));
    }

    days.sort_by_key(|h| h.date);
    // Two holidays on one date (Ascension on 1 May, as in 2008) close one day; keep the first
    // rule's name.
    days.dedup_by_key(|h| h.date);
    Ok(days)
}

fn next_free_weekday(spec: &Spec, from: NaiveDate, taken: &[Holiday]) -> Option<NaiveDate> {
    let mut date = from.succ_opt()?;
    // A week always holds a free weekday unless every weekday is a holiday; bound the walk so
    // bad data cannot loop.
    for _ in 0..14 {
        if !spec.is_weekend(date) && taken.iter().all(|h| h.date != date) {
            return Some(date);
        }
        date = date.succ_opt()?;
    }
    None
}

/// The weekdays of the year that are not holidays in their own right but lie between two that
/// are. Only days of the same year: a day before 1 January or after 31 December never counts.
fn between_holidays(spec: &Spec, own_right: &[NaiveDate], name: &'static str) -> Vec<Holiday> {
    own_right
        .iter()
        .filter_map(|before| {
            let day = before.succ_opt()?;
            let after = day.succ_opt()?;
            (!spec.is_weekend(day) && !own_right.contains(&day) && own_right.contains(&after))
                .then_some(Holiday {
                    date: day,
                    name,
                    observed: false,
                })
        })
        .collect()
}
