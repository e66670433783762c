//! Poland (PLN): the days Narodowy Bank Polski's SORBNET does not settle.
//!
//! Sources:
//! - The Act on Public Holidays (ustawa z dnia 18 stycznia 1951 r. o dniach wolnych od pracy),
//!   as amended: New Year's Day, Epiphany (6 January, since 2011), Easter Monday, 1 May, 3 May
//!   (Constitution Day), Corpus Christi (Easter + 60), the Assumption (15 August), All Saints'
//!   Day (1 November), Independence Day (11 November), Christmas Day and 26 December; and
//!   Christmas Eve (24 December) from 2025, added by an amending act signed in December 2024
//!   (first observed on 24 December 2025). Easter Sunday and Whit Sunday are Sundays.
//! - NBP's SORBNET operating days, as we understand its rules (we could not read them while
//!   writing this): every weekday that is not a statutory holiday. Before 2025 Christmas Eve was a
//!   working day and SORBNET ran on 24 December with early cut-offs (PKO BP's notices for 2018
//!   and 2024 give same-day SORBNET2 transfers until 13:30-13:45 on 24 and 31 December).
//!
//! Poland has no substitute days for payment systems: an employee's day off in lieu of a
//! Saturday holiday is an employment matter, not a bank closure. Coverage starts in 2024, the
//! first year our tests list in full.

use super::rules::{DateRule, Recurring, Spec, SAT_SUN};
use super::LAST_SUPPORTED_YEAR;

const fn fixed(name: &'static str, month: u32, day: u32, from: i32) -> Recurring {
    Recurring::new(name, DateRule::Fixed { month, day }, from)
}

pub(crate) const SPEC: Spec = Spec {
    weekend: SAT_SUN,
    first_year: 2024,
    last_year: LAST_SUPPORTED_YEAR,
    recurring: &[
        fixed("New Year's Day", 1, 1, 2024),
        fixed("Epiphany", 1, 6, 2011),
        Recurring::new("Easter Monday", DateRule::Easter { days: 1 }, 2024),
        fixed("Labour Day", 5, 1, 2024),
        fixed("Constitution Day", 5, 3, 2024),
        Recurring::new("Corpus Christi", DateRule::Easter { days: 60 }, 2024),
        fixed("Assumption of Mary", 8, 15, 2024),
        fixed("All Saints' Day", 11, 1, 2024),
        fixed("Independence Day", 11, 11, 2024),
        fixed("Christmas Eve", 12, 24, 2025),
        fixed("Christmas Day", 12, 25, 2024),
        fixed("Second Day of Christmas", 12, 26, 2024),
    ],
    one_offs: &[],
    between_holidays: None,
};
