//! Canada (CAD): the days Payments Canada's Lynx (high-value) and ACSS (retail) systems do not
//! process.
//!
//! Sources:
//! - Payments Canada's published holiday schedule for Lynx, ACSS and USBE (payments.ca), as we
//!   remember its lists for 2021 to 2025; we could not read it while writing this: New Year's
//!   Day, Good Friday, Victoria Day, Canada Day, Civic Holiday, Labour Day, the National Day for
//!   Truth and Reconciliation, Thanksgiving Day, Remembrance Day, Christmas Day and Boxing Day. A
//!   holiday on a Saturday or Sunday is observed on the next weekday that is not already a
//!   holiday: Monday, or Tuesday 28 December for a Sunday Boxing Day after a Saturday Christmas.
//! - The dates: Holidays Act (R.S.C. 1985, c. H-5) for Victoria Day ("the Monday immediately
//!   preceding May 25") and Canada Day; Thanksgiving by yearly proclamation, always the second
//!   Monday in October; S.C. 2021, c. 11 (Bill C-5) for the National Day for Truth and
//!   Reconciliation, 30 September, first observed in 2021.
//!
//! Unsure, and to be checked against payments.ca before live use: Civic Holiday (first Monday in
//! August) is a provincial or municipal holiday, not a federal one, but the Bank of Canada, which
//! settles Lynx, closes on it and Payments Canada lists it, so it is here. Easter Monday, Family
//! Day and Saint-Jean-Baptiste Day close some banks or provinces, not Payments Canada, so they
//! are not. Coverage starts in 2024, the first year our tests list in full.

use chrono::Weekday;

use super::rules::{DateRule, Observance, Recurring, Spec};
use super::LAST_SUPPORTED_YEAR;

const SAT_SUN: &[Weekday] = &[Weekday::Sat, Weekday::Sun];
const MONDAY: Observance = Observance::NextFreeWeekday;

const fn fixed(name: &'static str, month: u32, day: u32, from: i32) -> Recurring {
    Recurring::new(name, DateRule::Fixed { month, day }, from).observed(MONDAY)
}

const fn monday(name: &'static str, month: u32, n: u8) -> Recurring {
    let rule = DateRule::NthWeekday {
        month,
        weekday: Weekday::Mon,
        n,
    };
    Recurring::new(name, rule, 2024)
}

pub(crate) const SPEC: Spec = Spec {
    weekend: SAT_SUN,
    first_year: 2024,
    last_year: LAST_SUPPORTED_YEAR,
    recurring: &[
        fixed("New Year's Day", 1, 1, 2024),
        Recurring::new("Good Friday", DateRule::Easter { days: -2 }, 2024),
        Recurring::new(
            "Victoria Day",
            DateRule::WeekdayBefore {
                month: 5,
                day: 25,
                weekday: Weekday::Mon,
            },
            2024,
        ),
        fixed("Canada Day", 7, 1, 2024),
        monday("Civic Holiday", 8, 1),
        monday("Labour Day", 9, 1),
        fixed("National Day for Truth and Reconciliation", 9, 30, 2021),
        monday("Thanksgiving Day", 10, 2),
        fixed("Remembrance Day", 11, 11, 2024),
        fixed("Christmas Day", 12, 25, 2024),
        fixed("Boxing Day", 12, 26, 2024),
    ],
    one_offs: &[],
    between_holidays: None,
};
