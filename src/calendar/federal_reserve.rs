//! Federal Reserve (USD): the days Fedwire and FedACH do not settle.
//!
//! Sources:
//! - The legal public holidays of 5 U.S.C. § 6103(a), which the Reserve Banks observe; the dates
//!   of the Monday holidays come from the Uniform Monday Holiday Act (1968, in force 1971),
//!   Martin Luther King Jr. Day from Pub. L. 98-144 (first observed 1986), Veterans Day back on
//!   11 November from 1978 (Pub. L. 94-97).
//! - Juneteenth National Independence Day, Pub. L. 117-17 (17 June 2021). The Fed announced that
//!   its financial services would operate normally on Friday 18 June 2021 and first closed for it
//!   in 2022, so the rule starts in 2022.
//! - The Federal Reserve's holiday schedule (frbservices.org) for the weekend practice: "For
//!   holidays falling on Saturday, Federal Reserve Banks and Branches will be open the preceding
//!   Friday"; a Sunday holiday closes the following Monday.
//!
//! No one-off closures: the national days of mourning for Presidents Reagan (2004-06-11),
//! G. H. W. Bush (2018-12-05) and Carter (2025-01-09) closed federal offices and the stock
//! exchanges, but the Reserve Banks' payment services operated normally. The Board also
//! announced in 1998 that 31 December 1999 would be a normal day.

use chrono::Weekday;

use super::rules::{DateRule, Observance, Recurring, Spec, SAT_SUN};
use super::LAST_SUPPORTED_YEAR;

const FED: Observance = Observance::SundayToMonday;

pub(crate) const SPEC: Spec = Spec {
    weekend: SAT_SUN,
    // Every rule below was already in force in 1999, save Juneteenth which carries its own year.
    first_year: 1999,
    last_year: LAST_SUPPORTED_YEAR,
    recurring: &[
        Recurring::new("New Year's Day", DateRule::Fixed { month: 1, day: 1 }, 1999).observed(FED),
        Recurring::new(
            "Birthday of Martin Luther King, Jr.",
            DateRule::NthWeekday {
                month: 1,
                weekday: Weekday::Mon,
                n: 3,
            },
            1999,
        ),
        Recurring::new(
            "Washington's Birthday",
            DateRule::NthWeekday {
                month: 2,
                weekday: Weekday::Mon,
                n: 3,
            },
            1999,
        ),
        Recurring::new(
            "Memorial Day",
            DateRule::LastWeekday {
                month: 5,
                weekday: Weekday::Mon,
            },
            1999,
        ),
        Recurring::new(
            "Juneteenth National Independence Day",
            DateRule::Fixed { month: 6, day: 19 },
            2022,
        )
        .observed(FED),
        Recurring::new(
            "Independence Day",
            DateRule::Fixed { month: 7, day: 4 },
            1999,
        )
        .observed(FED),
        Recurring::new(
            "Labor Day",
            DateRule::NthWeekday {
                month: 9,
                weekday: Weekday::Mon,
                n: 1,
            },
            1999,
        ),
        Recurring::new(
            "Columbus Day",
            DateRule::NthWeekday {
                month: 10,
                weekday: Weekday::Mon,
                n: 2,
            },
            1999,
        ),
        Recurring::new("Veterans Day", DateRule::Fixed { month: 11, day: 11 }, 1999).observed(FED),
        Recurring::new(
            "Thanksgiving Day",
            DateRule::NthWeekday {
                month: 11,
                weekday: Weekday::Thu,
                n: 4,
            },
            1999,
        ),
        Recurring::new(
            "Christmas Day",
            DateRule::Fixed { month: 12, day: 25 },
            1999,
        )
        .observed(FED),
    ],
    one_offs: &[],
    between_holidays: None,
};
