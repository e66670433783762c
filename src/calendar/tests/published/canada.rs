//! Canada: Payments Canada's Lynx and ACSS non-processing days for 2024 to 2027, written out by
//! hand from the federal general holidays and their observed days (see `canada.rs` for the
//! sources and what we are unsure of), not generated from the code; they agree with the
//! python-holidays package's federal-government calendar for Canada (0.109) and with banks'
//! published 2024 closures (National Bank of Canada) less the regional ones.

use super::{assert_closures, assert_t_plus, d};
use crate::calendar::CalendarId;

#[test]
fn canada_2024_to_2027() {
    assert_closures(
        CalendarId::Canada,
        &[
            (
                2024,
                &[
                    "2024-01-01",
                    "2024-03-29",
                    "2024-05-20",
                    "2024-07-01",
                    "2024-09-02",
                    "2024-09-30",
                    "2024-10-14",
                    "2024-11-11",
                    "2024-12-25",
                    "2024-12-26",
                ],
            ),
            (
                2025,
                &[
                    "2025-01-01",
                    "2025-04-18",
                    "2025-05-19",
                    "2025-07-01",
                    "2025-09-01",
                    "2025-09-30",
                    "2025-10-13",
                    "2025-11-11",
                    "2025-12-25",
                    "2025-12-26",
                ],
            ),
            // Victoria Day is 18 May: 25 May is itself a Monday. Boxing Day on a Saturday:
            // observed Monday 28 December.
            (
                2026,
                &[
                    "2026-01-01",
                    "2026-04-03",
                    "2026-05-18",
                    "2026-07-01",
                    "2026-09-07",
                    "2026-09-30",
                    "2026-10-12",
                    "2026-11-11",
                    "2026-12-25",
                    "2026-12-28",
                ],
            ),
            // Victoria Day is 24 May. Christmas on a Saturday and Boxing Day on a Sunday:
            // observed Monday 27 and Tuesday 28 December.
            (
                2027,
                &[
                    "2027-01-01",
                    "2027-03-26",
                    "2027-05-24",
                    "2027-07-01",
                    "2027-09-06",
                    "2027-09-30",
                    "2027-10-11",
                    "2027-11-11",
                    "2027-12-27",
                    "2027-12-28",
                ],
            ),
        ],
    );
}

/// Derived from the weekend rule, not copied from a published list (these years are not out
/// yet): every fixed-date holiday that falls on a weekend moves to the next free weekday.
#[test]
fn canada_weekend_holidays_are_observed_on_monday() {
    let ca = CalendarId::Canada;
    for (day, name) in [
        // 2028: New Year's Day, Canada Day, the NDTR and Remembrance Day are Saturdays.
        ("2028-01-03", "New Year's Day"),
        ("2028-07-03", "Canada Day"),
        ("2028-10-02", "National Day for Truth and Reconciliation"),
        ("2028-11-13", "Remembrance Day"),
        // 2029: the NDTR is a Sunday.
        ("2029-10-01", "National Day for Truth and Reconciliation"),
        // New Year's Day 2034 and Canada Day 2035 are Sundays.
        ("2034-01-02", "New Year's Day"),
        ("2035-07-02", "Canada Day"),
    ] {
        assert_eq!(ca.is_holiday(d(day)), Some(name), "{day}");
    }
}

#[test]
fn canada_t_plus_n_across_holidays() {
    assert_t_plus(
        CalendarId::Canada,
        &[
            // Easter 2026: Good Friday closes, Easter Monday does not.
            ("2026-04-02", 2, "2026-04-07"),
            // Civic Holiday (a provincial holiday) is open; Labour Day is not.
            ("2026-07-31", 1, "2026-08-03"),
            ("2026-09-04", 2, "2026-09-09"),
            // The NDTR (Wednesday 30 September 2026).
            ("2026-09-29", 1, "2026-10-01"),
            // Christmas 2027: 27 and 28 December closed, then New Year's Day 2028 (a Saturday,
            // observed Monday 3 January).
            ("2027-12-24", 1, "2027-12-29"),
            ("2027-12-30", 1, "2027-12-31"),
            ("2027-12-31", 1, "2028-01-04"),
        ],
    );
}
