//! Japan (JPY): bank holidays, the days on which the Bank of Japan's BOJ-NET and the Zengin
//! Data Telecommunication System do not settle.
//!
//! Sources:
//! - Banking Act art. 15(1) and Order for Enforcement of the Banking Act art. 5(1): banks are
//!   closed on Sundays, national holidays, 31 December to 3 January and Saturdays. BOJ-NET and
//!   Zengin run on bank business days, so this is their calendar too.
//! - Act on National Holidays (国民の祝日に関する法律, Act No. 178 of 1948) as amended: the
//!   holidays and their dates below; art. 3(2) (as amended 2005, in force 2007) the substitute
//!   holiday, the next day that is not a national holiday when one falls on a Sunday; art. 3(3)
//!   the citizens' holiday, a day between two national holidays (since 2007 it can only arise in
//!   September, between Respect for the Aged Day and an Autumnal Equinox Day two days later, as
//!   in 2026).
//! - The equinox days, announced each February for the next year from the National Astronomical
//!   Observatory's computation; computed here by the standard formula, which gives the announced
//!   days (see `equinox`).
//!
//! The 31 December to 3 January closures are bank closures, not national holidays: they close
//! the banks but a substitute holiday may fall on them (New Year's Day on a Sunday, as in 2034,
//! makes 2 January the substitute, not 4 January) and they bracket no citizens' holiday.
//!
//! Coverage starts in 2024 and stops in 2099 (the equinox formula's last year). Earlier years are
//! refused: 2019 to 2021 need one-offs we have not encoded (the 2019 accession holidays, and the
//! Olympic moves of Marine Day, Sports Day and Mountain Day in 2020 and 2021), and 2022 and 2023
//! were not checked. Saturday holidays are not moved: banks are closed on Saturdays anyway.

use chrono::Weekday;

use super::equinox::Equinox;
use super::rules::{DateRule, Observance, Recurring, Spec, SAT_SUN};

const SUBSTITUTE: Observance = Observance::SundayToNextFree;

/// A national holiday on a fixed date, moved to the next free day when it falls on a Sunday.
const fn fixed(name: &'static str, month: u32, day: u32, from: i32) -> Recurring {
    Recurring::new(name, DateRule::Fixed { month, day }, from).observed(SUBSTITUTE)
}

/// A Happy Monday holiday (the `n`th Monday of `month`, since 2000 or 2003): never a Sunday.
const fn monday(name: &'static str, month: u32, n: u8, from: i32) -> Recurring {
    let rule = DateRule::NthWeekday {
        month,
        weekday: Weekday::Mon,
        n,
    };
    Recurring::new(name, rule, from)
}

/// A bank closure (Enforcement Order art. 5): not a national holiday, so never substituted.
const fn bank(name: &'static str, month: u32, day: u32) -> Recurring {
    Recurring::new(name, DateRule::Fixed { month, day }, 1981).bank_closure()
}

pub(crate) const SPEC: Spec = Spec {
    weekend: SAT_SUN,
    first_year: 2024,
    last_year: 2099,
    recurring: &[
        fixed("New Year's Day", 1, 1, 1948),
        bank("Bank holiday (2 January)", 1, 2),
        bank("Bank holiday (3 January)", 1, 3),
        monday("Coming of Age Day", 1, 2, 2000),
        fixed("National Foundation Day", 2, 11, 1967),
        fixed("Emperor's Birthday", 2, 23, 2020),
        Recurring::new(
            "Vernal Equinox Day",
            DateRule::EquinoxJst(Equinox::March),
            1948,
        )
        .observed(SUBSTITUTE),
        fixed("Showa Day", 4, 29, 2007),
        fixed("Constitution Memorial Day", 5, 3, 1948),
        fixed("Greenery Day", 5, 4, 2007),
        fixed("Children's Day", 5, 5, 1948),
        monday("Marine Day", 7, 3, 2003),
        fixed("Mountain Day", 8, 11, 2016),
        monday("Respect for the Aged Day", 9, 3, 2003),
        Recurring::new(
            "Autumnal Equinox Day",
            DateRule::EquinoxJst(Equinox::September),
            1948,
        )
        .observed(SUBSTITUTE),
        monday("Sports Day", 10, 2, 2000),
        fixed("Culture Day", 11, 3, 1948),
        fixed("Labour Thanksgiving Day", 11, 23, 1948),
        bank("Bank holiday (31 December)", 12, 31),
    ],
    one_offs: &[],
    between_holidays: Some("Citizens' Holiday"),
};
