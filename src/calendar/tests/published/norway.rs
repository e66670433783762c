//! Norway: NBO closing days for 2024 to 2027, written out by hand from the closing-day rule of
//! Norges Bank's published settlement-day lists (public holidays and Christmas Eve, not New
//! Year's Eve; see `norway.rs`), not generated from the code.

use super::{assert_closures, assert_t_plus, d};
use crate::calendar::CalendarId;

#[test]
fn norway_2024_to_2027() {
    assert_closures(
        CalendarId::Norway,
        &[
            (
                2024,
                &[
                    "2024-01-01",
                    "2024-03-28",
                    "2024-03-29",
                    "2024-04-01",
                    "2024-05-01",
                    "2024-05-09",
                    "2024-05-17",
                    "2024-05-20",
                    "2024-12-24",
                    "2024-12-25",
                    "2024-12-26",
                ],
            ),
            // Constitution Day on a Saturday.
            (
                2025,
                &[
                    "2025-01-01",
                    "2025-04-17",
                    "2025-04-18",
                    "2025-04-21",
                    "2025-05-01",
                    "2025-05-29",
                    "2025-06-09",
                    "2025-12-24",
                    "2025-12-25",
                    "2025-12-26",
                ],
            ),
            // Constitution Day on a Sunday; Boxing Day on a Saturday.
            (
                2026,
                &[
                    "2026-01-01",
                    "2026-04-02",
                    "2026-04-03",
                    "2026-04-06",
                    "2026-05-01",
                    "2026-05-14",
                    "2026-05-25",
                    "2026-12-24",
                    "2026-12-25",
                ],
            ),
            // Whit Monday is Constitution Day, 17 May; 1 May and Christmas on weekends.
            (
                2027,
                &[
                    "2027-01-01",
                    "2027-03-25",
                    "2027-03-26",
                    "2027-03-29",
                    "2027-05-06",
                    "2027-05-17",
                    "2027-12-24",
                ],
            ),
        ],
    );
    let no = CalendarId::Norway;
    // One closure for the two holidays of 17 May 2027, named by the first rule.
    assert_eq!(no.is_holiday(d("2027-05-17")), Some("Constitution Day"));
    // New Year's Eve is a settlement day (Norges Bank's lists leave it out).
    assert!(no.is_business_day(d("2025-12-31")));
}

#[test]
fn norway_t_plus_n_across_holidays() {
    assert_t_plus(
        CalendarId::Norway,
        &[
            // Easter 2026: Maundy Thursday 2 April to Easter Monday 6 April.
            ("2026-04-01", 1, "2026-04-07"),
            // May 2024: Ascension 9, Constitution Day 17, Whit Monday 20.
            ("2024-05-16", 1, "2024-05-21"),
            ("2024-05-08", 2, "2024-05-13"),
            // Christmas and New Year 2026/27: 24 and 25 December closed, 31 December open.
            ("2026-12-23", 1, "2026-12-28"),
            ("2026-12-30", 1, "2026-12-31"),
            ("2026-12-31", 1, "2027-01-04"),
        ],
    );
}
