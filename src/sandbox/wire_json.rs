//! The wire JSON of payments, customers and refunds, written field by field (see
//! `json_out.rs`): each is made once per version, but a payment's life makes several versions
//! of each, and their serialization through serde was a fifth of a request. Each writer
//! destructures its type, so a new field does not compile until it is written here too; the
//! tests check the bytes against serde's.

use crate::error::ApiError;
use crate::sandbox::cards::Brand;
use crate::sandbox::customers::{Customer, CustomerObject};
use crate::sandbox::json_out::{k, push_int, push_str, Obj};
use crate::sandbox::payment_methods::CardDetails;
use crate::sandbox::payments::{NextAction, Payment, PaymentObject, PaymentStatus};
use crate::sandbox::refunds::{Refund, RefundObject, RefundStatus};
use crate::sandbox::timeline::{TimelineEntry, TimelineKind};

fn status(s: PaymentStatus) -> &'static str {
    match s {
        PaymentStatus::RequiresAction => "requires_action",
        PaymentStatus::Authorized => "authorized",
        PaymentStatus::Completed => "completed",
        PaymentStatus::Failed => "failed",
        PaymentStatus::Canceled => "canceled",
    }
}

fn brand(b: Brand) -> &'static str {
    match b {
        Brand::Visa => "visa",
        Brand::Mastercard => "mastercard",
        Brand::Amex => "amex",
        Brand::Discover => "discover",
        Brand::Jcb => "jcb",
        Brand::Diners => "diners",
        Brand::Unionpay => "unionpay",
        Brand::Unknown => "unknown",
    }
}

fn card(out: &mut Vec<u8>, card: &CardDetails) -> Result<(), ApiError> {
    let CardDetails {
        brand: b,
        last4,
        exp_month,
        exp_year,
    } = card;
    Obj::new(out)
        .str(k!("brand"), brand(*b))
        .str(k!("last4"), last4)
        .int(k!("expMonth"), i64::from(*exp_month))
        .int(k!("expYear"), i64::from(*exp_year))
        .end()
}

/// A payment as the API shows it.
pub(crate) fn payment(p: &Payment) -> Result<String, ApiError> {
    let Payment {
        id,
        object,
        amount,
        currency,
        status: s,
        capture,
        amount_captured,
        amount_refunded,
        customer,
        payment_method,
        card: card_details,
        description,
        failure_code,
        failure_message,
        cancellation_reason,
        next_action,
        dispute,
        livemode,
        created_at,
        authorized_at,
        captured_at,
        canceled_at,
        authorization_expires_at,
        metadata,
    } = p;
    let PaymentObject::Payment = object;
    let mut out = Vec::with_capacity(768 + 64 * metadata.len());
    let mut obj = Obj::new(&mut out);
    obj.str(k!("id"), id)
        .str(k!("object"), "payment")
        .int(k!("amount"), *amount)
        .str(k!("currency"), currency)
        .str(k!("status"), status(*s))
        .bool(k!("capture"), *capture)
        .int(k!("amountCaptured"), *amount_captured)
        .int(k!("amountRefunded"), *amount_refunded)
        .opt_str(k!("customer"), customer.as_deref())
        .opt_str(k!("paymentMethod"), payment_method.as_deref());
    let mut failed = Ok(());
    match card_details {
        Some(c) => failed = card(obj.key(k!("card")), c),
        None => obj.key(k!("card")).extend_from_slice(b"null"),
    }
    obj.opt_str(k!("description"), description.as_deref())
        .opt_str(k!("failureCode"), failure_code.map(|c| c.as_str()))
        .opt_str(k!("failureMessage"), failure_message.as_deref())
        .opt_str(k!("cancellationReason"), cancellation_reason.as_deref());
    match next_action {
        Some(NextAction { kind }) => {
            let out = obj.key(k!("nextAction"));
            out.extend_from_slice(b"{\"type\":");
            push_str(out, kind);
            out.push(b'}');
        }
        None => obj.key(k!("nextAction")).extend_from_slice(b"null"),
    }
    obj.opt_str(k!("dispute"), dispute.as_deref())
        .bool(k!("livemode"), *livemode)
        .time(k!("createdAt"), created_at)
        .opt_time(k!("authorizedAt"), authorized_at.as_ref())
        .opt_time(k!("capturedAt"), captured_at.as_ref())
        .opt_time(k!("canceledAt"), canceled_at.as_ref())
        .opt_time(
            k!("authorizationExpiresAt"),
            authorization_expires_at.as_ref(),
        )
        .str_map(k!("metadata"), metadata)
        .end()?;
    failed?;
    crate::sandbox::json_out::into_string(out)
}

/// A customer as the API shows (and stores) it.
pub(crate) fn customer(c: &Customer) -> Result<String, ApiError> {
    let Customer {
        id,
        object,
        email,
        name,
        description,
        phone,
        default_payment_method,
        lifetime_volume,
        livemode,
        created_at,
        metadata,
    } = c;
    let CustomerObject::Customer = object;
    let mut out = Vec::with_capacity(384 + 64 * metadata.len());
    Obj::new(&mut out)
        .str(k!("id"), id)
        .str(k!("object"), "customer")
        .opt_str(k!("email"), email.as_deref())
        .opt_str(k!("name"), name.as_deref())
        .opt_str(k!("description"), description.as_deref())
        .opt_str(k!("phone"), phone.as_deref())
        .opt_str(
            k!("defaultPaymentMethod"),
            default_payment_method.as_deref(),
        )
        .int_map(k!("lifetimeVolume"), lifetime_volume)
        .bool(k!("livemode"), *livemode)
        .time(k!("createdAt"), created_at)
        .str_map(k!("metadata"), metadata)
        .end()?;
    crate::sandbox::json_out::into_string(out)
}

/// A refund as the API shows (and stores) it.
pub(crate) fn refund(r: &Refund) -> Result<String, ApiError> {
    let Refund {
        id,
        object,
        payment,
        amount,
        currency,
        status,
        reason,
        livemode,
        created_at,
        metadata,
    } = r;
    let (RefundObject::Refund, RefundStatus::Succeeded) = (object, status);
    let mut out = Vec::with_capacity(320 + 64 * metadata.len());
    Obj::new(&mut out)
        .str(k!("id"), id)
        .str(k!("object"), "refund")
        .str(k!("payment"), payment)
        .int(k!("amount"), *amount)
        .str(k!("currency"), currency)
        .str(k!("status"), "succeeded")
        .opt_str(k!("reason"), reason.as_deref())
        .bool(k!("livemode"), *livemode)
        .time(k!("createdAt"), created_at)
        .str_map(k!("metadata"), metadata)
        .end()?;
    crate::sandbox::json_out::into_string(out)
}

fn timeline_kind(k: TimelineKind) -> &'static str {
    match k {
        TimelineKind::Authorization => "authorization",
        TimelineKind::ThreeDSecure => "three_d_secure",
        TimelineKind::Capture => "capture",
        TimelineKind::Failure => "failure",
        TimelineKind::Cancellation => "cancellation",
        TimelineKind::Refund => "refund",
        TimelineKind::Dispute => "dispute",
    }
}

/// A payment's timeline, as its record stores it.
pub(crate) fn push_timeline(out: &mut Vec<u8>, entries: &[TimelineEntry]) -> Result<(), ApiError> {
    out.push(b'[');
    for (i, entry) in entries.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        let TimelineEntry {
            kind,
            at,
            event_id,
            amount,
            outcome,
            object,
        } = entry;
        let mut obj = Obj::new(out);
        obj.str(k!("type"), timeline_kind(*kind))
            .time(k!("at"), at)
            .str(k!("eventId"), event_id);
        match amount {
            Some(n) => push_int(obj.key(k!("amount")), *n),
            None => obj.key(k!("amount")).extend_from_slice(b"null"),
        }
        obj.opt_str(k!("outcome"), outcome.as_deref())
            .opt_str(k!("object"), object.as_deref())
            .end()?;
    }
    out.push(b']');
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sandbox::cards::DeclineCode;
    use crate::sandbox::customers::CustomerObject;
    use chrono::{TimeZone, Utc};

    const STATUSES: [PaymentStatus; 5] = [
        PaymentStatus::RequiresAction,
        PaymentStatus::Authorized,
        PaymentStatus::Completed,
        PaymentStatus::Failed,
        PaymentStatus::Canceled,
    ];
    const BRANDS: [Brand; 8] = [
        Brand::Visa,
        Brand::Mastercard,
        Brand::Amex,
        Brand::Discover,
        Brand::Jcb,
        Brand::Diners,
        Brand::Unionpay,
        Brand::Unknown,
    ];
    const DECLINES: [DeclineCode; 8] = [
        DeclineCode::CardDeclined,
        DeclineCode::InsufficientFunds,
        DeclineCode::LostCard,
        DeclineCode::StolenCard,
        DeclineCode::ExpiredCard,
        DeclineCode::IncorrectCvc,
        DeclineCode::ProcessingError,
        DeclineCode::AuthenticationFailed,
    ];
    const KINDS: [TimelineKind; 7] = [
        TimelineKind::Authorization,
        TimelineKind::ThreeDSecure,
        TimelineKind::Capture,
        TimelineKind::Failure,
        TimelineKind::Cancellation,
        TimelineKind::Refund,
        TimelineKind::Dispute,
    ];

    fn payment_of(i: usize, full: bool) -> Payment {
        let at = Utc.with_ymd_and_hms(2026, 4, 15, 10, 30, 0).unwrap();
        let some = |s: &str| full.then(|| s.to_string());
        Payment {
            id: "pay_3Nf91aBcDeFgHiJkLmNoPqRs".into(),
            object: PaymentObject::Payment,
            amount: 2500 + i as i64,
            currency: "EUR".into(),
            status: STATUSES[i % STATUSES.len()],
            capture: full,
            amount_captured: 2500,
            amount_refunded: -1,
            customer: some("cust_\"x\\"),
            payment_method: some("pm_1"),
            card: full.then(|| CardDetails {
                brand: BRANDS[i % BRANDS.len()],
                last4: "4242".into(),
                exp_month: 12,
                exp_year: 2030,
            }),
            description: some("é\u{1}\n</script>"),
            failure_code: full.then(|| DECLINES[i % DECLINES.len()]),
            failure_message: some("The card was declined."),
            cancellation_reason: some("duplicate"),
            next_action: full.then(|| NextAction {
                kind: "authenticate".into(),
            }),
            dispute: some("dp_1"),
            livemode: full,
            created_at: at,
            authorized_at: full.then_some(at),
            captured_at: full.then(|| Utc.with_ymd_and_hms(12026, 1, 1, 0, 0, 0).unwrap()),
            canceled_at: full.then_some(at),
            authorization_expires_at: full.then_some(at),
            metadata: if full {
                [("k\"".into(), "v".into()), ("a".into(), "".into())].into()
            } else {
                Default::default()
            },
        }
    }

    #[test]
    fn payments_are_what_serde_writes() {
        for i in 0..16 {
            for full in [true, false] {
                let p = payment_of(i, full);
                assert_eq!(payment(&p).unwrap(), serde_json::to_string(&p).unwrap());
            }
        }
    }

    #[test]
    fn customers_and_refunds_are_what_serde_writes() {
        let at = Utc.with_ymd_and_hms(2026, 4, 15, 10, 30, 0).unwrap();
        for full in [true, false] {
            let some = |s: &str| full.then(|| s.to_string());
            let c = Customer {
                id: "cust_1".into(),
                object: CustomerObject::Customer,
                email: some("ada@example.com"),
                name: some("Ada \"L\""),
                description: some("d"),
                phone: some("+1"),
                default_payment_method: some("pm_1"),
                lifetime_volume: if full {
                    [("EUR".into(), 2000), ("USD".into(), -5)].into()
                } else {
                    Default::default()
                },
                livemode: full,
                created_at: at,
                metadata: if full {
                    [("k".into(), "v\\".into())].into()
                } else {
                    Default::default()
                },
            };
            assert_eq!(customer(&c).unwrap(), serde_json::to_string(&c).unwrap());
            let r = Refund {
                id: "re_1".into(),
                object: RefundObject::Refund,
                payment: "pay_1".into(),
                amount: 500,
                currency: "EUR".into(),
                status: RefundStatus::Succeeded,
                reason: some("requested_by_customer"),
                livemode: full,
                created_at: at,
                metadata: c.metadata.clone(),
            };
            assert_eq!(refund(&r).unwrap(), serde_json::to_string(&r).unwrap());
        }
    }

    #[test]
    fn timelines_are_what_serde_writes() {
        let at = Utc.with_ymd_and_hms(2026, 4, 15, 10, 30, 0).unwrap();
        let entries: Vec<TimelineEntry> = KINDS
            .iter()
            .enumerate()
            .map(|(i, kind)| TimelineEntry {
                kind: *kind,
                at,
                event_id: format!("evt_{i}"),
                amount: (i % 2 == 0).then_some(-(i as i64) * 100),
                outcome: (i % 3 == 0).then(|| "succeeded".into()),
                object: (i % 2 == 1).then(|| "re_\"1".into()),
            })
            .collect();
        for n in [0, 1, entries.len()] {
            let mut out = Vec::new();
            push_timeline(&mut out, &entries[..n]).unwrap();
            assert_eq!(
                String::from_utf8(out).unwrap(),
                serde_json::to_string(&entries[..n]).unwrap()
            );
        }
    }
}
