//! Australia (AUD): the days the Reserve Bank of Australia's RITS does not settle.
//!
//! Sources:
//! - The RBA's "RITS Business Hours" (rba.gov.au): RITS is available "on days when banks
//!   generally are open for business in Sydney or Melbourne" and closed "on weekends and on the
//!   following public holidays where they are observed in NSW and Victoria: New Year's Day,
//!   Australia Day, Good Friday, Easter Monday, Anzac Day, King's Birthday, Christmas Day and
//!   Boxing Day". (The Fast Settlement Service for NPP payments runs every day; payouts here
//!   follow the core RITS days.)
//! - The dates and weekend rules as NSW (Public Holidays Act 2010) and Victoria (Public Holidays
//!   Act 1993) both observe them: New Year's Day and Australia Day on a weekend move to the Monday
//!   after; Christmas Day and Boxing Day on a weekend take the next weekdays not already holidays
//!   (27 and 28 December when both fall on the weekend); Anzac Day on a weekend is not moved; the
//!   King's Birthday is the second Monday in June (not the date in Western Australia or
//!   Queensland, but the one RITS closes on).
//!
//! Not here: holidays of one state only, such as the NSW Bank Holiday (first Monday in August),
//! NSW Labour Day (first Monday in October) or Melbourne Cup Day, which are in Sydney (AUSY)
//! market calendars but not RITS's (ASX Settlement too stopped observing them from 2017 "to align
//! with RITS"); nor the Monday holidays NSW added for Anzac Day 2026 and 2027, which fall on a
//! Saturday and a Sunday, as Victoria does not observe them. Coverage starts in 2024, the first
//! year our tests list in full.

use chrono::Weekday;

use super::rules::{DateRule, Observance, Recurring, Spec, SAT_SUN};
use super::LAST_SUPPORTED_YEAR;

const SUBSTITUTE: Observance = Observance::NextFreeWeekday;

const fn fixed(name: &'static str, month: u32, day: u32) -> Recurring {
    Recurring::new(name, DateRule::Fixed { month, day }, 2024)
}

pub(crate) const SPEC: Spec = Spec {
    weekend: SAT_SUN,
    first_year: 2024,
    last_year: LAST_SUPPORTED_YEAR,
    recurring: &[
        fixed("New Year's Day", 1, 1).observed(SUBSTITUTE),
        fixed("Australia Day", 1, 26).observed(SUBSTITUTE),
        Recurring::new("Good Friday", DateRule::Easter { days: -2 }, 2024),
        Recurring::new("Easter Monday", DateRule::Easter { days: 1 }, 2024),
        fixed("Anzac Day", 4, 25),
        Recurring::new(
            "King's Birthday",
            DateRule::NthWeekday {
                month: 6,
                weekday: Weekday::Mon,
                n: 2,
            },
            2024,
        ),
        fixed("Christmas Day", 12, 25).observed(SUBSTITUTE),
        fixed("Boxing Day", 12, 26).observed(SUBSTITUTE),
    ],
    one_offs: &[],
    between_holidays: None,
};
