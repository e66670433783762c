//! Refunds: full or partial, repeatable until the captured amount is exhausted, and
//! irreversible. Each emits `refund.created` and `payment.refunded`.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::error::ApiError;
use crate::ids::IdPrefix;
use crate::sandbox::context::{Ctx, Reply};
use crate::sandbox::customers;
use crate::sandbox::disputes::Dispute;
use crate::sandbox::ledger;
use crate::sandbox::list;
use crate::sandbox::params::{check_id, Params};
use crate::sandbox::payments::{self, PaymentRecord, PaymentStatus, TimelineEntry, TimelineKind};
use crate::sandbox::store::stored_record;
use crate::settlement::Activity;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum RefundObject {
    Refund,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum RefundStatus {
    Succeeded,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Refund {
    pub id: String,
    pub object: RefundObject,
    pub payment: String,
    pub amount: i64,
    pub currency: String,
    pub status: RefundStatus,
    pub reason: Option<String>,
    pub livemode: bool,
    #[cfg_attr(test, ts(type = "string"))]
    #[serde(with = "crate::sandbox::timefmt")]
    pub created_at: DateTime<Utc>,
    pub metadata: BTreeMap<String, String>,
}

stored_record!(Refund, Refund, refunds, |this| key: &this.id, wire: itself by crate::sandbox::wire_json::refund);

pub fn create(ctx: &mut Ctx, mut params: Params) -> Result<Reply, ApiError> {
    let payment_id = params.required_string("payment", 80)?;
    let payment_id = check_id("payment", &payment_id, IdPrefix::Payment)?;
    let amount = params.amount("amount")?;
    let reason = params.choice(
        "reason",
        &["duplicate", "fraudulent", "requested_by_customer"],
    )?;
    let metadata = params.metadata()?.unwrap_or_default();
    params.finish()?;

    let payment = &ctx
        .find_param::<PaymentRecord>(&payment_id, "payment", "payment")?
        .payment;
    if payment.status != PaymentStatus::Completed {
        return Err(ApiError::invalid_param(
            "payment",
            "payment_not_captured",
            "only a completed (captured) payment can be refunded; cancel an authorization instead",
        ));
    }
    // What a dispute claims is not refundable as well (the books hold refunds plus disputes
    // to the captured amount).
    let disputed = payment
        .dispute
        .as_deref()
        .and_then(|d| ctx.get::<Dispute>(d))
        .map_or(0, |d| d.amount);
    let refundable = payment.amount_captured - payment.amount_refunded - disputed;
    let amount = amount.unwrap_or(refundable);
    if refundable <= 0 || amount > refundable {
        return Err(ApiError::invalid_param(
            "amount",
            "amount_exceeds_refundable",
            format!(
                "the refund amount is above what remains refundable ({refundable} of {} captured)",
                payment.amount_captured
            ),
        ));
    }
    let (currency, customer) = (payment.currency.clone(), payment.customer.clone());
    let refund = Refund {
        id: ctx.new_id(IdPrefix::Refund),
        object: RefundObject::Refund,
        payment: payment_id.clone(),
        amount,
        currency: currency.clone(),
        status: RefundStatus::Succeeded,
        reason,
        livemode: ctx.livemode(),
        created_at: ctx.now,
        metadata,
    };
    ledger::record(
        ctx,
        Activity::Refund {
            id: refund.id.clone(),
            payment_id: payment_id.clone(),
            amount,
            currency: currency.clone(),
            at: refund.created_at,
        },
    )?;
    ctx.insert(refund.clone());
    ctx.modify::<PaymentRecord>(&payment_id)?
        .payment
        .amount_refunded += amount;
    if let Some(c) = customer {
        customers::add_volume(ctx, &c, &currency, -amount)?;
    }
    ctx.emit_stored::<Refund>("refund.created", &refund.id, Some(&payment_id))?;
    let event_id =
        ctx.emit_stored::<PaymentRecord>("payment.refunded", &payment_id, Some(&payment_id))?;
    let at = ctx.now;
    payments::add_timeline(
        ctx,
        &payment_id,
        TimelineEntry {
            kind: TimelineKind::Refund,
            at,
            event_id,
            amount: Some(amount),
            outcome: Some("succeeded".into()),
            object: Some(refund.id.clone()),
        },
    )?;
    ctx.reply::<Refund>(&refund.id)
}

pub fn retrieve(ctx: &mut Ctx, params: Params) -> Result<Reply, ApiError> {
    params.finish()?;
    let id = ctx.path_id(0).to_owned();
    ctx.find::<Refund>(&id, "refund")?;
    ctx.reply::<Refund>(&id)
}

pub fn list(ctx: &mut Ctx, mut params: Params) -> Result<Reply, ApiError> {
    let refunds = &ctx.store.mode(ctx.mode).refunds;
    let query = list::read(&mut params, refunds)?;
    let payment = params.id("payment", IdPrefix::Payment)?;
    params.finish()?;
    let (page, has_more) = list::page(refunds, &query, |r| {
        payment.as_deref().is_none_or(|p| r.payment == p)
    });
    list::reply(refunds, &page, has_more, "/v1/refunds")
}
