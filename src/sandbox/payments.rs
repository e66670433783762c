//! Payments: create, retrieve, list (with search and stacked filters), capture, cancel, the
//! timeline, and the 3-D Secure test helper.
//!
//! `requires_action` → `authorized` → `completed`, or `failed` (with `failureCode`), or
//! `canceled`. `capture: false` only authorizes; a capture may be partial; an authorization
//! not captured in 7 days expires (canceled, `authorization_expired`). A declined card stores
//! the payment as `failed` and answers 402 with the card error, naming the payment.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::error::ApiError;
use crate::ids::IdPrefix;
use crate::sandbox::cards::{Behaviour, DeclineCode};
use crate::sandbox::context::{Ctx, Reply};
use crate::sandbox::customers::{self, Customer};
use crate::sandbox::events;
use crate::sandbox::ledger;
use crate::sandbox::params::Params;
use crate::sandbox::payment_methods::{CardDetails, PaymentMethodRecord};
use crate::sandbox::store::{stored_record, Job, JobKind};
pub use crate::sandbox::timeline::{add_timeline, TimelineEntry, TimelineKind};
use crate::settlement::Activity;

/// How long an authorization may wait for its capture.
pub const AUTHORIZATION_DAYS: i64 = 7;
/// When the dispute test card's dispute opens, after capture.
pub const DISPUTE_AFTER_DAYS: i64 = 1;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum PaymentObject {
    Payment,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum PaymentStatus {
    RequiresAction,
    Authorized,
    Completed,
    Failed,
    Canceled,
}

impl PaymentStatus {
    pub const ALL: [(&'static str, PaymentStatus); 5] = [
        ("requires_action", PaymentStatus::RequiresAction),
        ("authorized", PaymentStatus::Authorized),
        ("completed", PaymentStatus::Completed),
        ("failed", PaymentStatus::Failed),
        ("canceled", PaymentStatus::Canceled),
    ];
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct NextAction {
    /// `authenticate`: 3-D Secure (in the sandbox, `POST /test_helpers/payments/:id/authenticate`).
    #[serde(rename = "type")]
    pub kind: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Payment {
    pub id: String,
    pub object: PaymentObject,
    pub amount: i64,
    pub currency: String,
    pub status: PaymentStatus,
    /// Whether a successful authorization is captured at once.
    pub capture: bool,
    pub amount_captured: i64,
    pub amount_refunded: i64,
    pub customer: Option<String>,
    pub payment_method: Option<String>,
    pub card: Option<CardDetails>,
    pub description: Option<String>,
    pub failure_code: Option<DeclineCode>,
    pub failure_message: Option<String>,
    pub cancellation_reason: Option<String>,
    pub next_action: Option<NextAction>,
    /// The dispute opened against this payment, if any.
    pub dispute: Option<String>,
    pub livemode: bool,
    #[cfg_attr(test, ts(type = "string"))]
    #[serde(with = "crate::sandbox::timefmt")]
    pub created_at: DateTime<Utc>,
    #[cfg_attr(test, ts(type = "string | null"))]
    #[serde(with = "crate::sandbox::timefmt::option")]
    pub authorized_at: Option<DateTime<Utc>>,
    #[cfg_attr(test, ts(type = "string | null"))]
    #[serde(with = "crate::sandbox::timefmt::option")]
    pub captured_at: Option<DateTime<Utc>>,
    #[cfg_attr(test, ts(type = "string | null"))]
    #[serde(with = "crate::sandbox::timefmt::option")]
    pub canceled_at: Option<DateTime<Utc>>,
    /// When an uncaptured authorization expires.
    #[cfg_attr(test, ts(type = "string | null"))]
    #[serde(with = "crate::sandbox::timefmt::option")]
    pub authorization_expires_at: Option<DateTime<Utc>>,
    pub metadata: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PaymentRecord {
    pub payment: Payment,
    pub behaviour: Behaviour,
    pub timeline: Vec<TimelineEntry>,
    /// When the dispute test card's dispute opens (until it has).
    #[serde(with = "crate::sandbox::timefmt::option")]
    pub dispute_opens_at: Option<DateTime<Utc>>,
}

stored_record!(PaymentRecord, Payment, payments, |this| key: &this.payment.id, {
    fn wire_json(&self) -> Result<String, ApiError> {
        crate::sandbox::wire_json::payment(&self.payment)
    }
    fn write_stored(
        &self,
        wire: Option<&str>,
        out: &mut Vec<u8>,
    ) -> Result<(), ApiError> {
        crate::sandbox::stored_json::payment_record(self, wire, out)
    }
});

fn unexpected_state(payment: &Payment, action: &str) -> ApiError {
    let status = serde_json::to_value(payment.status)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default();
    ApiError::invalid_request(
        400,
        "payment_unexpected_state",
        format!("cannot {action} a payment whose status is {status}"),
    )
}

/// A timeline step of the payment itself (refunds and disputes add their own).
struct Step {
    kind: TimelineKind,
    amount: Option<i64>,
    outcome: String,
}

fn step(kind: TimelineKind, amount: Option<i64>, outcome: &str) -> Option<Step> {
    Some(Step {
        kind,
        amount,
        outcome: outcome.to_owned(),
    })
}

/// Emits `event_type` with the payment as it is now, and adds a timeline step for it.
fn record_step(
    ctx: &mut Ctx,
    id: &str,
    event_type: &'static str,
    step: Option<Step>,
) -> Result<(), ApiError> {
    let event_id = ctx.emit_stored::<PaymentRecord>(event_type, id, Some(id))?;
    if let Some(step) = step {
        let at = ctx.now;
        ctx.modify_unshown::<PaymentRecord>(id)?
            .timeline
            .push(TimelineEntry {
                kind: step.kind,
                at,
                event_id,
                amount: step.amount,
                outcome: Some(step.outcome),
                object: None,
            });
    }
    Ok(())
}

pub fn job_for_expiry(seq: u64, record: &PaymentRecord) -> Option<Job> {
    match (
        record.payment.status,
        record.payment.authorization_expires_at,
    ) {
        (PaymentStatus::Authorized, Some(due)) => Some(Job {
            due,
            seq,
            kind: JobKind::ExpireAuthorization,
            id: record.payment.id.clone(),
        }),
        _ => None,
    }
}

pub fn job_for_dispute(seq: u64, record: &PaymentRecord) -> Option<Job> {
    record.dispute_opens_at.map(|due| Job {
        due,
        seq,
        kind: JobKind::OpenDispute,
        id: record.payment.id.clone(),
    })
}

fn schedule(ctx: &mut Ctx, job: Option<Job>) {
    if let Some(job) = job {
        ctx.store.mode_mut(ctx.mode).jobs.insert(job);
    }
}

fn reschedule(ctx: &mut Ctx, id: &str) -> Result<(), ApiError> {
    let seq = ctx.store.mode(ctx.mode).payments.seq_of(id).unwrap_or(0);
    let record = ctx.find::<PaymentRecord>(id, "payment")?;
    let jobs = [job_for_expiry(seq, record), job_for_dispute(seq, record)];
    for job in jobs {
        schedule(ctx, job);
    }
    Ok(())
}

/// Moves an authorized payment to `completed` for `amount`, crediting its customer.
fn capture_now(ctx: &mut Ctx, id: &str, amount: i64) -> Result<(), ApiError> {
    let now = ctx.now;
    let currency = ctx
        .find::<PaymentRecord>(id, "payment")?
        .payment
        .currency
        .clone();
    // The books first: should they refuse, nothing has changed yet.
    ledger::record(
        ctx,
        Activity::Payment {
            id: id.to_owned(),
            amount,
            currency,
            at: now,
        },
    )?;
    let (customer, currency, disputes_later) = {
        let r = ctx.modify::<PaymentRecord>(id)?;
        r.payment.status = PaymentStatus::Completed;
        r.payment.amount_captured = amount;
        r.payment.captured_at = Some(now);
        r.payment.authorization_expires_at = None;
        if r.behaviour == Behaviour::DisputedLater {
            r.dispute_opens_at = Some(now + Duration::days(DISPUTE_AFTER_DAYS));
        }
        (
            r.payment.customer.clone(),
            r.payment.currency.clone(),
            r.dispute_opens_at.is_some(),
        )
    };
    if let Some(c) = customer {
        customers::add_volume(ctx, &c, &currency, amount)?;
    }
    record_step(
        ctx,
        id,
        "payment.completed",
        step(TimelineKind::Capture, Some(amount), "succeeded"),
    )?;
    if disputes_later {
        reschedule(ctx, id)?;
    }
    Ok(())
}

/// A successful authorization: captured at once or held for a capture.
fn authorize(ctx: &mut Ctx, id: &str) -> Result<(), ApiError> {
    let now = ctx.now;
    let (capture, amount) = {
        let r = ctx.modify::<PaymentRecord>(id)?;
        r.payment.status = PaymentStatus::Authorized;
        r.payment.authorized_at = Some(now);
        r.payment.next_action = None;
        if !r.payment.capture {
            r.payment.authorization_expires_at = Some(now + Duration::days(AUTHORIZATION_DAYS));
        }
        (r.payment.capture, r.payment.amount)
    };
    if capture {
        // One step for both: the authorization's event is the completion's.
        capture_now(ctx, id, amount)?;
        let r = ctx.modify_unshown::<PaymentRecord>(id)?;
        if let Some(capture_step) = r.timeline.last().cloned() {
            let auth = TimelineEntry {
                kind: TimelineKind::Authorization,
                outcome: Some("succeeded".into()),
                ..capture_step
            };
            let at = r.timeline.len() - 1;
            r.timeline.insert(at, auth);
        }
        Ok(())
    } else {
        record_step(
            ctx,
            id,
            "payment.authorized",
            step(TimelineKind::Authorization, Some(amount), "succeeded"),
        )?;
        reschedule(ctx, id)
    }
}

/// Marks the payment `failed` with `code` and emits `payment.failed` with its timeline `step`.
fn fail(ctx: &mut Ctx, id: &str, code: DeclineCode, step: Option<Step>) -> Result<(), ApiError> {
    {
        let r = ctx.modify::<PaymentRecord>(id)?;
        r.payment.status = PaymentStatus::Failed;
        r.payment.failure_code = Some(code);
        r.payment.failure_message = Some(code.message().to_owned());
        r.payment.next_action = None;
    }
    record_step(ctx, id, "payment.failed", step)
}

/// A decline: the payment is stored as failed and the request answers 402.
fn decline(ctx: &mut Ctx, id: &str, code: DeclineCode) -> Result<(), ApiError> {
    fail(
        ctx,
        id,
        code,
        step(TimelineKind::Failure, None, code.as_str()),
    )?;
    Err(ApiError::card_declined(code.as_str(), code.message(), id))
}

pub fn create(ctx: &mut Ctx, mut params: Params) -> Result<Reply, ApiError> {
    let amount = params.amount("amount")?.ok_or_else(|| {
        ApiError::invalid_param(
            "amount",
            "parameter_missing",
            "missing required parameter 'amount'",
        )
    })?;
    let currency = params.currency("currency")?.ok_or_else(|| {
        ApiError::invalid_param(
            "currency",
            "parameter_missing",
            "missing required parameter 'currency'",
        )
    })?;
    let customer = params.id("customer", IdPrefix::Customer)?;
    let method = params.id("paymentMethod", IdPrefix::PaymentMethod)?;
    let capture = params.boolean("capture")?.unwrap_or(true);
    let description = params.string("description", 1000)?;
    let metadata = params.metadata()?.unwrap_or_default();
    params.finish()?;

    if let Some(c) = &customer {
        ctx.find_param::<Customer>(c, "customer", "customer")?;
    }
    let method = match method {
        Some(m) => m,
        None => customer
            .as_deref()
            .and_then(|c| ctx.get::<Customer>(c))
            .and_then(|c| c.default_payment_method.clone())
            .ok_or_else(|| {
                ApiError::invalid_param(
                    "paymentMethod",
                    "parameter_missing",
                    "missing required parameter 'paymentMethod' (or a customer with a default payment method)",
                )
            })?,
    };
    let pm = ctx.find_param::<PaymentMethodRecord>(&method, "paymentMethod", "payment_method")?;
    let customer = match (customer, &pm.method.customer) {
        (Some(c), Some(owner)) if c != *owner => {
            return Err(ApiError::invalid_param(
                "paymentMethod",
                "payment_method_customer_mismatch",
                "this payment method is attached to another customer",
            ))
        }
        (Some(c), _) => Some(c),
        (None, owner) => owner.clone(),
    };
    let (behaviour, card) = (pm.behaviour, pm.method.card.clone());

    let id = ctx.new_id(IdPrefix::Payment);
    let payment = Payment {
        id: id.clone(),
        object: PaymentObject::Payment,
        amount,
        currency: currency.code().to_owned(),
        status: PaymentStatus::RequiresAction,
        capture,
        amount_captured: 0,
        amount_refunded: 0,
        customer,
        payment_method: Some(method),
        card: Some(card),
        description,
        failure_code: None,
        failure_message: None,
        cancellation_reason: None,
        next_action: None,
        dispute: None,
        livemode: ctx.livemode(),
        created_at: ctx.now,
        authorized_at: None,
        captured_at: None,
        canceled_at: None,
        authorization_expires_at: None,
        metadata,
    };
    ctx.insert(PaymentRecord {
        payment,
        behaviour,
        timeline: Vec::new(),
        dispute_opens_at: None,
    });
    // First in the log, but its data is the payment as this call answers it (filled in below).
    let created = events::record(ctx, "payment.created".into(), "null".into(), &id, Some(&id))?;
    let outcome = match behaviour {
        Behaviour::Declines(code) => decline(ctx, &id, code),
        Behaviour::RequiresAuthentication => {
            ctx.modify::<PaymentRecord>(&id)?.payment.next_action = Some(NextAction {
                kind: "authenticate".into(),
            });
            record_step(
                ctx,
                &id,
                "payment.requires_action",
                step(TimelineKind::ThreeDSecure, None, "required"),
            )
        }
        Behaviour::Succeeds | Behaviour::DisputedLater => authorize(ctx, &id),
    };
    let payment = ctx.json::<PaymentRecord>(&id)?;
    events::set_data(ctx, &created, payment.clone())?;
    outcome?;
    Ok(Reply::json(payment))
}

pub fn retrieve(ctx: &mut Ctx, params: Params) -> Result<Reply, ApiError> {
    params.finish()?;
    let id = ctx.path_id(0).to_owned();
    ctx.find::<PaymentRecord>(&id, "payment")?;
    ctx.reply::<PaymentRecord>(&id)
}

pub fn capture(ctx: &mut Ctx, mut params: Params) -> Result<Reply, ApiError> {
    let amount = params.amount("amount")?;
    params.finish()?;
    let id = ctx.path_id(0).to_owned();
    let payment = &ctx.find::<PaymentRecord>(&id, "payment")?.payment;
    if payment.status != PaymentStatus::Authorized {
        return Err(unexpected_state(payment, "capture"));
    }
    let amount = amount.unwrap_or(payment.amount);
    if amount > payment.amount {
        return Err(ApiError::invalid_param(
            "amount",
            "amount_exceeds_authorized",
            format!(
                "the capture amount is above the authorized {}",
                payment.amount
            ),
        ));
    }
    capture_now(ctx, &id, amount)?;
    ctx.reply::<PaymentRecord>(&id)
}

/// Cancels a payment that is waiting (for 3-D Secure or for its capture).
pub fn cancel(ctx: &mut Ctx, mut params: Params) -> Result<Reply, ApiError> {
    let reason = params.choice(
        "reason",
        &[
            "requested_by_customer",
            "duplicate",
            "fraudulent",
            "abandoned",
        ],
    )?;
    params.finish()?;
    let id = ctx.path_id(0).to_owned();
    let payment = &ctx.find::<PaymentRecord>(&id, "payment")?.payment;
    if !matches!(
        payment.status,
        PaymentStatus::RequiresAction | PaymentStatus::Authorized
    ) {
        return Err(unexpected_state(payment, "cancel"));
    }
    cancel_now(
        ctx,
        &id,
        reason.unwrap_or_else(|| "requested_by_customer".into()),
    )?;
    ctx.reply::<PaymentRecord>(&id)
}

fn cancel_now(ctx: &mut Ctx, id: &str, reason: String) -> Result<(), ApiError> {
    let now = ctx.now;
    {
        let r = ctx.modify::<PaymentRecord>(id)?;
        r.payment.status = PaymentStatus::Canceled;
        r.payment.canceled_at = Some(now);
        r.payment.cancellation_reason = Some(reason.clone());
        r.payment.next_action = None;
        r.payment.authorization_expires_at = None;
    }
    record_step(
        ctx,
        id,
        "payment.canceled",
        step(TimelineKind::Cancellation, None, &reason),
    )
}

/// The clock's job: an authorization still uncaptured at its expiry is canceled.
pub fn expire_authorization(ctx: &mut Ctx, id: &str) -> Result<(), ApiError> {
    match ctx.get::<PaymentRecord>(id) {
        Some(r)
            if r.payment.status == PaymentStatus::Authorized
                && r.payment
                    .authorization_expires_at
                    .is_some_and(|t| t <= ctx.now) =>
        {
            cancel_now(ctx, id, "authorization_expired".into())
        }
        _ => Ok(()),
    }
}

/// `POST /test_helpers/payments/:id/authenticate` with `outcome: succeed|fail`.
pub fn authenticate(ctx: &mut Ctx, mut params: Params) -> Result<Reply, ApiError> {
    let outcome = params
        .choice("outcome", &["succeed", "fail"])?
        .ok_or_else(|| {
            ApiError::invalid_param(
                "outcome",
                "parameter_missing",
                "missing required parameter 'outcome' ('succeed' or 'fail')",
            )
        })?;
    params.finish()?;
    let id = ctx.path_id(0).to_owned();
    let payment = &ctx.find::<PaymentRecord>(&id, "payment")?.payment;
    if payment.status != PaymentStatus::RequiresAction {
        return Err(unexpected_state(payment, "authenticate"));
    }
    let at = ctx.now;
    if outcome == "fail" {
        fail(
            ctx,
            &id,
            DeclineCode::AuthenticationFailed,
            step(TimelineKind::ThreeDSecure, None, "failed"),
        )?;
    } else {
        authorize(ctx, &id)?;
        let r = ctx.modify_unshown::<PaymentRecord>(&id)?;
        let event_id = r
            .timeline
            .last()
            .map(|e| e.event_id.clone())
            .unwrap_or_default();
        let first_after = r
            .timeline
            .iter()
            .rposition(|e| e.kind == TimelineKind::ThreeDSecure)
            .map_or(0, |i| i + 1);
        r.timeline.insert(
            first_after,
            TimelineEntry {
                kind: TimelineKind::ThreeDSecure,
                at,
                event_id,
                amount: None,
                outcome: Some("succeeded".into()),
                object: None,
            },
        );
    }
    ctx.reply::<PaymentRecord>(&id)
}
