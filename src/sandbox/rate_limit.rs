//! Optional rate limiting per API key: a token bucket refilled on the host clock (not sandbox
//! time: advancing the simulated clock must not refill it). Not stored; a reopened sandbox
//! starts with full buckets.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde::Deserialize;

use crate::error::ApiError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RateLimit {
    pub requests_per_second: u32,
    /// How many requests may arrive at once; default `requests_per_second`.
    pub burst: Option<u32>,
}

const MILLI: u64 = 1000;

#[derive(Debug, Default)]
pub struct RateLimiter {
    config: Option<RateLimit>,
    /// Per key: tokens in thousandths, and when they were last counted.
    buckets: HashMap<String, (u64, i64)>,
}

impl RateLimiter {
    pub fn new(config: Option<RateLimit>) -> RateLimiter {
        RateLimiter {
            config,
            buckets: HashMap::new(),
        }
    }

    /// Takes one token for `key`, or says how many whole seconds until one is available.
    pub fn check(&mut self, key: &str, host_now: DateTime<Utc>) -> Result<(), ApiError> {
        let Some(config) = self.config else {
            return Ok(());
        };
        let rate = u64::from(config.requests_per_second.max(1));
        let capacity = u64::from(config.burst.unwrap_or(config.requests_per_second).max(1)) * MILLI;
        let now_ms = host_now.timestamp_millis();
        let (tokens, last) = self
            .buckets
            .entry(key.to_owned())
            .or_insert((capacity, now_ms));
        let elapsed = u64::try_from(now_ms - *last).unwrap_or(0);
        // rate tokens per second = rate thousandths per millisecond.
        *tokens = tokens
            .saturating_add(elapsed.saturating_mul(rate))
            .min(capacity);
        *last = (*last).max(now_ms);
        if *tokens >= MILLI {
            *tokens -= MILLI;
            return Ok(());
        }
        let missing_ms = (MILLI - *tokens).div_ceil(rate);
        Err(ApiError::rate_limited().with_retry_after(missing_ms.div_ceil(1000).max(1)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, TimeZone};

    #[test]
    fn bursts_then_refills_on_the_host_clock() {
        let t0 = Utc.with_ymd_and_hms(2026, 4, 15, 10, 0, 0).unwrap();
        let mut rl = RateLimiter::new(Some(RateLimit {
            requests_per_second: 2,
            burst: Some(3),
        }));
        for _ in 0..3 {
            rl.check("k", t0).unwrap();
        }
        let err = rl.check("k", t0).unwrap_err();
        assert_eq!((err.status, err.retry_after), (429, Some(1)));
        rl.check("other", t0).unwrap();
        rl.check("k", t0 + Duration::milliseconds(500)).unwrap();
        assert!(rl.check("k", t0 + Duration::milliseconds(500)).is_err());
        assert!(RateLimiter::new(None).check("k", t0).is_ok());
    }
}
