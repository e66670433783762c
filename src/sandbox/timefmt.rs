//! Times on the wire: `2026-04-15T10:30:00Z`, whole seconds, UTC. Written digit by digit
//! instead of through `chrono`'s `Display` (which goes through the formatting machinery one
//! character at a time): every object carries several, and the sandbox serializes a lot of them.

use chrono::{DateTime, Datelike, Timelike, Utc};
use serde::{Deserialize, Deserializer, Serializer};

/// The RFC 3339 text of `t` (seconds precision; years outside 0–9999 fall back to chrono).
pub fn format(t: &DateTime<Utc>) -> String {
    match digits(t) {
        Some(b) => b.iter().map(|&c| char::from(c)).collect(),
        None => t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
    }
}

/// `YYYY-MM-DDTHH:MM:SSZ` on the stack, for years 0–9999.
fn digits(t: &DateTime<Utc>) -> Option<[u8; 20]> {
    let year = t.year();
    if !(0..=9999).contains(&year) {
        return None;
    }
    let mut b = *b"0000-00-00T00:00:00Z";
    let put = |b: &mut [u8; 20], at: usize, width: usize, mut v: u32| {
        for i in (at..at + width).rev() {
            b[i] = b'0' + (v % 10) as u8;
            v /= 10;
        }
    };
    put(&mut b, 0, 4, year.unsigned_abs());
    put(&mut b, 5, 2, t.month());
    put(&mut b, 8, 2, t.day());
    put(&mut b, 11, 2, t.hour());
    put(&mut b, 14, 2, t.minute());
    put(&mut b, 17, 2, t.second());
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
    use chrono::TimeZone;

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
}
