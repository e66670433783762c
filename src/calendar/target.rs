//! TARGET (EUR): the closing days of the Eurosystem's real-time gross settlement system.
//!
//! Sources, all European Central Bank press releases:
//! - 3 September 1998, "Calendar of TARGET operating days for 1999": in 1999 TARGET closes only on
//!   Christmas Day and New Year's Day (besides weekends).
//! - 31 March 1999, "Year 2000 - Closing of TARGET on 31 December 1999": the extra Y2K closure.
//! - 15 July 1999, "TARGET closing days in 2000": New Year's Day, Good Friday, Easter Monday,
//!   1 May, Christmas Day and 26 December. 2001 had its own annual calendar, which we did not
//!   find; we assume the 2000 days (the 14 December 2000 release speaks of "annual calendars
//!   ... for the three years 1999, 2000 and 2001" before fixing the same six days for good).
//! - 14 December 2000, "Long-term calendar for TARGET closing days": the same six days "from 2002
//!   until further notice". That calendar carried over to TARGET2 (2007/08) and to T2 (2023).
//!
//! TARGET never substitutes a weekday for a holiday that falls on a weekend.

use super::rules::{DateRule, OneOff, Recurring, Spec, SAT_SUN};
use super::LAST_SUPPORTED_YEAR;

pub(crate) const SPEC: Spec = Spec {
    weekend: SAT_SUN,
    // TARGET went live on 4 January 1999 with the euro.
    first_year: 1999,
    last_year: LAST_SUPPORTED_YEAR,
    recurring: &[
        Recurring::new("New Year's Day", DateRule::Fixed { month: 1, day: 1 }, 1999),
        Recurring::new("Good Friday", DateRule::Easter { days: -2 }, 2000),
        Recurring::new("Easter Monday", DateRule::Easter { days: 1 }, 2000),
        Recurring::new("Labour Day", DateRule::Fixed { month: 5, day: 1 }, 2000),
        Recurring::new(
            "Christmas Day",
            DateRule::Fixed { month: 12, day: 25 },
            1999,
        ),
        Recurring::new("26 December", DateRule::Fixed { month: 12, day: 26 }, 2000),
    ],
    one_offs: &[
        // ECB, 31 March 1999: closed for the Year 2000 changeover.
        OneOff {
            year: 1999,
            month: 12,
            day: 31,
            name: "Year 2000 changeover closure",
        },
        // The eve of the euro cash changeover. Market calendars (and EONIA, which was not
        // fixed that day) treat it as a TARGET closing day; we did not find the ECB's own 2001
        // announcement, so this is the one entry here resting on secondary sources.
        OneOff {
            year: 2001,
            month: 12,
            day: 31,
            name: "Euro cash changeover closure",
        },
    ],
    between_holidays: None,
};
