//! T+n, rolling forward and counting, across weekends, Easter, Christmas and New Year, and at the
//! edges of the supported range and of chrono's.

use chrono::NaiveDate;
use proptest::prelude::*;

use super::d;
use crate::calendar::{CalendarError, CalendarId};

const ALL: [CalendarId; 11] = CalendarId::ALL;

/// The last year `id` covers.
fn last_year(id: CalendarId) -> i32 {
    *id.supported_years().end()
}

fn ymd(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).expect("valid")
}

#[test]
fn t_plus_two_across_a_weekend() {
    for id in ALL {
        // Thursday 2024-06-13 + 2 = Monday 2024-06-17; Friday + 2 = Tuesday (a week with no
        // holiday anywhere: the week before has Sweden's National Day on the 6th and
        // Australia's King's Birthday on the 10th).
        assert_eq!(
            id.add_business_days(d("2024-06-13"), 2),
            Ok(d("2024-06-17")),
            "{id}"
        );
        assert_eq!(
            id.add_business_days(d("2024-06-14"), 2),
            Ok(d("2024-06-18")),
            "{id}"
        );
    }
}

/// `(calendar, from, T+2)` checked one by one.
fn assert_t_plus_two(cases: &[(CalendarId, &str, &str)]) {
    for (id, from, expected) in cases {
        assert_eq!(
            id.add_business_days(d(from), 2),
            Ok(d(expected)),
            "{id}: {from} + 2"
        );
    }
}

#[test]
fn t_plus_two_across_easter() {
    use CalendarId::*;
    // From Thursday 2025-04-17: Good Friday and Easter Monday close TARGET, the UK and
    // Switzerland; neither closes the Fed.
    assert_t_plus_two(&[
        (Target, "2025-04-17", "2025-04-23"),
        (EnglandWales, "2025-04-17", "2025-04-23"),
        (Switzerland, "2025-04-17", "2025-04-23"),
        (FederalReserve, "2025-04-17", "2025-04-21"),
    ]);
}

#[test]
fn t_plus_two_across_christmas_and_new_year() {
    use CalendarId::*;
    assert_t_plus_two(&[
        // From Friday 2021-12-24 (Christmas on the Saturday). The UK's substitute days close 27
        // and 28 December; TARGET and the Fed do not substitute.
        (EnglandWales, "2021-12-24", "2021-12-30"),
        (Target, "2021-12-24", "2021-12-28"),
        (FederalReserve, "2021-12-24", "2021-12-28"),
        // From Thursday 2022-12-22 (Christmas on the Sunday): the UK closes 26 and 27 December,
        // the Fed (Monday observance) and TARGET (26 December) only the 26th.
        (EnglandWales, "2022-12-22", "2022-12-28"),
        (FederalReserve, "2022-12-22", "2022-12-27"),
        (Target, "2022-12-22", "2022-12-27"),
        // From Thursday 2022-12-29 over New Year's Day 2023, a Sunday: the Fed and the UK close
        // Monday 2 January, TARGET does not.
        (FederalReserve, "2022-12-29", "2023-01-03"),
        (EnglandWales, "2022-12-29", "2023-01-03"),
        (Target, "2022-12-29", "2023-01-02"),
        // Switzerland: 1 and 2 January 2026 are a Thursday and a Friday.
        (Switzerland, "2025-12-31", "2026-01-06"),
    ]);
}

#[test]
fn add_business_days_from_a_holiday_or_weekend_counts_from_the_next_day() {
    let uk = CalendarId::EnglandWales;
    // Good Friday 2024-03-29: the next business days are Tue 2 Apr and Wed 3 Apr.
    assert_eq!(
        uk.add_business_days(d("2024-03-29"), 1),
        Ok(d("2024-04-02"))
    );
    assert_eq!(
        uk.add_business_days(d("2024-03-29"), 2),
        Ok(d("2024-04-03"))
    );
    // A Saturday's T+2 is the Friday before's T+2.
    assert_eq!(
        uk.add_business_days(d("2024-06-08"), 2),
        uk.add_business_days(d("2024-06-07"), 2)
    );
    // n = 0 rolls forward to a business day, or stays.
    assert_eq!(
        uk.add_business_days(d("2024-03-29"), 0),
        Ok(d("2024-04-02"))
    );
    assert_eq!(
        uk.add_business_days(d("2024-04-02"), 0),
        Ok(d("2024-04-02"))
    );
}

#[test]
fn next_business_day_on_or_after() {
    let fed = CalendarId::FederalReserve;
    assert_eq!(
        fed.next_business_day_on_or_after(d("2024-07-04")),
        Ok(d("2024-07-05"))
    );
    assert_eq!(
        fed.next_business_day_on_or_after(d("2024-07-05")),
        Ok(d("2024-07-05"))
    );
    // Saturday 2022-12-24 -> Tuesday 27 (Monday 26 observed for Christmas).
    assert_eq!(
        fed.next_business_day_on_or_after(d("2022-12-24")),
        Ok(d("2022-12-27"))
    );
}

#[test]
fn business_days_between_counts_the_half_open_interval() {
    let target = CalendarId::Target;
    assert_eq!(
        target.business_days_between(d("2025-04-17"), d("2025-04-23")),
        Ok(2)
    );
    assert_eq!(
        target.business_days_between(d("2025-04-23"), d("2025-04-17")),
        Ok(-2)
    );
    assert_eq!(
        target.business_days_between(d("2025-04-17"), d("2025-04-17")),
        Ok(0)
    );
    // 2024 had 262 weekdays; TARGET closed on six of them.
    assert_eq!(
        target.business_days_between(d("2023-12-31"), d("2024-12-31")),
        Ok(256)
    );
}

fn range_error(id: CalendarId, year: i32) -> CalendarError {
    CalendarError::YearOutOfRange {
        calendar: id,
        year,
        first: *id.supported_years().start(),
        last: last_year(id),
    }
}

#[test]
fn errors_at_the_end_of_the_range_and_at_chronos_limits() {
    for id in ALL {
        // 9999-12-31 is a Friday: a business day where 31 December is not a holiday, but there
        // is none after it. Where 31 December is closed (Japan, whose range ends on
        // 2099-12-31, Sweden and Denmark), rolling forward from it runs out of range.
        let last_year = last_year(id);
        let last = ymd(last_year, 12, 31);
        let past = range_error(id, last_year + 1);
        let closes_31_december = matches!(
            id,
            CalendarId::Japan | CalendarId::Sweden | CalendarId::Denmark
        );
        assert_eq!(id.is_business_day(last), !closes_31_december, "{id}");
        if closes_31_december {
            assert_eq!(id.next_business_day_on_or_after(last), Err(past), "{id}");
        } else {
            assert_eq!(id.next_business_day_on_or_after(last), Ok(last), "{id}");
        }
        assert_eq!(id.add_business_days(last, 1), Err(past), "{id}");
        assert_eq!(
            id.add_business_days(d("2024-01-01"), u32::MAX),
            Err(past),
            "{id}"
        );

        for date in [NaiveDate::MIN, NaiveDate::MAX] {
            use chrono::Datelike;
            let year = date.year();
            assert!(!id.is_business_day(date), "{id} {date}");
            assert_eq!(id.is_holiday(date), None, "{id} {date}");
            assert_eq!(
                id.next_business_day_on_or_after(date),
                Err(range_error(id, year))
            );
            assert_eq!(id.add_business_days(date, 0), Err(range_error(id, year)));
            assert_eq!(id.add_business_days(date, 2), Err(range_error(id, year)));
            assert_eq!(
                id.business_days_between(d("2024-01-01"), date),
                Err(range_error(id, year)),
                "{id} {date}"
            );
        }
        // Before the first supported year.
        let before = *id.supported_years().start() - 1;
        let date = NaiveDate::from_ymd_opt(before, 6, 1).expect("valid");
        assert_eq!(
            id.add_business_days(date, 2),
            Err(range_error(id, before)),
            "{id}"
        );
    }
}

#[test]
fn whole_range_walk_is_consistent() {
    // Counting every business day of the supported range in one walk agrees with the per-year
    // lists, and terminates.
    for id in ALL {
        let first = *id.supported_years().start();
        let start = NaiveDate::from_ymd_opt(first, 1, 1).expect("valid");
        let end = ymd(last_year(id), 12, 31);
        let counted = id.business_days_between(start, end).expect("in range");
        let mut expected: i64 = 0;
        for year in id.supported_years() {
            let closures = id.holidays_in_year(year).expect("supported").len() as i64;
            let jan1 = NaiveDate::from_ymd_opt(year, 1, 1).expect("valid");
            let dec31 = NaiveDate::from_ymd_opt(year, 12, 31).expect("valid");
            let weekdays = jan1
                .iter_days()
                .take_while(|day| *day <= dec31)
                .filter(|day| !id.spec().is_weekend(*day))
                .count() as i64;
            expected += weekdays - closures;
        }
        // `between` excludes its start (1 January of the first year).
        let start_counts = i64::from(id.is_business_day(start));
        assert_eq!(counted, expected - start_counts, "{id}");
    }
}

fn any_calendar() -> impl Strategy<Value = CalendarId> {
    prop::sample::select(ALL.to_vec())
}

/// A day in `id`'s range: from 1 January of its first year (2000 at the earliest) for up to
/// ~100 years, ending at least a year before its range does so T+40 stays inside.
fn date_in(id: CalendarId) -> impl Strategy<Value = NaiveDate> {
    let start = ymd((*id.supported_years().start()).max(2000), 1, 1);
    let end = ymd(last_year(id), 1, 1);
    let span = u64::try_from((end - start).num_days()).expect("range ends after it starts");
    (0u64..span.min(36_500)).prop_map(move |n| start + chrono::Days::new(n))
}

fn calendar_and_date() -> impl Strategy<Value = (CalendarId, NaiveDate)> {
    any_calendar().prop_flat_map(|id| (Just(id), date_in(id)))
}

fn calendar_and_dates() -> impl Strategy<Value = (CalendarId, NaiveDate, NaiveDate, NaiveDate)> {
    any_calendar().prop_flat_map(|id| (Just(id), date_in(id), date_in(id), date_in(id)))
}

proptest! {
    #[test]
    fn t_plus_n_is_a_business_day_n_business_days_later(
        (id, date) in calendar_and_date(), n in 0u32..40,
    ) {
        let paid = id.add_business_days(date, n).expect("in range");
        prop_assert!(id.is_business_day(paid));
        prop_assert!(paid >= date);
        if n > 0 {
            prop_assert!(paid > date);
            prop_assert_eq!(id.business_days_between(date, paid), Ok(i64::from(n)));
            // And it is the first such day: the day before has only n - 1 behind it.
            let before = paid.pred_opt().expect("in range");
            prop_assert_eq!(id.business_days_between(date, before), Ok(i64::from(n) - 1));
        } else {
            prop_assert_eq!(Ok(paid), id.next_business_day_on_or_after(date));
        }
    }

    #[test]
    fn between_is_antisymmetric_and_additive((id, a, b, c) in calendar_and_dates()) {
        let ab = id.business_days_between(a, b).expect("in range");
        let bc = id.business_days_between(b, c).expect("in range");
        prop_assert_eq!(id.business_days_between(b, a), Ok(-ab));
        prop_assert_eq!(id.business_days_between(a, c), Ok(ab + bc));
    }
}
