//! Times on the wire: `2026-04-15T10:30:00Z`, whole seconds, UTC. Written digit by digit
//! instead of through `chrono`'s `Display` (which goes through the formatting machinery one
//! character at a time): every object carries several, and the sandbox serializes a lot of them.

use chrono::{DateTime, Timelike, Utc};
use serde::{Deserialize, Deserializer, Serializer};

/// The RFC 3339 text of `t` (seconds precision; years outside 0–9999 fall back to chrono).
pub fn format(t: &DateTime<Utc>) -> String {
    match digits(t) {
        Some(b) => b.iter().map(|&c| char::from(c)).collect(),
        None => t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
    }
}

/// Appends `t` as a JSON string, as [`serialize`] writes it.
pub fn push_json(out: &mut Vec<u8>, t: &DateTime<Utc>) {
    out.push(b'"');
    match digits(t) {
        Some(b) => out.extend_from_slice(&b),
        None => out.extend_from_slice(format(t).as_bytes()),
    }
    out.push(b'"');
}

/// `YYYY-MM-DDTHH:MM:SSZ` on the stack, for years 0–9999. The date comes from the Unix
/// time by arithmetic (Howard Hinnant's `civil_from_days`): chrono's accessors convert the
/// time once per field, which cost several times more.
fn digits(t: &DateTime<Utc>) -> Option<[u8; 20]> {
    let seconds = t.timestamp();
    let (days, second_of_day) = (seconds.div_euclid(86_400), seconds.rem_euclid(86_400));
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1_460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let shifted_month = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * shifted_month + 2) / 5 + 1;
    let month = if shifted_month < 10 {
        shifted_month + 3
    } else {
        shifted_month - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    if !(0..=9999).contains(&year) {
        return None;
    }
    // All in range now: year 0–9999, the rest below 100.
    let (year, month, day) = (year as u32, month as u32, day as u32);
    let second_of_day = second_of_day as u32;
    let mut b = *b"0000-00-00T00:00:00Z";
    let two = |b: &mut [u8; 20], at: usize, v: u32| {
        b[at] = b'0' + (v / 10) as u8;
        b[at + 1] = b'0' + (v % 10) as u8;
    };
    two(&mut b, 0, year / 100);
    two(&mut b, 2, year % 100);
    two(&mut b, 5, month);
    two(&mut b, 8, day);
    two(&mut b, 11, second_of_day / 3_600);
    two(&mut b, 14, second_of_day / 60 % 60);
    two(&mut b, 17, second_of_day % 60);
    Some(b)
}

pub fn serialize<S: Serializer>(t: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
    match digits(t) {
        // ASCII digits and punctuation: always UTF-8.
        Some(b) => s.serialize_str(std::str::from_utf8(&b).unwrap_or_default()),
        None => s.serialize_str(&format(t)),
    }
}

pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime<Utc>, D::Error> {
    DateTime::<Utc>::deserialize(d)
}

/// `DateTime<Utc>` as chrono's own `Serialize` writes it (RFC 3339 with as many digits of a
/// fraction of a second as it takes: none, 3, 6 or 9), for the fields stored that way (the
/// account's creation time, the ledger's activities): the whole seconds and milliseconds a host
/// clock gives are written here, anything else by chrono.
pub mod chrono_default {
    use super::*;

    /// The text, when it is whole seconds or milliseconds (and the year has four digits).
    fn fast(t: &DateTime<Utc>) -> Option<([u8; 24], usize)> {
        let nanos = t.nanosecond();
        let b = digits(t)?;
        let mut text = [0u8; 24];
        if nanos == 0 {
            text[..20].copy_from_slice(&b);
            return Some((text, 20));
        }
        if nanos >= 1_000_000_000 || !nanos.is_multiple_of(1_000_000) {
            return None;
        }
        text[..19].copy_from_slice(&b[..19]);
        let millis = nanos / 1_000_000;
        text[19] = b'.';
        text[20] = b'0' + (millis / 100) as u8;
        text[21] = b'0' + (millis / 10 % 10) as u8;
        text[22] = b'0' + (millis % 10) as u8;
        text[23] = b'Z';
        Some((text, 24))
    }

    /// Appends `t` as a JSON string, as chrono's `Serialize` writes it.
    pub fn push_json(out: &mut Vec<u8>, t: &DateTime<Utc>) {
        match fast(t) {
            Some((text, len)) => {
                out.push(b'"');
                out.extend_from_slice(&text[..len]);
                out.push(b'"');
            }
            // Writing a time into a Vec cannot fail.
            None => {
                let _ = serde_json::to_writer(&mut *out, t);
            }
        }
    }
}

/// The same for `Option<DateTime<Utc>>` (`null` when absent).
pub mod option {
    use super::*;

    pub fn serialize<S: Serializer>(t: &Option<DateTime<Utc>>, s: S) -> Result<S::Ok, S::Error> {
        match t {
            Some(t) => super::serialize(t, s),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<DateTime<Utc>>, D::Error> {
        Option::<DateTime<Utc>>::deserialize(d)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Datelike, TimeZone};

    #[test]
    fn matches_chrono_and_round_trips() {
        for t in [
            Utc.with_ymd_and_hms(2026, 4, 15, 10, 30, 0).unwrap(),
            Utc.with_ymd_and_hms(1999, 12, 31, 23, 59, 59).unwrap(),
            Utc.with_ymd_and_hms(2, 1, 1, 0, 0, 0).unwrap(),
            Utc.with_ymd_and_hms(12026, 1, 1, 0, 0, 0).unwrap(),
        ] {
            let text = format(&t);
            assert_eq!(text, t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true));
            if t.year() <= 9999 {
                assert_eq!(DateTime::parse_from_rfc3339(&text).unwrap(), t);
            }
        }
    }

    #[test]
    fn digits_are_chronos_over_the_four_digit_years() {
        let first = Utc.with_ymd_and_hms(0, 1, 1, 0, 0, 0).unwrap().timestamp();
        let last = Utc
            .with_ymd_and_hms(9999, 12, 31, 23, 59, 59)
            .unwrap()
            .timestamp();
        let mut state = 0x9e37_79b9_7f4a_7c15_u64;
        let mut seconds: Vec<i64> = vec![first, last, first - 1, last + 1, 0, -1, 951_782_400];
        for _ in 0..20_000 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            seconds.push(first + (state % (last - first + 1) as u64) as i64);
        }
        for s in seconds {
            let t = DateTime::from_timestamp(s, 0).unwrap();
            let expected = t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
            match digits(&t) {
                Some(b) => assert_eq!(std::str::from_utf8(&b).unwrap(), expected),
                None => assert!(s < first || s > last, "{expected}"),
            }
        }
        let leap = chrono::NaiveDate::from_ymd_opt(2016, 12, 31)
            .unwrap()
            .and_hms_milli_opt(23, 59, 59, 1_500)
            .unwrap()
            .and_utc();
        assert_eq!(format(&leap), "2016-12-31T23:59:59Z");
    }

    #[test]
    fn chrono_default_is_what_chrono_writes() {
        let base = Utc.with_ymd_and_hms(2026, 4, 15, 10, 30, 59).unwrap();
        for t in [
            base,
            base + chrono::Duration::milliseconds(7),
            base + chrono::Duration::milliseconds(999),
            base + chrono::Duration::microseconds(120),
            base + chrono::Duration::nanoseconds(1),
            Utc.with_ymd_and_hms(12026, 1, 1, 0, 0, 0).unwrap(),
            Utc.with_ymd_and_hms(1, 1, 1, 0, 0, 0).unwrap() + chrono::Duration::milliseconds(20),
            chrono::NaiveDate::from_ymd_opt(2016, 12, 31)
                .unwrap()
                .and_hms_milli_opt(23, 59, 59, 1_500)
                .unwrap()
                .and_utc(),
        ] {
            let mut out = Vec::new();
            chrono_default::push_json(&mut out, &t);
            assert_eq!(
                String::from_utf8(out).unwrap(),
                serde_json::to_string(&t).unwrap()
            );
        }
    }
}
