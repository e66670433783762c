//! Denmark: Kronos2 closing days for 2023 to 2027. 2026 and 2027 are Nationalbanken's published
//! "Banklukkedage" less the weekend days; 2023 to 2025 are written out by hand from the same
//! rules (see `denmark.rs`). Not generated from the code.

use super::{assert_closures, assert_t_plus, d};
use crate::calendar::CalendarId;

#[test]
fn denmark_2023_to_2027() {
    assert_closures(
        CalendarId::Denmark,
        &[
            // The last Great Prayer Day, Friday 5 May. New Year's Day, Christmas Eve and New
            // Year's Eve are Sundays.
            (
                2023,
                &[
                    "2023-04-06",
                    "2023-04-07",
                    "2023-04-10",
                    "2023-05-05",
                    "2023-05-18",
                    "2023-05-19",
                    "2023-05-29",
                    "2023-06-05",
                    "2023-12-25",
                    "2023-12-26",
                ],
            ),
            // Great Prayer Day abolished: Friday 26 April is a banking day.
            (
                2024,
                &[
                    "2024-01-01",
                    "2024-03-28",
                    "2024-03-29",
                    "2024-04-01",
                    "2024-05-09",
                    "2024-05-10",
                    "2024-05-20",
                    "2024-06-05",
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
                    "2025-04-17",
                    "2025-04-18",
                    "2025-04-21",
                    "2025-05-29",
                    "2025-05-30",
                    "2025-06-05",
                    "2025-06-09",
                    "2025-12-24",
                    "2025-12-25",
                    "2025-12-26",
                    "2025-12-31",
                ],
            ),
            (
                2026,
                &[
                    "2026-01-01",
                    "2026-04-02",
                    "2026-04-03",
                    "2026-04-06",
                    "2026-05-14",
                    "2026-05-15",
                    "2026-05-25",
                    "2026-06-05",
                    "2026-12-24",
                    "2026-12-25",
                    "2026-12-31",
                ],
            ),
            // Constitution Day on a Saturday; Christmas on the weekend.
            (
                2027,
                &[
                    "2027-01-01",
                    "2027-03-25",
                    "2027-03-26",
                    "2027-03-29",
                    "2027-05-06",
                    "2027-05-07",
                    "2027-05-17",
                    "2027-12-24",
                    "2027-12-31",
                ],
            ),
        ],
    );
    let dk = CalendarId::Denmark;
    assert_eq!(dk.is_holiday(d("2023-05-05")), Some("Great Prayer Day"));
    assert!(dk.is_business_day(d("2024-04-26")));
    // 1 May is not a Kronos2 closing day (see denmark.rs).
    assert!(dk.is_business_day(d("2025-05-01")));
}

#[test]
fn denmark_t_plus_n_across_holidays() {
    assert_t_plus(
        CalendarId::Denmark,
        &[
            // Ascension 2026: Thursday 14 and Friday 15 May; Whit Monday 25 May.
            ("2026-05-13", 1, "2026-05-18"),
            ("2026-05-22", 1, "2026-05-26"),
            // Easter 2025: Maundy Thursday 17 April to Easter Monday 21 April.
            ("2025-04-16", 1, "2025-04-22"),
            // Christmas and New Year 2025/26.
            ("2025-12-23", 1, "2025-12-29"),
            ("2025-12-30", 1, "2026-01-02"),
        ],
    );
}
