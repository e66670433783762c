//! Australia: RITS closing days for 2024 to 2027, written out by hand from the RBA's rule (the
//! eight holidays as observed in both NSW and Victoria; see `australia.rs`), not generated from
//! the code. They agree with the python-holidays package (0.109): its NSW and Victorian
//! calendars' common days among those eight, and its ASX calendar.

use super::{assert_closures, assert_t_plus, d};
use crate::calendar::CalendarId;

#[test]
fn australia_2024_to_2027() {
    assert_closures(
        CalendarId::Australia,
        &[
            (
                2024,
                &[
                    "2024-01-01",
                    "2024-01-26",
                    "2024-03-29",
                    "2024-04-01",
                    "2024-04-25",
                    "2024-06-10",
                    "2024-12-25",
                    "2024-12-26",
                ],
            ),
            // Australia Day on a Sunday: observed Monday 27 January.
            (
                2025,
                &[
                    "2025-01-01",
                    "2025-01-27",
                    "2025-04-18",
                    "2025-04-21",
                    "2025-04-25",
                    "2025-06-09",
                    "2025-12-25",
                    "2025-12-26",
                ],
            ),
            // Anzac Day on a Saturday: not moved. Boxing Day on a Saturday: Monday 28 December.
            (
                2026,
                &[
                    "2026-01-01",
                    "2026-01-26",
                    "2026-04-03",
                    "2026-04-06",
                    "2026-06-08",
                    "2026-12-25",
                    "2026-12-28",
                ],
            ),
            // Anzac Day on a Sunday: not moved. Christmas on a Saturday, Boxing Day on a Sunday:
            // Monday 27 and Tuesday 28 December.
            (
                2027,
                &[
                    "2027-01-01",
                    "2027-01-26",
                    "2027-03-26",
                    "2027-03-29",
                    "2027-06-14",
                    "2027-12-27",
                    "2027-12-28",
                ],
            ),
        ],
    );
}

#[test]
fn australia_open_on_state_holidays_and_new_year_substitute() {
    let au = CalendarId::Australia;
    // NSW-only days are not RITS closures (see australia.rs): the Bank Holiday and Labour Day
    // 2026, and the Mondays NSW added for Anzac Day 2026 and 2027.
    for day in ["2026-08-03", "2026-10-05", "2026-04-27", "2027-04-26"] {
        assert!(au.is_business_day(d(day)), "{day}");
    }
    // New Year's Day 2028 is a Saturday: observed Monday 3 January (derived from the rule).
    assert_eq!(au.is_holiday(d("2028-01-03")), Some("New Year's Day"));
}

#[test]
fn australia_t_plus_n_across_holidays() {
    assert_t_plus(
        CalendarId::Australia,
        &[
            // Easter and Anzac Day 2025: Good Friday 18, Easter Monday 21, Anzac Day Friday 25.
            ("2025-04-17", 1, "2025-04-22"),
            ("2025-04-24", 1, "2025-04-28"),
            // Australia Day 2025 observed on Monday 27 January.
            ("2025-01-24", 1, "2025-01-28"),
            // Christmas and New Year 2027/28.
            ("2027-12-24", 2, "2027-12-30"),
            ("2027-12-31", 1, "2028-01-04"),
        ],
    );
}
