//! Reading request parameters: every value is checked, every failure names its `param`, and
//! whatever a handler did not read is refused as `parameter_unknown` by [`Params::finish`].
//!
//! Body parameters are JSON-typed; query parameters are strings and are converted (a `limit`
//! of `"10"` is the number 10). Nested objects (`card`) keep their path in errors
//! (`card.number`).

use std::borrow::Cow;
use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use serde_json::{Map, Value};

use crate::currency::Currency;
use crate::error::{ApiError, FieldError};
use crate::ids::{Id, IdPrefix};

/// The smallest and largest amount a payment or refund may have, in minor units.
pub const MIN_AMOUNT: i64 = 1;
pub const MAX_AMOUNT: i64 = 99_999_999;
pub const MAX_METADATA_KEYS: usize = 50;
const MAX_METADATA_KEY_LEN: usize = 40;
const MAX_METADATA_VALUE_LEN: usize = 500;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Source {
    Body,
    Query,
}

#[derive(Debug)]
pub struct Params {
    map: Map<String, Value>,
    source: Source,
    /// `""` at the top level, `"card."` inside `card`.
    path: String,
}

impl Params {
    pub fn body(map: Map<String, Value>) -> Params {
        Params {
            map,
            source: Source::Body,
            path: String::new(),
        }
    }

    pub fn query(pairs: &[(String, String)]) -> Result<Params, ApiError> {
        let mut map = Map::new();
        for (k, v) in pairs {
            if map.insert(k.clone(), Value::String(v.clone())).is_some() {
                return Err(ApiError::invalid_param(
                    k,
                    "parameter_repeated",
                    format!("query parameter '{k}' is given more than once"),
                ));
            }
        }
        Ok(Params {
            map,
            source: Source::Query,
            path: String::new(),
        })
    }

    /// The parameter's name in errors. Borrowed at the top level: handlers ask for it before
    /// they know whether they need it.
    fn name<'k>(&self, key: &'k str) -> Cow<'k, str> {
        if self.path.is_empty() {
            Cow::Borrowed(key)
        } else {
            Cow::Owned(format!("{}{key}", self.path))
        }
    }

    fn invalid(&self, key: &str, message: impl Into<String>) -> ApiError {
        ApiError::invalid_param(&self.name(key), "parameter_invalid", message)
    }

    fn missing(&self, key: &str) -> ApiError {
        let name = self.name(key);
        ApiError::invalid_param(
            &name,
            "parameter_missing",
            format!("missing required parameter '{name}'"),
        )
    }

    /// Takes a value; JSON `null` counts as absent (clients send it for "not set").
    fn take(&mut self, key: &str) -> Option<Value> {
        match self.map.remove(key) {
            Some(Value::Null) | None => None,
            Some(v) => Some(v),
        }
    }

    /// The parameters not read yet, as query pairs (for a handler that passes them on).
    pub fn into_pairs(self) -> Vec<(String, String)> {
        self.map
            .into_iter()
            .map(|(k, v)| match v {
                Value::String(s) => (k, s),
                other => (k, other.to_string()),
            })
            .collect()
    }

    pub fn has(&self, key: &str) -> bool {
        self.map.get(key).is_some_and(|v| !v.is_null())
    }

    /// Refuses whatever was not read.
    pub fn finish(self) -> Result<(), ApiError> {
        match self.map.keys().next() {
            None => Ok(()),
            Some(key) => {
                let name = self.name(key);
                Err(ApiError::invalid_param(
                    &name,
                    "parameter_unknown",
                    format!("unknown parameter '{name}'"),
                ))
            }
        }
    }

    pub fn string(&mut self, key: &str, max_len: usize) -> Result<Option<String>, ApiError> {
        match self.take(key) {
            None => Ok(None),
            Some(Value::String(s)) => {
                if s.chars().count() > max_len {
                    Err(self.invalid(
                        key,
                        format!("'{}' is longer than {max_len} characters", self.name(key)),
                    ))
                } else {
                    Ok(Some(s))
                }
            }
            Some(_) => Err(self.invalid(key, format!("'{}' must be a string", self.name(key)))),
        }
    }

    pub fn required_string(&mut self, key: &str, max_len: usize) -> Result<String, ApiError> {
        self.string(key, max_len)?.ok_or_else(|| self.missing(key))
    }

    /// One of `allowed`, as given.
    pub fn choice(&mut self, key: &str, allowed: &[&str]) -> Result<Option<String>, ApiError> {
        match self.string(key, 64)? {
            None => Ok(None),
            Some(s) if allowed.contains(&s.as_str()) => Ok(Some(s)),
            Some(_) => Err(self.invalid(
                key,
                format!(
                    "'{}' must be one of: {}",
                    self.name(key),
                    allowed.join(", ")
                ),
            )),
        }
    }

    /// A JSON integer, or in a query the text of one.
    fn as_integer(&self, value: &Value) -> Option<i64> {
        match (value, self.source) {
            (Value::Number(n), _) => n.as_i64(),
            (Value::String(s), Source::Query) => s.parse::<i64>().ok(),
            _ => None,
        }
    }

    pub fn integer(&mut self, key: &str, min: i64, max: i64) -> Result<Option<i64>, ApiError> {
        let value = match self.take(key) {
            None => return Ok(None),
            Some(v) => v,
        };
        let number = self.as_integer(&value);
        let name = self.name(key);
        match number {
            Some(n) if (min..=max).contains(&n) => Ok(Some(n)),
            Some(_) => Err(self.invalid(key, format!("'{name}' must be between {min} and {max}"))),
            None => Err(self.invalid(key, format!("'{name}' must be an integer"))),
        }
    }

    /// An amount in minor units, within 1…99,999,999.
    pub fn amount(&mut self, key: &str) -> Result<Option<i64>, ApiError> {
        let name = self.name(key);
        let value = match self.take(key) {
            None => return Ok(None),
            Some(v) => v,
        };
        match self.as_integer(&value) {
            Some(n) if (MIN_AMOUNT..=MAX_AMOUNT).contains(&n) => Ok(Some(n)),
            Some(_) => Err(ApiError::invalid_param(
                &name,
                "amount_out_of_range",
                format!("'{name}' must be between {MIN_AMOUNT} and {MAX_AMOUNT} minor units"),
            )),
            None => Err(ApiError::invalid_param(
                &name,
                "amount_invalid",
                format!("'{name}' must be an integer amount in minor units (1000 is 10.00 EUR)"),
            )),
        }
    }

    pub fn boolean(&mut self, key: &str) -> Result<Option<bool>, ApiError> {
        match (self.take(key), self.source) {
            (None, _) => Ok(None),
            (Some(Value::Bool(b)), _) => Ok(Some(b)),
            (Some(Value::String(s)), Source::Query) if s == "true" || s == "false" => {
                Ok(Some(s == "true"))
            }
            _ => Err(self.invalid(key, format!("'{}' must be true or false", self.name(key)))),
        }
    }

    /// A currency code, upper-cased (`eur` is `EUR`).
    pub fn currency(&mut self, key: &str) -> Result<Option<Currency>, ApiError> {
        let name = self.name(key);
        match self.string(key, 8)? {
            None => Ok(None),
            Some(code) => Currency::from_code(&code)
                .map(Some)
                .map_err(|e| ApiError::from_field_error(&name, &e)),
        }
    }

    /// An id that must have `prefix`.
    pub fn id(&mut self, key: &str, prefix: IdPrefix) -> Result<Option<String>, ApiError> {
        let name = self.name(key);
        match self.string(key, 80)? {
            None => Ok(None),
            Some(s) => match Id::check_with_prefix(&s, prefix) {
                Ok(()) => Ok(Some(s)),
                Err(e) => Err(ApiError::invalid_param(&name, e.code(), e.to_string())),
            },
        }
    }

    /// An RFC 3339 time, or a date (`2026-04-15`, meaning its first second).
    pub fn time(&mut self, key: &str) -> Result<Option<DateTime<Utc>>, ApiError> {
        let name = self.name(key);
        match self.string(key, 40)? {
            None => Ok(None),
            Some(s) => parse_time(&s).map(Some).ok_or_else(|| {
                ApiError::invalid_param(
                    &name,
                    "parameter_invalid",
                    format!("'{name}' must be an RFC 3339 time (2026-04-15T10:30:00Z) or a date (2026-04-15)"),
                )
            }),
        }
    }

    /// A calendar date, `YYYY-MM-DD`.
    pub fn date(&mut self, key: &str) -> Result<Option<NaiveDate>, ApiError> {
        let name = self.name(key);
        match self.string(key, 10)? {
            None => Ok(None),
            Some(s) => NaiveDate::parse_from_str(&s, "%Y-%m-%d")
                .map(Some)
                .map_err(|_| {
                    ApiError::invalid_param(
                        &name,
                        "parameter_invalid",
                        format!("'{name}' must be a date (2026-04-15)"),
                    )
                }),
        }
    }

    /// An array of up to `max_items` strings of up to `max_len` characters each.
    pub fn string_list(
        &mut self,
        key: &str,
        max_items: usize,
        max_len: usize,
    ) -> Result<Option<Vec<String>>, ApiError> {
        let name = self.name(key);
        let items = match self.take(key) {
            None => return Ok(None),
            Some(Value::Array(items)) => items,
            Some(_) => {
                return Err(self.invalid(key, format!("'{name}' must be an array of strings")))
            }
        };
        if items.len() > max_items {
            return Err(self.invalid(key, format!("'{name}' may have at most {max_items} items")));
        }
        let mut out = Vec::with_capacity(items.len());
        for (i, item) in items.into_iter().enumerate() {
            match item {
                Value::String(s) if !s.is_empty() && s.chars().count() <= max_len => out.push(s),
                _ => {
                    return Err(ApiError::invalid_param(
                        &format!("{name}[{i}]"),
                        "parameter_invalid",
                        format!("items of '{name}' must be non-empty strings of at most {max_len} characters"),
                    ))
                }
            }
        }
        Ok(Some(out))
    }

    /// A nested object, read with its own `Params` whose errors carry `key.` in front.
    pub fn object(&mut self, key: &str) -> Result<Option<Params>, ApiError> {
        match self.take(key) {
            None => Ok(None),
            Some(Value::Object(map)) => Ok(Some(Params {
                map,
                source: self.source,
                path: format!("{}{key}.", self.path),
            })),
            Some(_) => Err(self.invalid(key, format!("'{}' must be an object", self.name(key)))),
        }
    }

    /// `metadata`: up to 50 string values under keys of up to 40 characters, returned
    /// verbatim (keys are never rewritten).
    pub fn metadata(&mut self) -> Result<Option<BTreeMap<String, String>>, ApiError> {
        let name = self.name("metadata");
        let map = match self.take("metadata") {
            None => return Ok(None),
            Some(Value::Object(map)) => map,
            Some(_) => {
                return Err(self.invalid("metadata", "'metadata' must be an object of strings"))
            }
        };
        if map.len() > MAX_METADATA_KEYS {
            return Err(ApiError::invalid_param(
                &name,
                "metadata_too_many_keys",
                format!("'metadata' may have at most {MAX_METADATA_KEYS} keys"),
            ));
        }
        let mut out = BTreeMap::new();
        for (k, v) in map {
            let param = format!("{name}.{k}");
            if k.is_empty() || k.chars().count() > MAX_METADATA_KEY_LEN {
                return Err(ApiError::invalid_param(
                    &param,
                    "metadata_key_invalid",
                    format!("metadata keys must be 1 to {MAX_METADATA_KEY_LEN} characters"),
                ));
            }
            match v {
                Value::String(s) if s.chars().count() <= MAX_METADATA_VALUE_LEN => {
                    out.insert(k, s);
                }
                _ => {
                    return Err(ApiError::invalid_param(
                        &param,
                        "metadata_value_invalid",
                        format!("metadata values must be strings of at most {MAX_METADATA_VALUE_LEN} characters"),
                    ))
                }
            }
        }
        Ok(Some(out))
    }
}

/// Checks that `value` is a well-formed id with `prefix`, for the parameter `param`.
pub fn check_id(param: &str, value: &str, prefix: IdPrefix) -> Result<String, ApiError> {
    Id::check_with_prefix(value, prefix)
        .map(|()| value.to_owned())
        .map_err(|e| ApiError::invalid_param(param, e.code(), e.to_string()))
}

pub fn parse_time(s: &str) -> Option<DateTime<Utc>> {
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(t.with_timezone(&Utc));
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .ok()
        .map(|d| d.and_time(NaiveTime::MIN).and_utc())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn body(v: Value) -> Params {
        match v {
            Value::Object(m) => Params::body(m),
            _ => unreachable!("test bodies are objects"),
        }
    }

    #[test]
    fn unknown_parameters_are_named() {
        let mut p = body(json!({"amount": 5, "amuont": 6}));
        assert_eq!(p.amount("amount").unwrap(), Some(5));
        let err = p.finish().unwrap_err();
        assert_eq!(
            (err.code.as_str(), err.param.as_deref()),
            ("parameter_unknown", Some("amuont"))
        );
    }

    #[test]
    fn amounts_are_integers_in_range() {
        for (v, code) in [
            (json!(0), "amount_out_of_range"),
            (json!(100_000_000), "amount_out_of_range"),
            (json!(-5), "amount_out_of_range"),
            (json!(10.5), "amount_invalid"),
            (json!("100"), "amount_invalid"),
        ] {
            let err = body(json!({ "amount": v })).amount("amount").unwrap_err();
            assert_eq!(err.code, code);
            assert_eq!(err.param.as_deref(), Some("amount"));
        }
        assert_eq!(
            body(json!({"amount": 99_999_999}))
                .amount("amount")
                .unwrap(),
            Some(99_999_999)
        );
        assert_eq!(
            body(json!({"amount": null})).amount("amount").unwrap(),
            None
        );
    }

    #[test]
    fn query_strings_convert_to_numbers_and_booleans() {
        let mut p =
            Params::query(&[("limit".into(), "10".into()), ("x".into(), "true".into())]).unwrap();
        assert_eq!(p.integer("limit", 1, 100).unwrap(), Some(10));
        assert_eq!(p.boolean("x").unwrap(), Some(true));
        let mut p = Params::query(&[("limit".into(), "ten".into())]).unwrap();
        assert_eq!(
            p.integer("limit", 1, 100).unwrap_err().param.as_deref(),
            Some("limit")
        );
        let err = Params::query(&[("a".into(), "1".into()), ("a".into(), "2".into())]).unwrap_err();
        assert_eq!(err.code, "parameter_repeated");
    }

    #[test]
    fn nested_objects_keep_their_path() {
        let mut p = body(json!({"card": {"number": 4, "cvc": "1"}}));
        let mut card = p.object("card").unwrap().unwrap();
        let err = card.string("number", 30).unwrap_err();
        assert_eq!(err.param.as_deref(), Some("card.number"));
        let err = card.finish().unwrap_err();
        assert_eq!(err.param.as_deref(), Some("card.cvc"));
    }

    #[test]
    fn metadata_is_bounded_and_verbatim() {
        let mut p = body(json!({"metadata": {"Order-ID": "A 1", "ünï": "x"}}));
        let m = p.metadata().unwrap().unwrap();
        assert_eq!(m["Order-ID"], "A 1");
        assert_eq!(m["ünï"], "x");
        let many: Map<String, Value> = (0..51).map(|i| (format!("k{i}"), json!("v"))).collect();
        let err = body(json!({ "metadata": many })).metadata().unwrap_err();
        assert_eq!(err.code, "metadata_too_many_keys");
        let err = body(json!({"metadata": {"a": 1}})).metadata().unwrap_err();
        assert_eq!(err.param.as_deref(), Some("metadata.a"));
    }

    #[test]
    fn ids_currencies_and_times_are_checked() {
        let err = body(json!({"payment": "re_12345678"}))
            .id("payment", IdPrefix::Payment)
            .unwrap_err();
        assert_eq!(err.code, "id_wrong_prefix");
        let err = body(json!({"currency": "EURO"}))
            .currency("currency")
            .unwrap_err();
        assert_eq!(err.param.as_deref(), Some("currency"));
        assert_eq!(
            body(json!({"currency": "eur"}))
                .currency("currency")
                .unwrap()
                .unwrap()
                .code(),
            "EUR"
        );
        assert!(parse_time("2026-04-15").is_some());
        assert!(parse_time("2026-04-15T10:30:00+02:00").is_some());
        assert!(parse_time("15/04/2026").is_none());
    }
}
