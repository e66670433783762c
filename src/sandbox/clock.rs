//! Time. Each mode's clock is the host clock plus, in test mode, every
//! `POST /test_helpers/clock/advance` so far: objects look current, and jump when advanced.
//! Whatever is due (authorization expiry, dispute openings and deadlines, webhook retries and
//! failing endpoints) runs in due order before a request of its mode is handled (and before a
//! webhook delivery's outcome is recorded), each at its own due time.

use chrono::{DateTime, Duration, DurationRound, Utc};
use serde::Serialize;

use crate::error::ApiError;
use crate::keys::Mode;
use crate::sandbox::context::{Ctx, Reply};
use crate::sandbox::deliveries;
use crate::sandbox::disputes;
use crate::sandbox::ledger::{self, Op};
use crate::sandbox::params::Params;
use crate::sandbox::payments;
use crate::sandbox::store::{JobKind, Store};
use crate::sandbox::webhook_endpoints;

/// Five years: enough for any deadline the sandbox simulates.
pub const MAX_ADVANCE_SECONDS: i64 = 5 * 365 * 24 * 3600;

/// The mode's current time, to the second, never earlier than a time it already answered.
pub fn mode_now(store: &mut Store, mode: Mode, host_now: DateTime<Utc>) -> DateTime<Utc> {
    let state = store.mode_mut(mode);
    let shifted = host_now
        .checked_add_signed(Duration::milliseconds(state.clock_offset_ms))
        .unwrap_or(host_now);
    let whole = shifted
        .duration_trunc(Duration::seconds(1))
        .unwrap_or(shifted);
    let now = state.last_now.map_or(whole, |last| last.max(whole));
    state.last_now = Some(now);
    now
}

/// Runs everything of the context's mode that is due at `ctx.now` in time order: its jobs,
/// and the books' window closes and payouts. At equal times, jobs go first (a dispute
/// opened at a window's close belongs to that window).
pub fn run_due(ctx: &mut Ctx) -> Result<(), ApiError> {
    let until = ctx.now;
    loop {
        let books_due = ledger::next_due(ctx.store, ctx.mode).filter(|t| *t <= until);
        let jobs = &mut ctx.store.mode_mut(ctx.mode).jobs;
        let job = jobs
            .first()
            .filter(|j| j.due <= until && books_due.is_none_or(|b| j.due <= b))
            .cloned();
        let Some(job) = job else {
            match books_due {
                Some(due) => {
                    ctx.now = due;
                    let request = ctx.request.take();
                    let result = ledger::apply(ctx, Op::Advance { to: due });
                    ctx.request = request;
                    result?;
                    continue;
                }
                None => break,
            }
        };
        jobs.remove(&job);
        // The job's consequences happen at its due time, not at the request's.
        ctx.now = job.due;
        let request = ctx.request.take();
        let result = match job.kind {
            JobKind::ExpireAuthorization => payments::expire_authorization(ctx, &job.id),
            JobKind::OpenDispute => disputes::open_from_card(ctx, &job.id),
            JobKind::DisputeDeadline => disputes::pass_deadline(ctx, &job.id),
            JobKind::RetryDelivery => deliveries::retry_due(ctx, &job.id),
            JobKind::DisableWebhookEndpoint => {
                webhook_endpoints::disable_if_still_failing(ctx, &job.id)
            }
        };
        ctx.request = request;
        result?;
    }
    ctx.now = until;
    Ok(())
}

/// Every job implied by the stored objects, after a restore.
pub fn rebuild_jobs(store: &mut Store) {
    for mode in [Mode::Live, Mode::Test] {
        let state = store.mode(mode);
        let mut jobs = Vec::new();
        for (seq, record) in state.payments.iter() {
            jobs.extend(payments::job_for_expiry(seq, record));
            jobs.extend(payments::job_for_dispute(seq, record));
        }
        for (seq, dispute) in state.disputes.iter() {
            jobs.extend(disputes::job_for_deadline(seq, dispute));
        }
        for (seq, delivery) in state.webhook_deliveries.iter() {
            jobs.extend(deliveries::job_for_retry(seq, delivery));
        }
        for (seq, endpoint) in state.webhook_endpoints.iter() {
            jobs.extend(webhook_endpoints::job_for_disable(seq, endpoint));
        }
        store.mode_mut(mode).jobs = jobs.into_iter().collect();
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum TestClockObject {
    TestClock,
}

/// The test mode's clock.
#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct TestClock {
    pub object: TestClockObject,
    #[cfg_attr(test, ts(type = "string"))]
    #[serde(with = "crate::sandbox::timefmt")]
    pub now: DateTime<Utc>,
    /// How far the clock is ahead of the host's, in whole seconds.
    pub offset_seconds: i64,
}

fn clock(ctx: &Ctx) -> TestClock {
    TestClock {
        object: TestClockObject::TestClock,
        now: ctx.now,
        offset_seconds: ctx.store.mode(ctx.mode).clock_offset_ms / 1000,
    }
}

pub fn retrieve(ctx: &mut Ctx, params: Params) -> Result<Reply, ApiError> {
    params.finish()?;
    Reply::ok(&clock(ctx))
}

/// `POST /test_helpers/clock/advance` with `seconds`: moves test time forward and runs
/// everything that falls due, in order.
pub fn advance(ctx: &mut Ctx, mut params: Params) -> Result<Reply, ApiError> {
    let seconds = params
        .integer("seconds", 1, MAX_ADVANCE_SECONDS)?
        .ok_or_else(|| {
            ApiError::invalid_param(
                "seconds",
                "parameter_missing",
                "missing required parameter 'seconds'",
            )
        })?;
    params.finish()?;
    let offset = ctx.store.mode(ctx.mode).clock_offset_ms + seconds * 1000;
    ctx.store.set_clock_offset(ctx.mode, offset);
    ctx.now += Duration::seconds(seconds);
    ctx.store.mode_mut(ctx.mode).last_now = Some(ctx.now);
    run_due(ctx)?;
    Reply::ok(&clock(ctx))
}
