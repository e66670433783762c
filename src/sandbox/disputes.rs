//! Disputes: opened by the dispute test card a simulated day after capture (or by
//! `POST /test_helpers/payments/:id/dispute`), answered once with evidence before `dueBy`,
//! lost when the clock passes `dueBy` without it, and decided by
//! `POST /test_helpers/disputes/:id/close`.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::error::ApiError;
use crate::ids::IdPrefix;
use crate::sandbox::context::{Ctx, Reply};
use crate::sandbox::ledger;
use crate::sandbox::list;
use crate::sandbox::params::Params;
use crate::sandbox::payments::{self, PaymentRecord, PaymentStatus, TimelineEntry, TimelineKind};
use crate::sandbox::store::{stored_record, Job, JobKind};
use crate::settlement::{Activity, Outcome};

/// How long a merchant has to respond.
pub const RESPONSE_DAYS: i64 = 7;
const REASONS: [&str; 7] = [
    "fraudulent",
    "duplicate",
    "product_not_received",
    "product_unacceptable",
    "subscription_canceled",
    "credit_not_processed",
    "general",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum DisputeObject {
    Dispute,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum DisputeStatus {
    NeedsResponse,
    UnderReview,
    Won,
    Lost,
}

impl DisputeStatus {
    fn as_str(self) -> &'static str {
        match self {
            DisputeStatus::NeedsResponse => "needs_response",
            DisputeStatus::UnderReview => "under_review",
            DisputeStatus::Won => "won",
            DisputeStatus::Lost => "lost",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Evidence {
    pub text: String,
    pub files: Vec<String>,
    #[cfg_attr(test, ts(type = "string"))]
    #[serde(with = "crate::sandbox::timefmt")]
    pub submitted_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Dispute {
    pub id: String,
    pub object: DisputeObject,
    pub payment: String,
    pub amount: i64,
    pub currency: String,
    pub reason: String,
    pub status: DisputeStatus,
    #[cfg_attr(test, ts(type = "string"))]
    #[serde(with = "crate::sandbox::timefmt")]
    pub due_by: DateTime<Utc>,
    pub evidence: Option<Evidence>,
    pub livemode: bool,
    #[cfg_attr(test, ts(type = "string"))]
    #[serde(with = "crate::sandbox::timefmt")]
    pub created_at: DateTime<Utc>,
    #[cfg_attr(test, ts(type = "string | null"))]
    #[serde(with = "crate::sandbox::timefmt::option")]
    pub closed_at: Option<DateTime<Utc>>,
}

stored_record!(Dispute, Dispute, disputes, |this| key: &this.id, wire: itself);

pub fn job_for_deadline(seq: u64, dispute: &Dispute) -> Option<Job> {
    (dispute.status == DisputeStatus::NeedsResponse).then(|| Job {
        due: dispute.due_by,
        seq,
        kind: JobKind::DisputeDeadline,
        id: dispute.id.clone(),
    })
}

/// Emits `event_type` for the dispute as it is now and adds the step to its payment's
/// timeline.
fn record_step(ctx: &mut Ctx, dispute: &Dispute, event_type: &'static str) -> Result<(), ApiError> {
    let event_id = ctx.emit_stored::<Dispute>(event_type, &dispute.id, Some(&dispute.payment))?;
    let at = ctx.now;
    payments::add_timeline(
        ctx,
        &dispute.payment,
        TimelineEntry {
            kind: TimelineKind::Dispute,
            at,
            event_id,
            amount: Some(dispute.amount),
            outcome: Some(dispute.status.as_str().into()),
            object: Some(dispute.id.clone()),
        },
    )
}

/// Opens a dispute on a completed payment; `amount` defaults to what was not refunded.
fn open(
    ctx: &mut Ctx,
    payment_id: &str,
    reason: String,
    amount: Option<i64>,
) -> Result<Dispute, ApiError> {
    let payment = &ctx.find::<PaymentRecord>(payment_id, "payment")?.payment;
    if payment.status != PaymentStatus::Completed {
        return Err(ApiError::invalid_request(
            400,
            "payment_not_captured",
            "only a completed payment can be disputed",
        ));
    }
    if payment.dispute.is_some() {
        return Err(ApiError::invalid_request(
            400,
            "payment_already_disputed",
            "this payment already has a dispute",
        ));
    }
    let disputable = payment.amount_captured - payment.amount_refunded;
    let currency = payment.currency.clone();
    let amount = amount.unwrap_or(disputable);
    if disputable <= 0 || amount > disputable {
        return Err(ApiError::invalid_param(
            "amount",
            "amount_exceeds_disputable",
            format!("at most {disputable} of this payment can be disputed"),
        ));
    }
    let dispute = Dispute {
        id: ctx.new_id(IdPrefix::Dispute),
        object: DisputeObject::Dispute,
        payment: payment_id.to_owned(),
        amount,
        currency,
        reason,
        status: DisputeStatus::NeedsResponse,
        due_by: ctx.now + Duration::days(RESPONSE_DAYS),
        evidence: None,
        livemode: ctx.livemode(),
        created_at: ctx.now,
        closed_at: None,
    };
    ledger::record(
        ctx,
        Activity::Dispute {
            id: dispute.id.clone(),
            payment_id: payment_id.to_owned(),
            amount,
            currency: dispute.currency.clone(),
            at: dispute.created_at,
        },
    )?;
    let seq = ctx.insert(dispute.clone());
    ctx.modify::<PaymentRecord>(payment_id)?.payment.dispute = Some(dispute.id.clone());
    record_step(ctx, &dispute, "dispute.created")?;
    if let Some(job) = job_for_deadline(seq, &dispute) {
        ctx.store.mode_mut(ctx.mode).jobs.insert(job);
    }
    Ok(dispute)
}

/// The clock's job for the dispute test card.
pub fn open_from_card(ctx: &mut Ctx, payment_id: &str) -> Result<(), ApiError> {
    let due = match ctx.get::<PaymentRecord>(payment_id) {
        Some(r) => r.dispute_opens_at,
        None => return Ok(()),
    };
    if due.is_none_or(|t| t > ctx.now) {
        return Ok(());
    }
    ctx.modify_unshown::<PaymentRecord>(payment_id)?
        .dispute_opens_at = None;
    let open_now = ctx.get::<PaymentRecord>(payment_id).is_some_and(|r| {
        r.payment.dispute.is_none() && r.payment.amount_captured > r.payment.amount_refunded
    });
    if open_now {
        open(ctx, payment_id, "fraudulent".into(), None)?;
    }
    Ok(())
}

fn close(ctx: &mut Ctx, id: &str, status: DisputeStatus) -> Result<Dispute, ApiError> {
    let now = ctx.now;
    let outcome = match status {
        DisputeStatus::Won => Some(Outcome::Won),
        DisputeStatus::Lost => Some(Outcome::Lost),
        _ => None,
    };
    if let Some(outcome) = outcome {
        let activity = Activity::DisputeResolution {
            id: id.to_owned(),
            outcome,
            at: now,
        };
        ledger::record(ctx, activity)?;
    }
    let dispute = {
        let d = ctx.modify::<Dispute>(id)?;
        d.status = status;
        d.closed_at = Some(now);
        d.clone()
    };
    record_step(ctx, &dispute, "dispute.closed")?;
    Ok(dispute)
}

/// The clock's job: no evidence by `dueBy` loses the dispute.
pub fn pass_deadline(ctx: &mut Ctx, id: &str) -> Result<(), ApiError> {
    match ctx.get::<Dispute>(id) {
        Some(d) if d.status == DisputeStatus::NeedsResponse && d.due_by <= ctx.now => {
            close(ctx, id, DisputeStatus::Lost).map(|_| ())
        }
        _ => Ok(()),
    }
}

pub fn submit_evidence(ctx: &mut Ctx, mut params: Params) -> Result<Reply, ApiError> {
    let text = params.required_string("text", 20_000)?;
    if text.trim().is_empty() {
        return Err(ApiError::invalid_param(
            "text",
            "parameter_invalid",
            "'text' must not be empty",
        ));
    }
    let files = params.string_list("files", 5, 255)?.unwrap_or_default();
    params.finish()?;
    let id = ctx.path_id(0).to_owned();
    let dispute = ctx.find::<Dispute>(&id, "dispute")?;
    if ctx.now > dispute.due_by {
        return Err(ApiError::invalid_request(
            400,
            "dispute_deadline_passed",
            "the response deadline (dueBy) has passed",
        ));
    }
    match dispute.status {
        DisputeStatus::NeedsResponse => {}
        DisputeStatus::UnderReview => {
            return Err(ApiError::invalid_request(
                400,
                "evidence_already_submitted",
                "evidence was already submitted; it cannot be changed",
            ))
        }
        DisputeStatus::Won | DisputeStatus::Lost => {
            return Err(ApiError::invalid_request(
                400,
                "dispute_closed",
                "this dispute is closed",
            ))
        }
    }
    let now = ctx.now;
    let updated = {
        let d = ctx.modify::<Dispute>(&id)?;
        d.status = DisputeStatus::UnderReview;
        d.evidence = Some(Evidence {
            text,
            files,
            submitted_at: now,
        });
        d.clone()
    };
    record_step(ctx, &updated, "dispute.updated")?;
    ctx.reply::<Dispute>(&id)
}

/// `POST /test_helpers/payments/:id/dispute` (`reason`, `amount`: optional).
pub fn open_for_test(ctx: &mut Ctx, mut params: Params) -> Result<Reply, ApiError> {
    let reason = params
        .choice("reason", &REASONS)?
        .unwrap_or_else(|| "fraudulent".into());
    let amount = params.amount("amount")?;
    params.finish()?;
    let id = ctx.path_id(0).to_owned();
    let dispute = open(ctx, &id, reason, amount)?;
    ctx.reply::<Dispute>(&dispute.id)
}

/// `POST /test_helpers/disputes/:id/close` with `outcome: won|lost`.
pub fn close_for_test(ctx: &mut Ctx, mut params: Params) -> Result<Reply, ApiError> {
    let outcome = params.choice("outcome", &["won", "lost"])?.ok_or_else(|| {
        ApiError::invalid_param(
            "outcome",
            "parameter_missing",
            "missing required parameter 'outcome' ('won' or 'lost')",
        )
    })?;
    params.finish()?;
    let id = ctx.path_id(0).to_owned();
    if matches!(
        ctx.find::<Dispute>(&id, "dispute")?.status,
        DisputeStatus::Won | DisputeStatus::Lost
    ) {
        return Err(ApiError::invalid_request(
            400,
            "dispute_closed",
            "this dispute is already closed",
        ));
    }
    let status = if outcome == "won" {
        DisputeStatus::Won
    } else {
        DisputeStatus::Lost
    };
    close(ctx, &id, status)?;
    ctx.reply::<Dispute>(&id)
}

pub fn retrieve(ctx: &mut Ctx, params: Params) -> Result<Reply, ApiError> {
    params.finish()?;
    let id = ctx.path_id(0).to_owned();
    ctx.find::<Dispute>(&id, "dispute")?;
    ctx.reply::<Dispute>(&id)
}

pub fn list(ctx: &mut Ctx, mut params: Params) -> Result<Reply, ApiError> {
    let disputes = &ctx.store.mode(ctx.mode).disputes;
    let query = list::read(&mut params, disputes)?;
    let payment = params.id("payment", IdPrefix::Payment)?;
    let status = params.choice("status", &["needs_response", "under_review", "won", "lost"])?;
    params.finish()?;
    let (page, has_more) = list::page(disputes, &query, |d| {
        payment.as_deref().is_none_or(|p| d.payment == p)
            && status.as_deref().is_none_or(|s| d.status.as_str() == s)
    });
    list::reply(disputes, &page, has_more, "/v1/disputes")
}
