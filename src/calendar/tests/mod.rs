//! Tests of the calendars against the operators' published calendars, and of the date
//! arithmetic built on them.

mod arithmetic;
mod published;

use chrono::{Datelike, NaiveDate, Weekday};

use super::CalendarId;

pub(super) fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("literal date in a test table")
}

/// Compare a calendar's closures for each year with a table copied from its published calendar.
pub(super) fn assert_closures(id: CalendarId, table: &[(i32, &[&str])]) {
    for (year, expected) in table {
        let expected: Vec<NaiveDate> = expected.iter().map(|s| d(s)).collect();
        for date in &expected {
            // Guards the table itself: published closures are weekdays of their year.
            assert!(
                !matches!(date.weekday(), Weekday::Sat | Weekday::Sun) && date.year() == *year,
                "{id} {year}: table entry {date} is not a weekday of {year}"
            );
        }
        let got: Vec<NaiveDate> = id
            .holidays_in_year(*year)
            .expect("supported year")
            .iter()
            .map(|h| h.date)
            .collect();
        assert_eq!(got, expected, "{id} closures in {year}");

        // Every day of the year agrees with the list.
        let mut day = NaiveDate::from_ymd_opt(*year, 1, 1).expect("1 January");
        while day.year() == *year {
            let weekend = matches!(day.weekday(), Weekday::Sat | Weekday::Sun);
            let listed = expected.contains(&day);
            assert_eq!(id.is_business_day(day), !weekend && !listed, "{id} {day}");
            assert_eq!(id.is_holiday(day).is_some(), listed, "{id} {day}");
            day = day.succ_opt().expect("not at chrono's limit");
        }
    }
}

#[test]
fn currencies_map_to_calendars() {
    assert_eq!(CalendarId::for_currency("EUR"), Some(CalendarId::Target));
    assert_eq!(
        CalendarId::for_currency("USD"),
        Some(CalendarId::FederalReserve)
    );
    assert_eq!(
        CalendarId::for_currency("GBP"),
        Some(CalendarId::EnglandWales)
    );
    assert_eq!(
        CalendarId::for_currency("CHF"),
        Some(CalendarId::Switzerland)
    );
    for (code, id) in [
        ("JPY", CalendarId::Japan),
        ("CAD", CalendarId::Canada),
        ("AUD", CalendarId::Australia),
        ("SEK", CalendarId::Sweden),
        ("NOK", CalendarId::Norway),
        ("DKK", CalendarId::Denmark),
        ("PLN", CalendarId::Poland),
    ] {
        assert_eq!(CalendarId::for_currency(code), Some(id), "{code}");
    }
    assert_eq!(
        CalendarId::for_currency("gbp"),
        Some(CalendarId::EnglandWales)
    );
    for unknown in ["BRL", "NZD", "", "EURO", "US", "€"] {
        assert_eq!(CalendarId::for_currency(unknown), None, "{unknown:?}");
    }
    for id in CalendarId::ALL {
        assert_eq!(CalendarId::for_currency(id.currency()), Some(id));
        assert!(!id.name().is_empty());
        assert_eq!(id.to_string(), id.name());
    }
    // One calendar per currency, and every name distinct.
    for (i, a) in CalendarId::ALL.iter().enumerate() {
        for b in &CalendarId::ALL[i + 1..] {
            assert!(
                a.currency() != b.currency() && a.name() != b.name(),
                "{a} {b}"
            );
        }
    }
}

#[test]
fn every_one_off_is_a_weekday_closure_of_its_year() {
    for id in CalendarId::ALL {
        let spec = id.spec();
        for one_off in spec.one_offs {
            let date = one_off.date().expect("one-off is a real date");
            assert!(!spec.is_weekend(date), "{id}: {date} is a weekend day");
            assert!(id.supported_years().contains(&date.year()), "{id}: {date}");
            assert_eq!(id.is_holiday(date), Some(one_off.name), "{id}: {date}");
        }
    }
}

#[test]
fn holiday_lists_are_sorted_unique_weekdays_with_substitutes_inside_the_year() {
    for id in CalendarId::ALL {
        for year in id.spec().first_year..=id.spec().last_year.min(2100) {
            let list = id.holidays_in_year(year).expect("supported year");
            assert!(
                list.windows(2).all(|w| w[0].date < w[1].date),
                "{id} {year}"
            );
            for h in &list {
                assert_eq!(h.date.year(), year, "{id} {h:?}");
                assert!(!id.spec().is_weekend(h.date), "{id} {h:?}");
            }
        }
    }
}

#[test]
fn names_and_observed_flags() {
    let uk = CalendarId::EnglandWales;
    let boxing_2020 = uk.holidays_in_year(2020).expect("2020");
    let sub = boxing_2020
        .iter()
        .find(|h| h.date == d("2020-12-28"))
        .expect("Boxing Day substitute");
    assert_eq!((sub.name, sub.observed), ("Boxing Day", true));
    assert_eq!(
        uk.is_holiday(d("2022-09-19")),
        Some("State Funeral of Queen Elizabeth II")
    );
    // Christmas 2022 fell on a Sunday: the Sunday itself is not a closure, 27 December is.
    assert_eq!(uk.is_holiday(d("2022-12-25")), None);
    assert_eq!(uk.is_holiday(d("2022-12-27")), Some("Christmas Day"));
    let fed = CalendarId::FederalReserve;
    assert_eq!(fed.is_holiday(d("2023-01-02")), Some("New Year's Day"));
    assert_eq!(
        fed.is_holiday(d("2023-06-19")),
        Some("Juneteenth National Independence Day")
    );
    assert_eq!(
        CalendarId::Target.is_holiday(d("2024-05-01")),
        Some("Labour Day")
    );
}

#[test]
fn years_outside_the_supported_range_are_errors() {
    use super::CalendarError;
    for id in CalendarId::ALL {
        let (first, last) = (*id.supported_years().start(), *id.supported_years().end());
        assert!(last <= super::LAST_SUPPORTED_YEAR, "{id}");
        for year in [
            i32::MIN,
            -262_144,
            0,
            1998,
            first - 1,
            last + 1,
            10_000,
            262_143,
            i32::MAX,
        ] {
            assert_eq!(
                id.holidays_in_year(year),
                Err(CalendarError::YearOutOfRange {
                    calendar: id,
                    year,
                    first,
                    last,
                }),
                "{id} {year}"
            );
        }
        assert!(id.holidays_in_year(first).is_ok());
        assert!(id.holidays_in_year(last).is_ok());
    }
    // Japan stops where its equinox formula does.
    assert_eq!(CalendarId::Japan.supported_years(), 2024..=2099);
    assert_eq!(
        CalendarId::Japan
            .holidays_in_year(2100)
            .expect_err("past the equinox formula")
            .to_string(),
        "the Japan (BOJ-NET, Zengin) calendar covers the years 2024 to 2099, not 2100"
    );
    let err = CalendarId::Target
        .holidays_in_year(1998)
        .expect_err("before TARGET");
    assert_eq!(
        err.to_string(),
        "the TARGET calendar covers the years 1999 to 9999, not 1998"
    );
}

#[test]
fn a_rule_stops_after_its_last_year() {
    use super::rules::{closures, DateRule, Recurring, Spec};
    // Denmark's Great Prayer Day (fourth Friday after Easter) was abolished from 2024.
    static RULES: [Recurring; 1] =
        [Recurring::new("Great Prayer Day", DateRule::Easter { days: 26 }, 2000).until(2023)];
    let spec = Spec {
        weekend: &[Weekday::Sat, Weekday::Sun],
        first_year: 2000,
        last_year: super::LAST_SUPPORTED_YEAR,
        recurring: &RULES,
        one_offs: &[],
        between_holidays: None,
    };
    let dates = |year| -> Vec<NaiveDate> {
        closures(CalendarId::Target, &spec, year)
            .expect("supported year")
            .into_iter()
            .map(|h| h.date)
            .collect()
    };
    assert_eq!(dates(2023), vec![d("2023-05-05")]);
    assert_eq!(dates(2024), Vec::<NaiveDate>::new());
}

#[test]
fn substitutes_days_between_holidays_and_the_weekday_before_a_date() {
    use super::equinox::Equinox;
    use super::rules::{closures, DateRule, Observance, Recurring, Spec};
    const fn may(day: u32) -> DateRule {
        DateRule::Fixed { month: 5, day }
    }
    const SUB: Observance = Observance::SundayToNextFree;
    static RULES: [Recurring; 7] = [
        Recurring::new("3 May", may(3), 2000).observed(SUB),
        Recurring::new("4 May", may(4), 2000).observed(SUB),
        Recurring::new("7 May", may(7), 2000),
        Recurring::new("9 May", may(9), 2000).observed(SUB),
        Recurring::new("11 May", may(11), 2000),
        Recurring::new(
            "Victoria Day",
            DateRule::WeekdayBefore {
                month: 5,
                day: 25,
                weekday: Weekday::Mon,
            },
            2000,
        ),
        Recurring::new("Equinox", DateRule::EquinoxJst(Equinox::March), 2000),
    ];
    let spec = Spec {
        weekend: &[Weekday::Sat, Weekday::Sun],
        first_year: 2000,
        last_year: 2099,
        recurring: &RULES,
        one_offs: &[],
        between_holidays: Some("Between"),
    };
    let got = |year| -> Vec<(NaiveDate, &'static str, bool)> {
        closures(CalendarId::Japan, &spec, year)
            .expect("supported year")
            .into_iter()
            .map(|h| (h.date, h.name, h.observed))
            .collect()
    };
    // 2024: 4 and 11 May are Saturdays (not moved). 8 and 10 May lie between two holidays (the
    // Saturday 11th counts). 25 May is a Saturday: Victoria Day is the 20th.
    assert_eq!(
        got(2024),
        vec![
            (d("2024-03-20"), "Equinox", false),
            (d("2024-05-03"), "3 May", false),
            (d("2024-05-07"), "7 May", false),
            (d("2024-05-08"), "Between", false),
            (d("2024-05-09"), "9 May", false),
            (d("2024-05-10"), "Between", false),
            (d("2024-05-20"), "Victoria Day", false),
        ]
    );
    // 2026: 3 May is a Sunday and 4 May a holiday, so the substitute is Tuesday 5 May; it does
    // not make 6 May a day between holidays. 9 May is a Saturday, not moved, but still brackets
    // Friday 8 May. 25 May is itself a Monday: Victoria Day is the 18th.
    assert_eq!(
        got(2026),
        vec![
            (d("2026-03-20"), "Equinox", false),
            (d("2026-05-04"), "4 May", false),
            (d("2026-05-05"), "3 May", true),
            (d("2026-05-07"), "7 May", false),
            (d("2026-05-08"), "Between", false),
            (d("2026-05-11"), "11 May", false),
            (d("2026-05-18"), "Victoria Day", false),
        ]
    );
    // 2027: the equinox (21 March) is a Sunday, with no observance here. 9 May is a Sunday: its
    // substitute, Monday 10 May, is also the day between 9 and 11 May; one closure.
    assert_eq!(
        got(2027),
        vec![
            (d("2027-05-03"), "3 May", false),
            (d("2027-05-04"), "4 May", false),
            (d("2027-05-07"), "7 May", false),
            (d("2027-05-10"), "9 May", true),
            (d("2027-05-11"), "11 May", false),
            (d("2027-05-24"), "Victoria Day", false),
        ]
    );
    // Past the equinox formula the rule has no date, so the year is refused.
    assert!(closures(CalendarId::Japan, &spec, 2099).is_ok());
    let late = Spec {
        last_year: 2100,
        ..spec
    };
    assert!(closures(CalendarId::Japan, &late, 2100).is_err());
}
