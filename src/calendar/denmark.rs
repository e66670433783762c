//! Denmark (DKK): the days Danmarks Nationalbank's Kronos2 does not settle.
//!
//! Sources:
//! - The Danish public holidays (helligdage, under the Holidays Act, helligdagsloven): New Year's
//!   Day, Maundy Thursday, Good Friday, Easter Monday, Ascension Day, Whit Monday, Christmas Day
//!   and Boxing Day on weekdays, and Great Prayer Day (the fourth Friday after Easter) until
//!   2023: Act No. 214 of 2023 abolishing it as a public holiday (lov om afskaffelse af store
//!   bededag som helligdag) took effect on 1 January 2024.
//! - Danmarks Nationalbank's published closing days ("Banklukkedage", nationalbanken.dk: "Besides
//!   weekends and public holidays there are a number of days on which Danmarks Nationalbank and
//!   banks in general are closed"; we read its lists for 2026 and 2027): the public holidays plus
//!   the Friday after Ascension Day, Constitution Day (5 June), Christmas Eve and New Year's Eve.
//!   Kronos2, Nationalbanken's RTGS system, settles on its business days.
//!
//! 1 May is a half day off for many employees but not on Nationalbanken's list, so it is not
//! here. Denmark has no substitute days. Coverage starts in 2023, the last year of Great Prayer
//! Day, so the abolition is exercised by the tests; 2023 to 2025 follow the same rules, not lists
//! we have read.

use super::rules::{DateRule, Recurring, Spec, SAT_SUN};
use super::LAST_SUPPORTED_YEAR;

const fn fixed(name: &'static str, month: u32, day: u32) -> Recurring {
    Recurring::new(name, DateRule::Fixed { month, day }, 2023)
}

const fn easter(name: &'static str, days: i64) -> Recurring {
    Recurring::new(name, DateRule::Easter { days }, 2023)
}

pub(crate) const SPEC: Spec = Spec {
    weekend: SAT_SUN,
    first_year: 2023,
    last_year: LAST_SUPPORTED_YEAR,
    recurring: &[
        fixed("New Year's Day", 1, 1),
        easter("Maundy Thursday", -3),
        easter("Good Friday", -2),
        easter("Easter Monday", 1),
        easter("Great Prayer Day", 26).until(2023),
        easter("Ascension Day", 39),
        easter("Bank holiday (day after Ascension Day)", 40),
        easter("Whit Monday", 50),
        fixed("Constitution Day", 6, 5),
        fixed("Christmas Eve", 12, 24),
        fixed("Christmas Day", 12, 25),
        fixed("Boxing Day", 12, 26),
        fixed("New Year's Eve", 12, 31),
    ],
    one_offs: &[],
    between_holidays: None,
};
