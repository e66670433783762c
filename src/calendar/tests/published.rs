//! Full weekday-closure lists per year, copied from the operators' published calendars (not
//! generated from this code): the ECB's TARGET closing days, the Federal Reserve's holiday
//! schedule (frbservices.org), gov.uk/bank-holidays for England and Wales. Weekend holidays that
//! move nowhere are absent by design, as they are from those lists' "banks closed" reading.
//!
//! The calendars added for JPY, CAD, AUD, SEK, NOK, DKK and PLN have their lists in the
//! submodules below, one per region; each says where its list comes from.

mod australia;
mod canada;
mod denmark;
mod japan;
mod norway;
mod poland;
mod sweden;

use super::{assert_closures, d};
use crate::calendar::CalendarId;

/// `(from, n, expected)`: `id.add_business_days(from, n)` is `expected`.
fn assert_t_plus(id: CalendarId, cases: &[(&str, u32, &str)]) {
    for (from, n, expected) in cases {
        assert_eq!(
            id.add_business_days(d(from), *n),
            Ok(d(expected)),
            "{id}: {from} + {n}"
        );
    }
}

#[test]
fn target_2019_to_2027() {
    assert_closures(
        CalendarId::Target,
        &[
            (
                2019,
                &[
                    "2019-01-01",
                    "2019-04-19",
                    "2019-04-22",
                    "2019-05-01",
                    "2019-12-25",
                    "2019-12-26",
                ],
            ),
            // 26 December 2020 was a Saturday.
            (
                2020,
                &[
                    "2020-01-01",
                    "2020-04-10",
                    "2020-04-13",
                    "2020-05-01",
                    "2020-12-25",
                ],
            ),
            // 1 May, 25 and 26 December 2021 fell on weekends; TARGET has no substitute days.
            (2021, &["2021-01-01", "2021-04-02", "2021-04-05"]),
            (2022, &["2022-04-15", "2022-04-18", "2022-12-26"]),
            (
                2023,
                &[
                    "2023-04-07",
                    "2023-04-10",
                    "2023-05-01",
                    "2023-12-25",
                    "2023-12-26",
                ],
            ),
            (
                2024,
                &[
                    "2024-01-01",
                    "2024-03-29",
                    "2024-04-01",
                    "2024-05-01",
                    "2024-12-25",
                    "2024-12-26",
                ],
            ),
            (
                2025,
                &[
                    "2025-01-01",
                    "2025-04-18",
                    "2025-04-21",
                    "2025-05-01",
                    "2025-12-25",
                    "2025-12-26",
                ],
            ),
            (
                2026,
                &[
                    "2026-01-01",
                    "2026-04-03",
                    "2026-04-06",
                    "2026-05-01",
                    "2026-12-25",
                ],
            ),
            (2027, &["2027-01-01", "2027-03-26", "2027-03-29"]),
        ],
    );
}

#[test]
fn target_before_the_long_term_calendar() {
    assert_closures(
        CalendarId::Target,
        &[
            // 1999: only New Year's Day and Christmas Day (a Saturday), plus the Y2K closure.
            // Good Friday (2 April) and Easter Monday were open.
            (1999, &["1999-01-01", "1999-12-31"]),
            // 2000: the six-day regime; 1 January 2000 was a Saturday.
            (
                2000,
                &[
                    "2000-04-21",
                    "2000-04-24",
                    "2000-05-01",
                    "2000-12-25",
                    "2000-12-26",
                ],
            ),
            // 2001 rests on our reading of the ECB releases (see target.rs), not on its own calendar.
            (
                2001,
                &[
                    "2001-01-01",
                    "2001-04-13",
                    "2001-04-16",
                    "2001-05-01",
                    "2001-12-25",
                    "2001-12-26",
                    "2001-12-31",
                ],
            ),
            (
                2002,
                &[
                    "2002-01-01",
                    "2002-03-29",
                    "2002-04-01",
                    "2002-05-01",
                    "2002-12-25",
                    "2002-12-26",
                ],
            ),
        ],
    );
}

#[test]
fn federal_reserve_2019_to_2027() {
    assert_closures(
        CalendarId::FederalReserve,
        &[
            (
                2019,
                &[
                    "2019-01-01",
                    "2019-01-21",
                    "2019-02-18",
                    "2019-05-27",
                    "2019-07-04",
                    "2019-09-02",
                    "2019-10-14",
                    "2019-11-11",
                    "2019-11-28",
                    "2019-12-25",
                ],
            ),
            // Independence Day 2020 was a Saturday: Friday 3 July stayed open.
            (
                2020,
                &[
                    "2020-01-01",
                    "2020-01-20",
                    "2020-02-17",
                    "2020-05-25",
                    "2020-09-07",
                    "2020-10-12",
                    "2020-11-11",
                    "2020-11-26",
                    "2020-12-25",
                ],
            ),
            // No Juneteenth yet (signed 17 June 2021; Fed open on the 18th). Independence Day on
            // a Sunday: Monday 5 July. Christmas on a Saturday and New Year's Day 2022 on a
            // Saturday: Friday 24 and Friday 31 December open.
            (
                2021,
                &[
                    "2021-01-01",
                    "2021-01-18",
                    "2021-02-15",
                    "2021-05-31",
                    "2021-07-05",
                    "2021-09-06",
                    "2021-10-11",
                    "2021-11-11",
                    "2021-11-25",
                ],
            ),
            // Juneteenth on a Sunday: Monday 20 June. Christmas on a Sunday: Monday 26 December.
            (
                2022,
                &[
                    "2022-01-17",
                    "2022-02-21",
                    "2022-05-30",
                    "2022-06-20",
                    "2022-07-04",
                    "2022-09-05",
                    "2022-10-10",
                    "2022-11-11",
                    "2022-11-24",
                    "2022-12-26",
                ],
            ),
            // New Year's Day on a Sunday: Monday 2 January. Veterans Day on a Saturday: none.
            (
                2023,
                &[
                    "2023-01-02",
                    "2023-01-16",
                    "2023-02-20",
                    "2023-05-29",
                    "2023-06-19",
                    "2023-07-04",
                    "2023-09-04",
                    "2023-10-09",
                    "2023-11-23",
                    "2023-12-25",
                ],
            ),
            (
                2024,
                &[
                    "2024-01-01",
                    "2024-01-15",
                    "2024-02-19",
                    "2024-05-27",
                    "2024-06-19",
                    "2024-07-04",
                    "2024-09-02",
                    "2024-10-14",
                    "2024-11-11",
                    "2024-11-28",
                    "2024-12-25",
                ],
            ),
            // 9 January 2025 (national day of mourning for President Carter) is not a closure.
            (
                2025,
                &[
                    "2025-01-01",
                    "2025-01-20",
                    "2025-02-17",
                    "2025-05-26",
                    "2025-06-19",
                    "2025-07-04",
                    "2025-09-01",
                    "2025-10-13",
                    "2025-11-11",
                    "2025-11-27",
                    "2025-12-25",
                ],
            ),
            (
                2026,
                &[
                    "2026-01-01",
                    "2026-01-19",
                    "2026-02-16",
                    "2026-05-25",
                    "2026-06-19",
                    "2026-09-07",
                    "2026-10-12",
                    "2026-11-11",
                    "2026-11-26",
                    "2026-12-25",
                ],
            ),
            // Juneteenth and Christmas on Saturdays; Independence Day on a Sunday.
            (
                2027,
                &[
                    "2027-01-01",
                    "2027-01-18",
                    "2027-02-15",
                    "2027-05-31",
                    "2027-07-05",
                    "2027-09-06",
                    "2027-10-11",
                    "2027-11-11",
                    "2027-11-25",
                ],
            ),
        ],
    );
}

#[test]
fn federal_reserve_one_offs_that_were_not_closures() {
    let fed = CalendarId::FederalReserve;
    // Y2K (Board announcement of 28 January 1998), and the national days of mourning for
    // Presidents Reagan, G. H. W. Bush and Carter: payment services operated normally.
    for day in ["1999-12-31", "2004-06-11", "2018-12-05", "2025-01-09"] {
        assert!(fed.is_business_day(d(day)), "{day}");
    }
}

#[test]
fn england_and_wales_2019_to_2027() {
    assert_closures(
        CalendarId::EnglandWales,
        &[
            (
                2019,
                &[
                    "2019-01-01",
                    "2019-04-19",
                    "2019-04-22",
                    "2019-05-06",
                    "2019-05-27",
                    "2019-08-26",
                    "2019-12-25",
                    "2019-12-26",
                ],
            ),
            // Early May bank holiday moved to Friday 8 May (VE Day); Boxing Day on a Saturday.
            (
                2020,
                &[
                    "2020-01-01",
                    "2020-04-10",
                    "2020-04-13",
                    "2020-05-08",
                    "2020-05-25",
                    "2020-08-31",
                    "2020-12-25",
                    "2020-12-28",
                ],
            ),
            // Christmas on a Saturday, Boxing Day on a Sunday: substitutes 27 and 28 December.
            (
                2021,
                &[
                    "2021-01-01",
                    "2021-04-02",
                    "2021-04-05",
                    "2021-05-03",
                    "2021-05-31",
                    "2021-08-30",
                    "2021-12-27",
                    "2021-12-28",
                ],
            ),
            // New Year substitute 3 January; spring bank holiday moved to 2 June with the
            // Platinum Jubilee on 3 June; the Queen's funeral; Christmas on a Sunday.
            (
                2022,
                &[
                    "2022-01-03",
                    "2022-04-15",
                    "2022-04-18",
                    "2022-05-02",
                    "2022-06-02",
                    "2022-06-03",
                    "2022-08-29",
                    "2022-09-19",
                    "2022-12-26",
                    "2022-12-27",
                ],
            ),
            // New Year substitute 2 January; the coronation on 8 May.
            (
                2023,
                &[
                    "2023-01-02",
                    "2023-04-07",
                    "2023-04-10",
                    "2023-05-01",
                    "2023-05-08",
                    "2023-05-29",
                    "2023-08-28",
                    "2023-12-25",
                    "2023-12-26",
                ],
            ),
            (
                2024,
                &[
                    "2024-01-01",
                    "2024-03-29",
                    "2024-04-01",
                    "2024-05-06",
                    "2024-05-27",
                    "2024-08-26",
                    "2024-12-25",
                    "2024-12-26",
                ],
            ),
            (
                2025,
                &[
                    "2025-01-01",
                    "2025-04-18",
                    "2025-04-21",
                    "2025-05-05",
                    "2025-05-26",
                    "2025-08-25",
                    "2025-12-25",
                    "2025-12-26",
                ],
            ),
            (
                2026,
                &[
                    "2026-01-01",
                    "2026-04-03",
                    "2026-04-06",
                    "2026-05-04",
                    "2026-05-25",
                    "2026-08-31",
                    "2026-12-25",
                    "2026-12-28",
                ],
            ),
            (
                2027,
                &[
                    "2027-01-01",
                    "2027-03-26",
                    "2027-03-29",
                    "2027-05-03",
                    "2027-05-31",
                    "2027-08-30",
                    "2027-12-27",
                    "2027-12-28",
                ],
            ),
        ],
    );
}

#[test]
fn england_and_wales_earlier_one_offs() {
    assert_closures(
        CalendarId::EnglandWales,
        &[
            // Christmas on a Saturday, Boxing Day on a Sunday, then the Millennium holiday.
            (
                1999,
                &[
                    "1999-01-01",
                    "1999-04-02",
                    "1999-04-05",
                    "1999-05-03",
                    "1999-05-31",
                    "1999-08-30",
                    "1999-12-27",
                    "1999-12-28",
                    "1999-12-31",
                ],
            ),
            // 1 January 2000 was a Saturday: substitute Monday 3 January.
            (
                2000,
                &[
                    "2000-01-03",
                    "2000-04-21",
                    "2000-04-24",
                    "2000-05-01",
                    "2000-05-29",
                    "2000-08-28",
                    "2000-12-25",
                    "2000-12-26",
                ],
            ),
            // Golden Jubilee: spring bank holiday moved to Tuesday 4 June, jubilee on Monday 3 June.
            (
                2002,
                &[
                    "2002-01-01",
                    "2002-03-29",
                    "2002-04-01",
                    "2002-05-06",
                    "2002-06-03",
                    "2002-06-04",
                    "2002-08-26",
                    "2002-12-25",
                    "2002-12-26",
                ],
            ),
            // Royal wedding on 29 April; Christmas on a Sunday (Boxing Day Monday, substitute Tuesday).
            (
                2011,
                &[
                    "2011-01-03",
                    "2011-04-22",
                    "2011-04-25",
                    "2011-04-29",
                    "2011-05-02",
                    "2011-05-30",
                    "2011-08-29",
                    "2011-12-26",
                    "2011-12-27",
                ],
            ),
            // Diamond Jubilee: spring bank holiday moved to Monday 4 June, jubilee Tuesday 5 June.
            (
                2012,
                &[
                    "2012-01-02",
                    "2012-04-06",
                    "2012-04-09",
                    "2012-05-07",
                    "2012-06-04",
                    "2012-06-05",
                    "2012-08-27",
                    "2012-12-25",
                    "2012-12-26",
                ],
            ),
        ],
    );
}

/// Derived by hand from the rule list in `switzerland.rs` (see its sourcing note), not copied
/// from SIX's clearing-day calendar.
#[test]
fn switzerland_2024_to_2026() {
    assert_closures(
        CalendarId::Switzerland,
        &[
            (
                2024,
                &[
                    "2024-01-01",
                    "2024-01-02",
                    "2024-03-29",
                    "2024-04-01",
                    "2024-05-01",
                    "2024-05-09",
                    "2024-05-20",
                    "2024-08-01",
                    "2024-12-25",
                    "2024-12-26",
                ],
            ),
            (
                2025,
                &[
                    "2025-01-01",
                    "2025-01-02",
                    "2025-04-18",
                    "2025-04-21",
                    "2025-05-01",
                    "2025-05-29",
                    "2025-06-09",
                    "2025-08-01",
                    "2025-12-25",
                    "2025-12-26",
                ],
            ),
            // 1 August and 26 December 2026 are Saturdays.
            (
                2026,
                &[
                    "2026-01-01",
                    "2026-01-02",
                    "2026-04-03",
                    "2026-04-06",
                    "2026-05-01",
                    "2026-05-14",
                    "2026-05-25",
                    "2026-12-25",
                ],
            ),
        ],
    );
}

#[test]
fn switzerland_two_holidays_on_one_day() {
    // 2008: Ascension Day fell on 1 May; one closure, named by the first rule.
    let ch = CalendarId::Switzerland;
    let may: Vec<_> = ch
        .holidays_in_year(2008)
        .expect("2008")
        .into_iter()
        .filter(|h| h.date.format("%m").to_string() == "05")
        .map(|h| (h.date, h.name))
        .collect();
    assert_eq!(
        may,
        vec![
            (d("2008-05-01"), "Labour Day"),
            (d("2008-05-12"), "Whit Monday"),
        ]
    );
}
