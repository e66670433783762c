//! Sweden: RIX closing days for 2024 to 2027, written out by hand from the Swedish public
//! holidays and the three eves that are non-banking days (see `sweden.rs`), not generated from
//! the code. They agree with the python-holidays package's Swedish public and de facto holidays
//! (0.109).

use super::{assert_closures, assert_t_plus};
use crate::calendar::CalendarId;

#[test]
fn sweden_2024_to_2027() {
    assert_closures(
        CalendarId::Sweden,
        &[
            // Epiphany on a Saturday.
            (
                2024,
                &[
                    "2024-01-01",
                    "2024-03-29",
                    "2024-04-01",
                    "2024-05-01",
                    "2024-05-09",
                    "2024-06-06",
                    "2024-06-21",
                    "2024-12-24",
                    "2024-12-25",
                    "2024-12-26",
                    "2024-12-31",
                ],
            ),
            (
                2025,
                &[
                    "2025-01-01",
                    "2025-01-06",
                    "2025-04-18",
                    "2025-04-21",
                    "2025-05-01",
                    "2025-05-29",
                    "2025-06-06",
                    "2025-06-20",
                    "2025-12-24",
                    "2025-12-25",
                    "2025-12-26",
                    "2025-12-31",
                ],
            ),
            // National Day and Boxing Day on Saturdays; Midsummer Eve on 19 June.
            (
                2026,
                &[
                    "2026-01-01",
                    "2026-01-06",
                    "2026-04-03",
                    "2026-04-06",
                    "2026-05-01",
                    "2026-05-14",
                    "2026-06-19",
                    "2026-12-24",
                    "2026-12-25",
                    "2026-12-31",
                ],
            ),
            // 1 May, Christmas and Boxing Day on a weekend, National Day on a Sunday; Midsummer
            // Eve on 25 June.
            (
                2027,
                &[
                    "2027-01-01",
                    "2027-01-06",
                    "2027-03-26",
                    "2027-03-29",
                    "2027-05-06",
                    "2027-06-25",
                    "2027-12-24",
                    "2027-12-31",
                ],
            ),
        ],
    );
}

#[test]
fn sweden_t_plus_n_across_holidays() {
    assert_t_plus(
        CalendarId::Sweden,
        &[
            // Midsummer 2026: Friday 19 June closed.
            ("2026-06-18", 1, "2026-06-22"),
            // Ascension 2026 (Thursday 14 May); the Friday after is open.
            ("2026-05-13", 1, "2026-05-15"),
            // Christmas and New Year 2025/26: 24 to 26 December, 31 December, 1 and 6 January.
            ("2025-12-23", 1, "2025-12-29"),
            ("2025-12-30", 1, "2026-01-02"),
            ("2026-01-05", 1, "2026-01-07"),
        ],
    );
}
