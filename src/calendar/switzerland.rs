//! Switzerland (CHF): the bank holidays on which SIX Interbank Clearing's SIC system does not
//! settle. The set is the nationwide Swiss bank holidays as commonly published for SIC (the SNB
//! links its "Bank holidays in Switzerland" list from its SIC pages): New Year's Day and
//! Berchtold's Day, Good Friday, Easter Monday, Labour Day, Ascension, Whit Monday, the federal
//! National Day (1 August, Art. 110 para. 3 of the Federal Constitution), Christmas Day and
//! St Stephen's Day. We could not read that list itself while writing this, so it is the calendar
//! here with the weakest sourcing; check it against SIX's clearing-day calendar before relying on
//! it for real money.
//!
//! Cantonal holidays (Corpus Christi, Assumption, Knabenschiessen, ...) close branches locally,
//! not SIC, so they are not here; nor are 24 and 31 December, which SIX Swiss Exchange (not
//! SIC) closes. Switzerland has no substitute days.

use super::rules::{DateRule, Recurring, Spec, SAT_SUN};
use super::LAST_SUPPORTED_YEAR;

pub(crate) const SPEC: Spec = Spec {
    weekend: SAT_SUN,
    first_year: 2000,
    last_year: LAST_SUPPORTED_YEAR,
    recurring: &[
        Recurring::new("New Year's Day", DateRule::Fixed { month: 1, day: 1 }, 2000),
        Recurring::new(
            "Berchtold's Day",
            DateRule::Fixed { month: 1, day: 2 },
            2000,
        ),
        Recurring::new("Good Friday", DateRule::Easter { days: -2 }, 2000),
        Recurring::new("Easter Monday", DateRule::Easter { days: 1 }, 2000),
        Recurring::new("Labour Day", DateRule::Fixed { month: 5, day: 1 }, 2000),
        Recurring::new("Ascension Day", DateRule::Easter { days: 39 }, 2000),
        Recurring::new("Whit Monday", DateRule::Easter { days: 50 }, 2000),
        Recurring::new(
            "Swiss National Day",
            DateRule::Fixed { month: 8, day: 1 },
            2000,
        ),
        Recurring::new(
            "Christmas Day",
            DateRule::Fixed { month: 12, day: 25 },
            2000,
        ),
        Recurring::new(
            "St Stephen's Day",
            DateRule::Fixed { month: 12, day: 26 },
            2000,
        ),
    ],
    one_offs: &[],
    between_holidays: None,
};
