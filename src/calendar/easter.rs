//! Easter Sunday in the Gregorian calendar.
//!
//! Western churches (and with them TARGET, the Bank of England and SIX) date Good Friday,
//! Easter Monday, Ascension and Whit Monday from the Gregorian Easter, so one integer algorithm
//! serves every calendar here. We use the "anonymous Gregorian" algorithm as published by
//! Meeus (Astronomical Algorithms, ch. 8, after Jones 1876 and Butcher 1876): it is exact for
//! every Gregorian year and needs no tables, which keeps the crate free of data we would have to
//! refresh.

use chrono::NaiveDate;

/// Easter Sunday of `year`, or `None` when that date is outside chrono's range.
///
/// Valid for Gregorian years (1583 onwards); earlier years get the proleptic answer, which no
/// calendar in this module asks for.
pub fn easter_sunday(year: i32) -> Option<NaiveDate> {
    // i64 and Euclidean division keep the arithmetic total for any i32, so no input can overflow
    // or take a negative remainder, even though callers only pass supported years.
    let y = i64::from(year);
    let a = y.rem_euclid(19);
    let b = y.div_euclid(100);
    let c = y.rem_euclid(100);
    let d = b.div_euclid(4);
    let e = b.rem_euclid(4);
    let f = (b + 8).div_euclid(25);
    let g = (b - f + 1).div_euclid(3);
    let h = (19 * a + b - d - g + 15).rem_euclid(30);
    let i = c.div_euclid(4);
    let k = c.rem_euclid(4);
    let l = (32 + 2 * e + 2 * i - h - k).rem_euclid(7);
    let m = (a + 11 * h + 22 * l).div_euclid(451);
    let n = h + l - 7 * m + 114;
    let month = u32::try_from(n.div_euclid(31)).ok()?;
    let day = u32::try_from(n.rem_euclid(31) + 1).ok()?;
    NaiveDate::from_ymd_opt(year, month, day)
}

#[cfg(test)]
mod tests {
    use super::easter_sunday;
    use chrono::NaiveDate;

    fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("valid literal date")
    }

    /// Easter Sundays as listed in the published Western (Gregorian) Easter tables; the extremes
    /// 22 March (1818, 2285) and 25 April (1943, 2038) are included because an off-by-one in the
    /// month arithmetic shows there first.
    #[test]
    fn known_easter_sundays() {
        let known = [
            (1818, 3, 22),
            (1943, 4, 25),
            (1999, 4, 4),
            (2000, 4, 23),
            (2008, 3, 23),
            (2011, 4, 24),
            (2012, 4, 8),
            (2019, 4, 21),
            (2020, 4, 12),
            (2021, 4, 4),
            (2022, 4, 17),
            (2023, 4, 9),
            (2024, 3, 31),
            (2025, 4, 20),
            (2026, 4, 5),
            (2027, 3, 28),
            (2028, 4, 16),
            (2029, 4, 1),
            (2030, 4, 21),
            (2038, 4, 25),
            (2285, 3, 22),
        ];
        for (y, m, d) in known {
            assert_eq!(easter_sunday(y), Some(ymd(y, m, d)), "Easter {y}");
        }
    }

    #[test]
    fn always_a_sunday_between_22_march_and_25_april() {
        for year in 1583..=4099 {
            let e = easter_sunday(year).expect("in chrono's range");
            assert_eq!(chrono::Datelike::weekday(&e), chrono::Weekday::Sun, "{e}");
            assert!(e >= ymd(year, 3, 22) && e <= ymd(year, 4, 25), "{e}");
        }
    }

    #[test]
    fn extreme_years_do_not_panic() {
        for year in [i32::MIN, -262_144, -1, 0, 262_143, 262_144, i32::MAX] {
            let _ = easter_sunday(year);
        }
        assert_eq!(easter_sunday(i32::MAX), None);
    }
}
