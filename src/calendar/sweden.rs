//! Sweden (SEK): the days Sveriges Riksbank's RIX does not settle.
//!
//! Sources:
//! - Public Holidays Act (Lag (1989:253) om allmänna helgdagar), as amended in 2005 (National
//!   Day on 6 June added, Whit Monday removed): New Year's Day, Epiphany, Good Friday, Easter
//!   Monday, 1 May, Ascension Day, the National Day, Christmas Day and Boxing Day on weekdays
//!   (Easter Sunday, Whitsun, Midsummer Day and All Saints' Day are always Saturdays or Sundays).
//! - RIX settles on Swedish banking days. The non-banking days (bankfria dagar) are Saturdays,
//!   Sundays and public holidays, and Midsummer Eve, Christmas Eve and New Year's Eve, which are
//!   treated as Sundays for payments (Finansportalen's glossary: "Svenska bankfria dagar är
//!   lördagar samt midsommarafton, julafton och nyårsafton"). The Riksbank's own notices use the
//!   same days (its December 2025 certificate notice: "a non banking day Tuesday January 6th").
//!   We could not read the Riksbank's RIX calendar itself while writing this. Midsummer Eve is
//!   the Friday between 19 and 25 June.
//!
//! Sweden has no substitute days. Bridge days (klämdagar, such as the Friday after Ascension)
//! close some offices, not RIX. Coverage starts in 2024, the first year our tests list in full.

use chrono::Weekday;

use super::rules::{DateRule, Recurring, Spec, SAT_SUN};
use super::LAST_SUPPORTED_YEAR;

const fn fixed(name: &'static str, month: u32, day: u32) -> Recurring {
    Recurring::new(name, DateRule::Fixed { month, day }, 2024)
}

pub(crate) const SPEC: Spec = Spec {
    weekend: SAT_SUN,
    first_year: 2024,
    last_year: LAST_SUPPORTED_YEAR,
    recurring: &[
        fixed("New Year's Day", 1, 1),
        fixed("Epiphany", 1, 6),
        Recurring::new("Good Friday", DateRule::Easter { days: -2 }, 2024),
        Recurring::new("Easter Monday", DateRule::Easter { days: 1 }, 2024),
        fixed("May Day", 5, 1),
        Recurring::new("Ascension Day", DateRule::Easter { days: 39 }, 2024),
        fixed("National Day of Sweden", 6, 6),
        Recurring::new(
            "Midsummer Eve",
            DateRule::WeekdayBefore {
                month: 6,
                day: 26,
                weekday: Weekday::Fri,
            },
            2024,
        ),
        fixed("Christmas Eve", 12, 24),
        fixed("Christmas Day", 12, 25),
        fixed("Boxing Day", 12, 26),
        fixed("New Year's Eve", 12, 31),
    ],
    one_offs: &[],
    between_holidays: None,
};
