//! Activity as the host sends it: JSON with string currency codes, validated into engine
//! calls with errors that name the offending field.
//!
//! `{"type":"payment","id":"pay_…","amount":1000,"currency":"EUR","at":"2026-04-15T10:30:00Z"}`
//! and likewise `refund` / `dispute` (with `paymentId`), `dispute_resolution` (`outcome`:
//! `won` | `lost`) and `payout_failure` (`reason`).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::engine::{DisputeOutcome, Engine};
use super::error::SettlementError;
use crate::currency::Currency;
use crate::host::RandomSource;
use crate::money::Money;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    Won,
    Lost,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Activity {
    #[serde(rename_all = "camelCase")]
    Payment {
        id: String,
        amount: i64,
        currency: String,
        at: DateTime<Utc>,
    },
    #[serde(rename_all = "camelCase")]
    Refund {
        id: String,
        payment_id: String,
        amount: i64,
        currency: String,
        at: DateTime<Utc>,
    },
    #[serde(rename_all = "camelCase")]
    Dispute {
        id: String,
        payment_id: String,
        amount: i64,
        currency: String,
        at: DateTime<Utc>,
    },
    #[serde(rename_all = "camelCase")]
    DisputeResolution {
        id: String,
        outcome: Outcome,
        at: DateTime<Utc>,
    },
    #[serde(rename_all = "camelCase")]
    PayoutFailure {
        id: String,
        reason: String,
        at: DateTime<Utc>,
    },
}

fn money(amount: i64, currency: &str) -> Result<Money, SettlementError> {
    let currency = Currency::from_code(currency)
        .map_err(|_| SettlementError::UnknownCurrency { field: "currency" })?;
    if amount < 0 {
        return Err(SettlementError::NegativeAmount { field: "amount" });
    }
    Ok(Money::new(amount, currency))
}

/// Parses one activity; a JSON error names the field serde complains about in its message.
pub fn parse_activity(json: &str) -> Result<Activity, SettlementError> {
    serde_json::from_str(json).map_err(|e| SettlementError::InvalidConfig {
        field: "activity",
        message: e.to_string(),
    })
}

impl Engine {
    /// Applies one activity to the engine.
    pub fn apply(
        &mut self,
        rng: &mut dyn RandomSource,
        activity: &Activity,
    ) -> Result<(), SettlementError> {
        match activity {
            Activity::Payment {
                id,
                amount,
                currency,
                at,
            } => self.record_payment(rng, id, money(*amount, currency)?, *at),
            Activity::Refund {
                id,
                payment_id,
                amount,
                currency,
                at,
            } => self.record_refund(rng, id, payment_id, money(*amount, currency)?, *at),
            Activity::Dispute {
                id,
                payment_id,
                amount,
                currency,
                at,
            } => self.open_dispute(rng, id, payment_id, money(*amount, currency)?, *at),
            Activity::DisputeResolution { id, outcome, at } => {
                let outcome = match outcome {
                    Outcome::Won => DisputeOutcome::Won,
                    Outcome::Lost => DisputeOutcome::Lost,
                };
                self.resolve_dispute(rng, id, outcome, *at)
            }
            Activity::PayoutFailure { id, reason, at } => self.fail_payout(rng, id, reason, *at),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::FieldError;
    use crate::host::SeededRandom;
    use crate::settlement::account::AccountConfig;

    #[test]
    fn json_activity_drives_the_engine_and_errors_name_fields() {
        let mut rng = SeededRandom::new(1);
        let start = "2026-04-15T00:00:00Z".parse().unwrap();
        let mut e = Engine::new(AccountConfig::new(Currency::EUR), start).unwrap();
        let ok = r#"{"type":"payment","id":"pay_abcdefgh","amount":1000,"currency":"eur","at":"2026-04-15T10:30:00Z"}"#;
        e.apply(&mut rng, &parse_activity(ok).unwrap()).unwrap();
        let cases = [
            (
                r#"{"type":"payment","id":"pay_abcdefgi","amount":1000,"currency":"EURO","at":"2026-04-15T10:30:00Z"}"#,
                "currency",
                "currency_unknown",
            ),
            (
                r#"{"type":"refund","id":"re_abcdefgh","paymentId":"pay_abcdefgh","amount":-1,"currency":"EUR","at":"2026-04-15T10:30:00Z"}"#,
                "amount",
                "amount_negative",
            ),
            (
                r#"{"type":"refund","id":"re_abcdefgh","paymentId":"pay_abcdefgh","amount":1001,"currency":"EUR","at":"2026-04-15T10:30:00Z"}"#,
                "amount",
                "amount_exceeds_payment",
            ),
            (
                r#"{"type":"dispute_resolution","id":"dp_abcdefgh","outcome":"won","at":"2026-04-15T10:30:00Z"}"#,
                "id",
                "resource_missing",
            ),
        ];
        for (json, field, code) in cases {
            let err = e
                .apply(&mut rng, &parse_activity(json).unwrap())
                .unwrap_err();
            assert_eq!((err.field(), err.code()), (field, code), "{json}");
        }
        let err = parse_activity(r#"{"type":"payment","id":"pay_x"}"#).unwrap_err();
        assert_eq!(err.field(), "activity");
        assert!(err.to_string().contains("amount"), "{err}");
    }
}
