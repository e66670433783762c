//! Payouts over the API, from the mode's books: `GET /payouts` (filters `status`,
//! `currency`), `GET /payouts/:id`, and `POST /test_helpers/payouts/:id/fail`, which
//! simulates the bank rejecting the transfer (`payout.failed`; the money returns to the
//! balance and settles again in the next window).

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use crate::error::ApiError;
use crate::sandbox::context::{Ctx, Reply};
use crate::sandbox::ledger::{self, Op};
use crate::sandbox::list;
use crate::sandbox::params::Params;
use crate::settlement::{Activity, Payout, PayoutStatus};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum PayoutObject {
    Payout,
}

#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[cfg_attr(test, ts(rename = "Payout"))]
#[serde(rename_all = "camelCase")]
pub struct PayoutView<'a> {
    #[cfg_attr(test, ts(type = "string"))]
    pub id: &'a str,
    pub object: PayoutObject,
    pub amount: i64,
    #[cfg_attr(test, ts(type = "string"))]
    pub currency: &'a str,
    /// The business day the transfer reaches the bank.
    #[cfg_attr(test, ts(type = "string"))]
    pub arrival_date: NaiveDate,
    #[cfg_attr(test, ts(type = "'pending' | 'paid' | 'failed'"))]
    pub status: PayoutStatus,
    pub failure_reason: Option<&'a str>,
    /// The settlements it pays, oldest first.
    #[cfg_attr(test, ts(type = "string[]"))]
    pub settlements: Vec<&'a str>,
    #[cfg_attr(test, ts(type = "string"))]
    #[serde(with = "crate::sandbox::timefmt")]
    pub created_at: DateTime<Utc>,
    pub livemode: bool,
}

impl<'a> PayoutView<'a> {
    pub fn of(p: &'a Payout, livemode: bool) -> PayoutView<'a> {
        PayoutView {
            id: p.id.as_str(),
            object: PayoutObject::Payout,
            amount: p.amount,
            currency: p.currency.code(),
            arrival_date: p.arrival_date,
            status: p.status,
            failure_reason: p.failure_reason.as_deref(),
            settlements: p.settlements.iter().map(|s| s.as_str()).collect(),
            created_at: p.created_at,
            livemode,
        }
    }
}

/// Answers with the payout `id` as it is now, or 404.
fn reply(ctx: &mut Ctx, id: &str) -> Result<Reply, ApiError> {
    let livemode = ctx.livemode();
    let engine = ledger::engine(ctx)?;
    let payout = engine
        .payout(id)
        .ok_or_else(|| ApiError::not_found("payout", id))?;
    Reply::ok(&PayoutView::of(payout, livemode))
}

pub fn retrieve(ctx: &mut Ctx, params: Params) -> Result<Reply, ApiError> {
    params.finish()?;
    let id = ctx.path_id(0).to_owned();
    reply(ctx, &id)
}

pub fn list(ctx: &mut Ctx, mut params: Params) -> Result<Reply, ApiError> {
    let livemode = ctx.livemode();
    let engine = ledger::engine(ctx)?;
    let payouts = engine.payouts();
    let query = list::read_with(&mut params, "payout", |id| {
        payouts
            .iter()
            .position(|p| p.id.as_str() == id)
            .map(|i| i as u64)
    })?;
    let status = params.choice("status", &["pending", "paid", "failed"])?;
    let currency = params.currency("currency")?;
    params.finish()?;
    let keep = |p: &Payout| {
        status.as_deref().is_none_or(|s| p.status.as_str() == s)
            && currency.is_none_or(|c| p.currency == c)
    };
    let (page, has_more) = list::page_slice(payouts, &query, true, keep);
    let views = page
        .into_iter()
        .map(|p| PayoutView::of(p, livemode))
        .collect();
    list::reply_views(views, has_more, "/v1/payouts")
}

/// `POST /test_helpers/payouts/:id/fail` (`reason`, default `stale_bank_details`).
pub fn fail_for_test(ctx: &mut Ctx, mut params: Params) -> Result<Reply, ApiError> {
    let reason = params
        .string("reason", 64)?
        .unwrap_or_else(|| "stale_bank_details".to_owned());
    params.finish()?;
    if reason.is_empty() || !reason.bytes().all(|b| b.is_ascii_lowercase() || b == b'_') {
        return Err(ApiError::invalid_param(
            "reason",
            "parameter_invalid",
            "'reason' is a short code of lowercase letters and underscores (stale_bank_details)",
        ));
    }
    let id = ctx.path_id(0).to_owned();
    let status = ledger::engine(ctx)?
        .payout(&id)
        .ok_or_else(|| ApiError::not_found("payout", &id))?
        .status;
    if status == PayoutStatus::Failed {
        return Err(ApiError::invalid_param(
            "id",
            "payout_already_failed",
            "this payout has failed already",
        ));
    }
    let at = ctx.now;
    ledger::apply(
        ctx,
        Op::Apply {
            activity: Activity::PayoutFailure {
                id: id.clone(),
                reason,
                at,
            },
        },
    )?;
    reply(ctx, &id)
}
