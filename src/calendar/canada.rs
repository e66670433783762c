//! Canada (CAD): the days Payments Canada's Lynx (high-value) and ACSS (retail) systems do not
//! process.
//!
//! Sources:
//! - Payments Canada closes its systems on the federal general holidays, being a federally
//!   regulated workplace: its 2021 notice on the National Day for Truth and Reconciliation
//!   ("as a federally regulated workplace ... each year from this date, Payments Canada's
//!   operations and payment systems will be closed", paiements.ca). Those holidays are the ten
//!   of the Canada Labour Code, s. 166: New Year's Day, Good Friday, Victoria Day, Canada Day,
//!   Labour Day, the National Day for Truth and Reconciliation (30 September, from 2021, S.C.
//!   2021, c. 11), Thanksgiving Day, Remembrance Day, Christmas Day and Boxing Day.
//! - The dates: Holidays Act (R.S.C. 1985, c. H-5) for Victoria Day ("the Monday immediately
//!   preceding May 25") and Canada Day; Thanksgiving by yearly proclamation, always the second
//!   Monday in October.
//! - A holiday on a Saturday or Sunday is observed on the next weekday that is not already a
//!   holiday: Payments Canada did not move money on Monday 2 October 2023 for the NDTR on the
//!   Saturday (as payroll providers reported), and Christmas and Boxing Day on a weekend close
//!   27 and 28 December (as in 2021). We could not read Payments Canada's own holiday schedule
//!   while writing this; check the observed days against it before live use.
//!
//! Not here: Civic Holiday (first Monday in August), Family Day, Easter Monday and
//! Saint-Jean-Baptiste Day are provincial holidays, not federal ones. RBC's ACH holiday schedule
//! marks such days "Regional holiday - no changes to cut-off times; files will be processed as
//! usual", and payroll processors' lists of Payments Canada closures (2021-22, 2025-26) leave
//! Civic Holiday out, though some banks close their branches. Civic Holiday is the choice we are
//! least sure of. Coverage starts in 2024, the first year our tests list in full.

use chrono::Weekday;

use super::rules::{DateRule, Observance, Recurring, Spec, SAT_SUN};
use super::LAST_SUPPORTED_YEAR;

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
