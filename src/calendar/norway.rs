//! Norway (NOK): the days Norges Bank's settlement system (NBO) does not settle.
//!
//! Sources:
//! - Norges Bank's published NBO settlement days ("Oppgjørsdager", norges-bank.no; the lists for
//!   2017 and 2019 are the ones we could read): "NBO is closed on Saturdays and Sundays and on the
//!   following public holidays": New Year's Day, Maundy Thursday, Good Friday, Easter Monday,
//!   1 May, 17 May (Constitution Day), Ascension Day, Whit Monday, Christmas Eve, Christmas Day
//!   and Boxing Day.
//! - The dates: the Public Holidays Act (lov om helligdager og helligdagsfred, 1995) and the Act
//!   on 1 and 17 May as public holidays (1947); Easter Sunday and Whit Sunday are Sundays.
//!
//! New Year's Eve is not an NBO closing day: Norges Bank's lists leave it out (31 December 2019
//! was a Tuesday), although Oslo Børs closes and many banks' branches shut. Norway has no
//! substitute days; when Whit Monday is 17 May (2027) it is one closure. Coverage starts in 2024,
//! the first year our tests list in full.

use super::rules::{DateRule, Recurring, Spec, SAT_SUN};
use super::LAST_SUPPORTED_YEAR;

const fn fixed(name: &'static str, month: u32, day: u32) -> Recurring {
    Recurring::new(name, DateRule::Fixed { month, day }, 2024)
}

const fn easter(name: &'static str, days: i64) -> Recurring {
    Recurring::new(name, DateRule::Easter { days }, 2024)
}

pub(crate) const SPEC: Spec = Spec {
    weekend: SAT_SUN,
    first_year: 2024,
    last_year: LAST_SUPPORTED_YEAR,
    recurring: &[
        fixed("New Year's Day", 1, 1),
        easter("Maundy Thursday", -3),
        easter("Good Friday", -2),
        easter("Easter Monday", 1),
        fixed("Labour Day", 5, 1),
        fixed("Constitution Day", 5, 17),
        easter("Ascension Day", 39),
        easter("Whit Monday", 50),
        fixed("Christmas Eve", 12, 24),
        fixed("Christmas Day", 12, 25),
        fixed("Boxing Day", 12, 26),
    ],
    one_offs: &[],
    between_holidays: None,
};
