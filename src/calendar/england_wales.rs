//! England and Wales (GBP): bank holidays, the days CHAPS and Bacs do not settle.
//!
//! Sources:
//! - Banking and Financial Dealings Act 1971, s. 1 and sch. 1: Easter Monday, the last Monday in
//!   May, the last Monday in August, 26 December (27 December when 25 or 26 December is a Sunday).
//! - Good Friday and Christmas Day are common-law holidays; New Year's Day (since 1974) and the
//!   early May bank holiday (first Monday in May, since 1978) are made each year by royal
//!   proclamation under s. 1(3) of the Act, as are the substitute days when a fixed-date holiday
//!   falls on a weekend. The published practice (gov.uk/bank-holidays) is the rule we encode:
//!   the next weekday that is not already a bank holiday.
//! - One-off proclamations, listed with their dates below.

use chrono::Weekday;

use super::rules::{DateRule, Observance, OneOff, Recurring, Spec, SAT_SUN};
use super::LAST_SUPPORTED_YEAR;

const SUBSTITUTE: Observance = Observance::NextFreeWeekday;

const fn one_off(year: i32, month: u32, day: u32, name: &'static str) -> OneOff {
    OneOff {
        year,
        month,
        day,
        name,
    }
}

pub(crate) const SPEC: Spec = Spec {
    weekend: SAT_SUN,
    first_year: 1999,
    last_year: LAST_SUPPORTED_YEAR,
    recurring: &[
        Recurring::new("New Year's Day", DateRule::Fixed { month: 1, day: 1 }, 1999)
            .observed(SUBSTITUTE),
        Recurring::new("Good Friday", DateRule::Easter { days: -2 }, 1999),
        Recurring::new("Easter Monday", DateRule::Easter { days: 1 }, 1999),
        Recurring::new(
            "Early May bank holiday",
            DateRule::NthWeekday {
                month: 5,
                weekday: Weekday::Mon,
                n: 1,
            },
            1999,
        )
        // 2020: moved to Friday 8 May for the 75th anniversary of VE Day.
        .moved_in(&[2020]),
        Recurring::new(
            "Spring bank holiday",
            DateRule::LastWeekday {
                month: 5,
                weekday: Weekday::Mon,
            },
            1999,
        )
        // Moved next to the Golden (2002), Diamond (2012) and Platinum (2022) Jubilees.
        .moved_in(&[2002, 2012, 2022]),
        Recurring::new(
            "Summer bank holiday",
            DateRule::LastWeekday {
                month: 8,
                weekday: Weekday::Mon,
            },
            1999,
        ),
        Recurring::new(
            "Christmas Day",
            DateRule::Fixed { month: 12, day: 25 },
            1999,
        )
        .observed(SUBSTITUTE),
        Recurring::new("Boxing Day", DateRule::Fixed { month: 12, day: 26 }, 1999)
            .observed(SUBSTITUTE),
    ],
    one_offs: &[
        one_off(1999, 12, 31, "Millennium Day"),
        one_off(2002, 6, 3, "Queen's Golden Jubilee"),
        one_off(2002, 6, 4, "Spring bank holiday"),
        one_off(
            2011,
            4,
            29,
            "Wedding of Prince William and Catherine Middleton",
        ),
        one_off(2012, 6, 4, "Spring bank holiday"),
        one_off(2012, 6, 5, "Queen's Diamond Jubilee"),
        one_off(2020, 5, 8, "Early May bank holiday (VE day)"),
        one_off(2022, 6, 2, "Spring bank holiday"),
        one_off(2022, 6, 3, "Platinum Jubilee bank holiday"),
        one_off(2022, 9, 19, "State Funeral of Queen Elizabeth II"),
        one_off(
            2023,
            5,
            8,
            "Bank holiday for the coronation of King Charles III",
        ),
    ],
    between_holidays: None,
};
