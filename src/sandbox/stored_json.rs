//! The stored JSON of the records most requests write (payments, events, kept responses),
//! assembled around JSON the sandbox holds already (a payment's cached wire JSON, an event's
//! data, a kept response) instead of serializing it again or re-parsing it to check it: a batch
//! otherwise cost as much as the request that wrote it. The bytes are what `serde_json` writes
//! for the record (the tests compare the two): logs and snapshots keep one format.

use serde::Serialize;

use crate::error::ApiError;
use crate::sandbox::account::{Account, ModeKeys, OwnerKeys};
use crate::sandbox::cards::Behaviour;
use crate::sandbox::events::{EventRecord, EventRequest};
use crate::sandbox::idempotency::IdempotencyRecord;
use crate::sandbox::json_out::{k, push_str, push_uint, Obj};
use crate::sandbox::ledger::{LedgerOp, Op};
use crate::sandbox::payments::PaymentRecord;
use crate::sandbox::timefmt;
use crate::sandbox::wire_json;
use crate::settlement::Activity;

/// Appends `value` as `serde_json` writes it.
pub(crate) fn push_value<V: Serialize + ?Sized>(
    out: &mut Vec<u8>,
    value: &V,
) -> Result<(), ApiError> {
    serde_json::to_writer(out, value)
        .map_err(|e| ApiError::internal(format!("could not encode a record: {e}")))
}

/// `PaymentRecord` as serde writes it; its `payment` is the payment's wire JSON, `wire` when
/// that is cached.
pub(crate) fn payment_record(
    record: &PaymentRecord,
    wire: Option<&str>,
    out: &mut Vec<u8>,
) -> Result<(), ApiError> {
    out.extend_from_slice(b"{\"payment\":");
    match wire {
        Some(json) => out.extend_from_slice(json.as_bytes()),
        None => out.extend_from_slice(wire_json::payment(&record.payment)?.as_bytes()),
    }
    out.extend_from_slice(b",\"behaviour\":");
    match record.behaviour {
        Behaviour::Succeeds => out.extend_from_slice(b"\"succeeds\""),
        Behaviour::RequiresAuthentication => out.extend_from_slice(b"\"requires_authentication\""),
        Behaviour::DisputedLater => out.extend_from_slice(b"\"disputed_later\""),
        Behaviour::Declines(code) => {
            out.extend_from_slice(b"{\"declines\":");
            push_str(out, code.as_str());
            out.push(b'}');
        }
    }
    out.extend_from_slice(b",\"timeline\":");
    wire_json::push_timeline(out, &record.timeline)?;
    out.extend_from_slice(b",\"disputeOpensAt\":");
    match &record.dispute_opens_at {
        Some(t) => timefmt::push_json(out, t),
        None => out.extend_from_slice(b"null"),
    }
    out.push(b'}');
    Ok(())
}

/// `EventRecord` as serde writes it, its data copied as it is (it is JSON the sandbox made).
pub(crate) fn event_record(event: &EventRecord, out: &mut Vec<u8>) -> Result<(), ApiError> {
    let EventRecord {
        id,
        event_type,
        created_at,
        livemode,
        data,
        request,
        object_id,
        payment,
    } = event;
    let mut obj = Obj::new(out);
    obj.str(k!("id"), id)
        .str(k!("type"), event_type)
        .time(k!("createdAt"), created_at)
        .bool(k!("livemode"), *livemode)
        .raw(k!("data"), data);
    match request.as_deref() {
        Some(EventRequest {
            id,
            idempotency_key,
        }) => {
            Obj::new(obj.key(k!("request")))
                .str(k!("id"), id)
                .opt_str(k!("idempotencyKey"), idempotency_key.as_deref())
                .end()?;
        }
        None => obj.key(k!("request")).extend_from_slice(b"null"),
    }
    obj.str(k!("objectId"), object_id)
        .opt_str(k!("payment"), payment.as_deref())
        .end()
}

/// `IdempotencyRecord` as serde writes it, the kept response copied as it is.
pub(crate) fn idempotency_record(
    record: &IdempotencyRecord,
    out: &mut Vec<u8>,
) -> Result<(), ApiError> {
    let IdempotencyRecord {
        key,
        fingerprint,
        status,
        body,
        created_at,
        batch: _,
    } = record;
    Obj::new(out)
        .str(k!("key"), key)
        .str(k!("fingerprint"), fingerprint)
        .int(k!("status"), i64::from(*status))
        .raw(k!("body"), body)
        .time(k!("createdAt"), created_at)
        .end()
}

/// `LedgerOp` as serde writes it: by hand for the captures and refunds every payment's life
/// applies, through serde for the rest.
pub(crate) fn ledger_op(op: &LedgerOp, out: &mut Vec<u8>) -> Result<(), ApiError> {
    let (kind, id, payment_id, amount, currency, at) = match &op.op {
        Op::Apply {
            activity:
                Activity::Payment {
                    id,
                    amount,
                    currency,
                    at,
                },
        } => ("payment", id, None, amount, currency, at),
        Op::Apply {
            activity:
                Activity::Refund {
                    id,
                    payment_id,
                    amount,
                    currency,
                    at,
                },
        } => ("refund", id, Some(payment_id), amount, currency, at),
        _ => return push_value(out, op),
    };
    let mut obj = Obj::new(out);
    obj.str(k!("id"), &op.id).str(k!("op"), "apply");
    let mut activity = Obj::new(obj.key(k!("activity")));
    activity.str(k!("type"), kind).str(k!("id"), id);
    if let Some(payment_id) = payment_id {
        activity.str(k!("paymentId"), payment_id);
    }
    activity
        .int(k!("amount"), *amount)
        .str(k!("currency"), currency);
    timefmt::chrono_default::push_json(activity.key(k!("at")), at);
    activity.end()?;
    obj.end()
}

/// The value of the `account` record: [`Account`] as serde writes it, with the store's
/// `next_seq` (one is written in every batch that creates an object).
pub(crate) fn account(account: &Account, next_seq: u64, out: &mut Vec<u8>) -> Result<(), ApiError> {
    let Account {
        id,
        created_at,
        next_seq: _,
        owner_keys: OwnerKeys { live, test },
    } = account;
    let mut obj = Obj::new(out);
    obj.str(k!("id"), id);
    timefmt::chrono_default::push_json(obj.key(k!("createdAt")), created_at);
    push_uint(obj.key(k!("nextSeq")), next_seq);
    let mut keys = Obj::new(obj.key(k!("ownerKeys")));
    for (
        mode,
        ModeKeys {
            secret,
            publishable,
        },
    ) in [(k!("live"), live), (k!("test"), test)]
    {
        Obj::new(keys.key(mode))
            .str(k!("secret"), secret)
            .str(k!("publishable"), publishable)
            .end()?;
    }
    keys.end()?;
    obj.end()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sandbox::cards::{Brand, DeclineCode};
    use crate::sandbox::context::to_json;
    use crate::sandbox::payment_methods::CardDetails;
    use crate::sandbox::payments::{
        NextAction, Payment, PaymentObject, PaymentStatus, TimelineEntry, TimelineKind,
    };
    use chrono::{TimeZone, Utc};
    use std::rc::Rc;

    fn payment_record(behaviour: Behaviour, opens: bool) -> PaymentRecord {
        let at = Utc.with_ymd_and_hms(2026, 4, 15, 10, 30, 0).unwrap();
        PaymentRecord {
            payment: Payment {
                id: "pay_1".into(),
                object: PaymentObject::Payment,
                amount: 2500,
                currency: "EUR".into(),
                status: PaymentStatus::Completed,
                capture: false,
                amount_captured: 2500,
                amount_refunded: 500,
                customer: Some("cust_\"1\\".into()),
                payment_method: None,
                card: Some(CardDetails {
                    brand: Brand::Visa,
                    last4: "4242".into(),
                    exp_month: 12,
                    exp_year: 2030,
                }),
                description: Some("é\u{1}\n".into()),
                failure_code: Some(DeclineCode::CardDeclined),
                failure_message: None,
                cancellation_reason: None,
                next_action: Some(NextAction {
                    kind: "authenticate".into(),
                }),
                dispute: None,
                livemode: true,
                created_at: at,
                authorized_at: Some(at),
                captured_at: None,
                canceled_at: None,
                authorization_expires_at: Some(Utc.with_ymd_and_hms(12026, 1, 1, 0, 0, 0).unwrap()),
                metadata: [("k\"".to_string(), "v".to_string())].into(),
            },
            behaviour,
            timeline: vec![TimelineEntry {
                kind: TimelineKind::Refund,
                at,
                event_id: "evt_1".into(),
                amount: Some(500),
                outcome: Some("succeeded".into()),
                object: None,
            }],
            dispute_opens_at: opens.then_some(at),
        }
    }

    #[test]
    fn payment_records_are_what_serde_writes() {
        for (behaviour, opens) in [
            (Behaviour::Succeeds, false),
            (Behaviour::Declines(DeclineCode::LostCard), true),
            (Behaviour::DisputedLater, true),
            (Behaviour::RequiresAuthentication, false),
            (
                Behaviour::Declines(DeclineCode::AuthenticationFailed),
                false,
            ),
        ] {
            let record = payment_record(behaviour, opens);
            let wire = to_json(&record.payment).unwrap();
            for cached in [Some(wire.as_str()), None] {
                let mut out = Vec::new();
                super::payment_record(&record, cached, &mut out).unwrap();
                assert_eq!(
                    String::from_utf8(out).unwrap(),
                    serde_json::to_string(&record).unwrap()
                );
            }
        }
    }

    #[test]
    fn event_and_idempotency_records_are_what_serde_writes() {
        let at = Utc.with_ymd_and_hms(2026, 4, 15, 10, 30, 0).unwrap();
        for (livemode, request, payment) in [
            (false, None, None),
            (
                true,
                Some(Rc::new(EventRequest {
                    id: "req_1".into(),
                    idempotency_key: Some("k \"\\ 1".into()),
                })),
                Some("pay_1".to_string()),
            ),
        ] {
            let event = EventRecord {
                id: "evt_1".into(),
                event_type: "payment.created".into(),
                created_at: at,
                livemode,
                data: Rc::from(r#"{"id":"pay_1","quote":"\"x\"","n":[1,{"a":null}]}"#),
                request,
                object_id: "pay_1".into(),
                payment,
            };
            let mut out = Vec::new();
            event_record(&event, &mut out).unwrap();
            assert_eq!(
                String::from_utf8(out).unwrap(),
                serde_json::to_string(&event).unwrap()
            );
        }
        let kept = IdempotencyRecord {
            key: "bench-\"x\"-0\\".into(),
            fingerprint: "ab".repeat(32),
            status: 402,
            body: Rc::from(r#"{"error":{"type":"card_error","message":"\u0001"}}"#),
            created_at: at,
            batch: 7,
        };
        let mut out = Vec::new();
        idempotency_record(&kept, &mut out).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            serde_json::to_string(&kept).unwrap()
        );
    }

    #[test]
    fn ledger_ops_and_the_account_are_what_serde_writes() {
        let at = Utc.with_ymd_and_hms(2026, 4, 15, 10, 30, 0).unwrap();
        let activities = [
            Activity::Payment {
                id: "pay_1".into(),
                amount: 2500,
                currency: "EUR".into(),
                at,
            },
            Activity::Refund {
                id: "re_\"1".into(),
                payment_id: "pay_1".into(),
                amount: 500,
                currency: "EUR".into(),
                at: at + chrono::Duration::milliseconds(250),
            },
            Activity::PayoutFailure {
                id: "po_1".into(),
                reason: "x".into(),
                at,
            },
        ];
        let ops = activities
            .into_iter()
            .map(|activity| Op::Apply { activity })
            .chain([Op::Advance { to: at }, Op::BankDetailsStale { stale: true }]);
        for (i, op) in ops.enumerate() {
            let op = LedgerOp {
                id: format!("op_{i:012}"),
                op,
            };
            let mut out = Vec::new();
            ledger_op(&op, &mut out).unwrap();
            assert_eq!(
                String::from_utf8(out).unwrap(),
                serde_json::to_string(&op).unwrap()
            );
        }
        for created_at in [at, at + chrono::Duration::microseconds(1)] {
            let keys = |s: &str| ModeKeys {
                secret: format!("key_{s}1"),
                publishable: format!("key_{s}\"2"),
            };
            let mut acct = Account {
                id: "acct_1".into(),
                created_at,
                next_seq: 0,
                owner_keys: OwnerKeys {
                    live: keys("l"),
                    test: keys("t"),
                },
            };
            let mut out = Vec::new();
            account(&acct, 42, &mut out).unwrap();
            acct.next_seq = 42;
            assert_eq!(
                String::from_utf8(out).unwrap(),
                serde_json::to_string(&acct).unwrap()
            );
        }
    }
}
