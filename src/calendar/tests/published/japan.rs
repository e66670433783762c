//! Japan: the bank holidays of 2024 to 2027, the Cabinet Office's national-holiday tables
//! (内閣府「国民の祝日について」, substitute and citizens' holidays included) plus the 31 December
//! to 3 January bank closures. Written out by hand from those tables as we know them (we could
//! not read them while writing this), not generated from the code. They agree with the
//! python-holidays package's Japanese public and bank holidays (0.109) and its JPX calendar.

use super::{assert_closures, assert_t_plus, d};
use crate::calendar::CalendarId;

#[test]
fn japan_2024_to_2027() {
    assert_closures(
        CalendarId::Japan,
        &[
            // Substitute holidays on Monday 12 February, 6 May (for Children's Day, Sunday 5
            // May; Greenery Day on Saturday 4 May is lost), 12 August, 23 September (Autumnal
            // Equinox on Sunday 22nd) and 4 November. Labour Thanksgiving Day is a Saturday.
            (
                2024,
                &[
                    "2024-01-01",
                    "2024-01-02",
                    "2024-01-03",
                    "2024-01-08",
                    "2024-02-12",
                    "2024-02-23",
                    "2024-03-20",
                    "2024-04-29",
                    "2024-05-03",
                    "2024-05-06",
                    "2024-07-15",
                    "2024-08-12",
                    "2024-09-16",
                    "2024-09-23",
                    "2024-10-14",
                    "2024-11-04",
                    "2024-12-31",
                ],
            ),
            // Greenery Day on Sunday 4 May: Monday 5 May is Children's Day, so the substitute is
            // Tuesday 6 May. Substitutes also on 24 February and 24 November.
            (
                2025,
                &[
                    "2025-01-01",
                    "2025-01-02",
                    "2025-01-03",
                    "2025-01-13",
                    "2025-02-11",
                    "2025-02-24",
                    "2025-03-20",
                    "2025-04-29",
                    "2025-05-05",
                    "2025-05-06",
                    "2025-07-21",
                    "2025-08-11",
                    "2025-09-15",
                    "2025-09-23",
                    "2025-10-13",
                    "2025-11-03",
                    "2025-11-24",
                    "2025-12-31",
                ],
            ),
            // Constitution Memorial Day on Sunday 3 May: substitute Wednesday 6 May. Citizens'
            // holiday on Tuesday 22 September, between Respect for the Aged Day (21st) and the
            // Autumnal Equinox Day (23rd). 3 January is a Saturday.
            (
                2026,
                &[
                    "2026-01-01",
                    "2026-01-02",
                    "2026-01-12",
                    "2026-02-11",
                    "2026-02-23",
                    "2026-03-20",
                    "2026-04-29",
                    "2026-05-04",
                    "2026-05-05",
                    "2026-05-06",
                    "2026-07-20",
                    "2026-08-11",
                    "2026-09-21",
                    "2026-09-22",
                    "2026-09-23",
                    "2026-10-12",
                    "2026-11-03",
                    "2026-11-23",
                    "2026-12-31",
                ],
            ),
            // Vernal Equinox Day on Sunday 21 March: substitute Monday 22 March. 2 and 3
            // January are a weekend.
            (
                2027,
                &[
                    "2027-01-01",
                    "2027-01-11",
                    "2027-02-11",
                    "2027-02-23",
                    "2027-03-22",
                    "2027-04-29",
                    "2027-05-03",
                    "2027-05-04",
                    "2027-05-05",
                    "2027-07-19",
                    "2027-08-11",
                    "2027-09-20",
                    "2027-09-23",
                    "2027-10-11",
                    "2027-11-03",
                    "2027-11-23",
                    "2027-12-31",
                ],
            ),
        ],
    );
}

#[test]
fn japan_holiday_names() {
    let jp = CalendarId::Japan;
    let list = jp.holidays_in_year(2026).expect("2026");
    let on = |day: &str| list.iter().find(|h| h.date == d(day)).copied();
    let sub = on("2026-05-06").expect("substitute holiday");
    assert_eq!(
        (sub.name, sub.observed),
        ("Constitution Memorial Day", true)
    );
    let citizens = on("2026-09-22").expect("citizens' holiday");
    assert_eq!(
        (citizens.name, citizens.observed),
        ("Citizens' Holiday", false)
    );
    assert_eq!(jp.is_holiday(d("2026-03-20")), Some("Vernal Equinox Day"));
    assert_eq!(
        jp.is_holiday(d("2026-12-31")),
        Some("Bank holiday (31 December)")
    );
}

/// Derived from the rules for years not yet announced, not copied from a published list.
#[test]
fn japan_rules_in_later_years() {
    let jp = CalendarId::Japan;
    // Showa Day 2029 is a Sunday: substitute Monday 30 April.
    assert_eq!(jp.is_holiday(d("2029-04-30")), Some("Showa Day"));
    // New Year's Day 2034 is a Sunday: its substitute is Monday 2 January, already a bank
    // closure, not Wednesday 4 January (the bank closures are not national holidays).
    assert!(jp.is_holiday(d("2034-01-02")).is_some());
    assert!(jp.is_business_day(d("2034-01-04")));
    // 2032: Respect for the Aged Day 20 September, Autumnal Equinox 22 September.
    assert_eq!(jp.is_holiday(d("2032-09-21")), Some("Citizens' Holiday"));
    // The last covered year still computes; the next is refused.
    assert!(jp.holidays_in_year(2099).is_ok());
    assert!(!jp.is_business_day(d("2100-01-04")));
}

#[test]
fn japan_t_plus_n_across_golden_week_silver_week_and_new_year() {
    assert_t_plus(
        CalendarId::Japan,
        &[
            // Golden Week 2026: Wednesday 29 April (Showa Day), then 4 to 6 May.
            ("2026-04-28", 1, "2026-04-30"),
            ("2026-04-30", 1, "2026-05-01"),
            ("2026-05-01", 1, "2026-05-07"),
            ("2026-05-01", 2, "2026-05-08"),
            // Golden Week 2025: 5 and 6 May.
            ("2025-05-02", 1, "2025-05-07"),
            // Silver Week 2026: Monday 21 to Wednesday 23 September.
            ("2026-09-18", 1, "2026-09-24"),
            ("2026-09-18", 2, "2026-09-25"),
            // New Year: banks close 31 December to 3 January.
            ("2025-12-30", 1, "2026-01-05"),
            ("2025-12-29", 2, "2026-01-05"),
            ("2026-12-30", 2, "2027-01-05"),
        ],
    );
}
