//! Poland: SORBNET closing days for 2024 to 2027, written out by hand from the Polish statutory
//! holidays (we could not read nbp.pl while writing this; see `poland.rs`), not generated from
//! the code. They agree with the python-holidays package's Polish public holidays (0.109).

use super::{assert_closures, assert_t_plus, d};
use crate::calendar::CalendarId;

#[test]
fn poland_2024_to_2027() {
    assert_closures(
        CalendarId::Poland,
        &[
            // Epiphany on a Saturday; Christmas Eve not yet a holiday.
            (
                2024,
                &[
                    "2024-01-01",
                    "2024-04-01",
                    "2024-05-01",
                    "2024-05-03",
                    "2024-05-30",
                    "2024-08-15",
                    "2024-11-01",
                    "2024-11-11",
                    "2024-12-25",
                    "2024-12-26",
                ],
            ),
            // The first Christmas Eve holiday. 3 May and 1 November are Saturdays.
            (
                2025,
                &[
                    "2025-01-01",
                    "2025-01-06",
                    "2025-04-21",
                    "2025-05-01",
                    "2025-06-19",
                    "2025-08-15",
                    "2025-11-11",
                    "2025-12-24",
                    "2025-12-25",
                    "2025-12-26",
                ],
            ),
            // 3 May, 15 August, 1 November and 26 December on weekends.
            (
                2026,
                &[
                    "2026-01-01",
                    "2026-01-06",
                    "2026-04-06",
                    "2026-05-01",
                    "2026-06-04",
                    "2026-11-11",
                    "2026-12-24",
                    "2026-12-25",
                ],
            ),
            // 1 May, 15 August, 25 and 26 December on weekends.
            (
                2027,
                &[
                    "2027-01-01",
                    "2027-01-06",
                    "2027-03-29",
                    "2027-05-03",
                    "2027-05-27",
                    "2027-11-01",
                    "2027-11-11",
                    "2027-12-24",
                ],
            ),
        ],
    );
    // Good Friday is not a Polish holiday.
    assert!(CalendarId::Poland.is_business_day(d("2026-04-03")));
}

#[test]
fn poland_t_plus_n_across_holidays() {
    assert_t_plus(
        CalendarId::Poland,
        &[
            // The May weekend 2024: Wednesday 1 May, Friday 3 May.
            ("2024-04-30", 1, "2024-05-02"),
            ("2024-05-02", 1, "2024-05-06"),
            // Corpus Christi 2026: Thursday 4 June.
            ("2026-06-03", 1, "2026-06-05"),
            // Christmas and New Year 2025/26: 24 to 26 December, 1 and 6 January.
            ("2025-12-23", 1, "2025-12-29"),
            ("2025-12-31", 2, "2026-01-05"),
            ("2026-01-05", 1, "2026-01-07"),
        ],
    );
}
