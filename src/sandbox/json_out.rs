//! A JSON object writer for the few objects every request of a payment's life writes (see
//! `wire_json.rs` and `stored_json.rs`): their keys are known identifiers, written as they are
//! instead of through `serde_json`'s escaping, which cost a tenth of a request. The bytes are
//! exactly what `serde_json` writes, which the writers' tests check against it.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use crate::error::ApiError;
use crate::sandbox::timefmt;

/// Appends `s` as a JSON string, escaped as `serde_json` escapes it (only `"`, `\` and control
/// characters are; the usual string has none, and is copied as it is).
pub(crate) fn push_str(out: &mut Vec<u8>, s: &str) {
    if needs_escape(s.as_bytes()) {
        // Writing a string into a Vec cannot fail.
        let _ = serde_json::to_writer(&mut *out, s);
    } else {
        out.reserve(s.len() + 2);
        out.push(b'"');
        out.extend_from_slice(s.as_bytes());
        out.push(b'"');
    }
}

/// Appends the concatenation of `parts` as one JSON string (a record key, `test/event/evt_…`).
pub(crate) fn push_str_of(out: &mut Vec<u8>, parts: &[&str]) {
    if parts.iter().any(|p| needs_escape(p.as_bytes())) {
        push_str(out, &parts.concat());
    } else {
        out.push(b'"');
        for part in parts {
            out.extend_from_slice(part.as_bytes());
        }
        out.push(b'"');
    }
}

/// Whether `bytes` hold a control character, `"` or `\`: eight bytes at a time, with the
/// "has a byte less than" test of the bit-twiddling folklore (exact for "any", bytes of 0x80
/// and above never match).
fn needs_escape(bytes: &[u8]) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let below = |x: u64, n: u64| x.wrapping_sub(ONES * n) & !x & HIGH != 0;
    let mut chunks = bytes.chunks_exact(8);
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let x = u64::from_le_bytes(word);
        if below(x, 0x20)
            || below(x ^ (ONES * u64::from(b'"')), 1)
            || below(x ^ (ONES * u64::from(b'\\')), 1)
        {
            return true;
        }
    }
    chunks
        .remainder()
        .iter()
        .any(|&b| b < 0x20 || b == b'"' || b == b'\\')
}

/// Appends `n` in decimal.
pub(crate) fn push_int(out: &mut Vec<u8>, n: i64) {
    if n < 0 {
        out.push(b'-');
    }
    push_uint(out, n.unsigned_abs());
}

/// Appends `n` in decimal.
pub(crate) fn push_uint(out: &mut Vec<u8>, n: u64) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    let mut rest = n;
    loop {
        at -= 1;
        digits[at] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[at..]);
}

/// A field's key as the writers pass it, quoted and with its colon (`"amount":`), made at
/// compile time: one copy writes it.
macro_rules! k {
    ($name:literal) => {
        concat!("\"", $name, "\":")
    };
}
pub(crate) use k;

/// One JSON object being written: `{`, then each field, then [`Obj::end`]. Keys (see [`k!`])
/// are the serde names of the fields, which need no escaping.
pub(crate) struct Obj<'a> {
    out: &'a mut Vec<u8>,
    first: bool,
}

impl<'a> Obj<'a> {
    pub fn new(out: &'a mut Vec<u8>) -> Obj<'a> {
        out.push(b'{');
        Obj { out, first: true }
    }

    /// The key of the next field (`k!("name")`); its value is to be written next, into the
    /// buffer returned.
    pub fn key(&mut self, key: &str) -> &mut Vec<u8> {
        debug_assert!(key.starts_with('"') && key.ends_with("\":"));
        if !self.first {
            self.out.push(b',');
        }
        self.first = false;
        self.out.extend_from_slice(key.as_bytes());
        self.out
    }

    pub fn str(&mut self, key: &str, value: &str) -> &mut Self {
        push_str(self.key(key), value);
        self
    }

    pub fn opt_str(&mut self, key: &str, value: Option<&str>) -> &mut Self {
        match value {
            Some(s) => push_str(self.key(key), s),
            None => self.key(key).extend_from_slice(b"null"),
        }
        self
    }

    pub fn int(&mut self, key: &str, value: i64) -> &mut Self {
        push_int(self.key(key), value);
        self
    }

    pub fn bool(&mut self, key: &str, value: bool) -> &mut Self {
        let text: &[u8] = if value { b"true" } else { b"false" };
        self.key(key).extend_from_slice(text);
        self
    }

    /// A time as `timefmt` writes it.
    pub fn time(&mut self, key: &str, value: &DateTime<Utc>) -> &mut Self {
        timefmt::push_json(self.key(key), value);
        self
    }

    pub fn opt_time(&mut self, key: &str, value: Option<&DateTime<Utc>>) -> &mut Self {
        match value {
            Some(t) => timefmt::push_json(self.key(key), t),
            None => self.key(key).extend_from_slice(b"null"),
        }
        self
    }

    /// JSON text the sandbox made, copied as it is.
    pub fn raw(&mut self, key: &str, json: &str) -> &mut Self {
        self.key(key).extend_from_slice(json.as_bytes());
        self
    }

    /// A string map (metadata), keys in order, as serde writes a `BTreeMap`.
    pub fn str_map(&mut self, key: &str, map: &BTreeMap<String, String>) -> &mut Self {
        self.map(key, map, |out, v| push_str(out, v))
    }

    /// A map of integers (a customer's volume per currency).
    pub fn int_map(&mut self, key: &str, map: &BTreeMap<String, i64>) -> &mut Self {
        self.map(key, map, |out, v| push_int(out, *v))
    }

    fn map<V>(
        &mut self,
        key: &str,
        map: &BTreeMap<String, V>,
        push_value: impl Fn(&mut Vec<u8>, &V),
    ) -> &mut Self {
        let out = self.key(key);
        out.push(b'{');
        for (i, (k, v)) in map.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            push_str(out, k);
            out.push(b':');
            push_value(out, v);
        }
        out.push(b'}');
        self
    }

    /// Closes the object. A `Result` for the writers' sake, whose nested values may fail.
    pub fn end(&mut self) -> Result<(), ApiError> {
        self.out.push(b'}');
        Ok(())
    }
}

/// The text of JSON written by these writers (always UTF-8: it is made of `str`s).
pub(crate) fn into_string(out: Vec<u8>) -> Result<String, ApiError> {
    String::from_utf8(out).map_err(|_| ApiError::internal("written JSON is not UTF-8"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_and_numbers_are_what_serde_writes() {
        for s in [
            "",
            "pay_3Nf91",
            "é ü 😀",
            "q\"uote",
            "back\\slash",
            "\u{0}\u{1f}\n\t\r\u{8}\u{c}",
            "\u{7f}",
            "</script>",
            "pay_3Nf91aBcDeFgHiJkLmNoPqRs",
            "pay_3Nf91aBcDeFgHiJkLmNoPqR\"",
            "pay_3Nf91aBc\\eFgHiJkLmNoPqRs",
            "pay_3Nf9\u{1f}aBcDeFgHiJkLmNoPqRs",
            "ÿÿÿÿÿÿÿÿ\u{80}\u{ff}é😀😀",
        ] {
            let mut out = Vec::new();
            push_str(&mut out, s);
            assert_eq!(
                String::from_utf8(out).unwrap(),
                serde_json::to_string(s).unwrap()
            );
        }
        for n in [0, 7, -7, 10, 2500, -99_999_999, i64::MAX, i64::MIN] {
            let mut out = Vec::new();
            push_int(&mut out, n);
            assert_eq!(String::from_utf8(out).unwrap(), n.to_string());
        }
        let mut out = Vec::new();
        push_str_of(&mut out, &["test/", "idempotency/", "k\"1"]);
        push_str_of(&mut out, &["a", "b"]);
        assert_eq!(
            String::from_utf8(out).unwrap(),
            r#""test/idempotency/k\"1""ab""#
        );
        let mut out = Vec::new();
        push_uint(&mut out, u64::MAX);
        assert_eq!(String::from_utf8(out).unwrap(), u64::MAX.to_string());
    }

    #[test]
    fn every_byte_that_needs_an_escape_is_found_wherever_it_is() {
        for b in 0u8..=0x7f {
            let escaped = b < 0x20 || b == b'"' || b == b'\\';
            for at in 0..20 {
                let mut bytes = vec![b'a'; 20];
                bytes[at] = b;
                assert_eq!(needs_escape(&bytes), escaped, "{b:#x} at {at}");
                bytes[(at + 7) % 20] = 0xc3;
                assert_eq!(needs_escape(&bytes), escaped, "{b:#x} at {at}");
            }
        }
        assert!(!needs_escape(&[
            0x80, 0x9f, 0xa0, 0xdc, 0xe2, 0xff, 0x7f, 0x5b, 0x5d
        ]));
    }

    #[test]
    fn objects_are_what_serde_writes() {
        let metadata: BTreeMap<String, String> =
            [("b".into(), "2".into()), ("a\"".into(), "\n".into())].into();
        let volume: BTreeMap<String, i64> = [("EUR".into(), -5), ("USD".into(), 7)].into();
        let mut out = Vec::new();
        let mut obj = Obj::new(&mut out);
        obj.str(k!("id"), "x")
            .opt_str(k!("none"), None)
            .opt_str(k!("some"), Some("y"))
            .int(k!("n"), -3)
            .bool(k!("t"), true)
            .bool(k!("f"), false)
            .raw(k!("raw"), "[1,{\"a\":null}]")
            .str_map(k!("metadata"), &metadata)
            .str_map(k!("empty"), &BTreeMap::new())
            .int_map(k!("volume"), &volume);
        obj.end().unwrap();
        let expected = serde_json::json!({
            "id": "x", "none": null, "some": "y", "n": -3, "t": true, "f": false,
            "raw": [1, {"a": null}], "metadata": metadata, "empty": {}, "volume": volume,
        });
        // serde_json's `json!` sorts keys; compare as values, and the text of the maps.
        let text = String::from_utf8(out).unwrap();
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&text).unwrap(),
            expected
        );
        assert!(text.contains(&serde_json::to_string(&metadata).unwrap()));
        assert!(text.contains(&serde_json::to_string(&volume).unwrap()));
    }
}
