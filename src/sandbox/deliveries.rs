//! Webhook deliveries: every event goes to every endpoint of its mode that is not disabled and
//! whose `enabledEvents` match it, one delivery each, due at once. A failed attempt is retried
//! on the mode's clock after [`RETRY_SCHEDULE`] (10 attempts in all, each wait measured from the
//! previous attempt); after the last the delivery is `failed` and its endpoint `failing`.
//! `GET /webhooks/:id/deliveries` and `POST /webhooks/:id/deliveries/:deliveryId/replay`.
//!
//! Attempts go out through the outbox (`outbox.rs`): the host takes them, sends them and reports
//! each outcome, which is recorded here.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::error::ApiError;
use crate::ids::IdPrefix;
use crate::sandbox::context::{Ctx, Reply};
use crate::sandbox::list;
use crate::sandbox::outbox::{Attempt, DeliveryResult, MAX_ERROR_LEN};
use crate::sandbox::params::Params;
use crate::sandbox::store::{stored_record, Job, JobKind};
use crate::sandbox::webhook_endpoints::{self, find_endpoint, WebhookEndpointStatus};

/// The waits after each failed attempt, in seconds: 1 min, 5 min, 30 min, 2 h, 5 h, 10 h, then
/// a day three times. Ten attempts in all.
pub const RETRY_SCHEDULE: [i64; 9] = [
    60,
    5 * 60,
    30 * 60,
    2 * 3600,
    5 * 3600,
    10 * 3600,
    86_400,
    86_400,
    86_400,
];
/// The attempts a delivery's log keeps (the latest ones).
pub const MAX_KEPT_ATTEMPTS: usize = 50;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum WebhookDeliveryObject {
    WebhookDelivery,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum WebhookDeliveryStatus {
    /// An attempt is due or under way, or a retry is scheduled.
    Pending,
    Succeeded,
    /// Every scheduled attempt failed (a replay may still succeed).
    Failed,
}

impl WebhookDeliveryStatus {
    const ALL: [(&'static str, WebhookDeliveryStatus); 3] = [
        ("pending", WebhookDeliveryStatus::Pending),
        ("succeeded", WebhookDeliveryStatus::Succeeded),
        ("failed", WebhookDeliveryStatus::Failed),
    ];
}

/// One attempt of a delivery.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct DeliveryAttempt {
    /// 1 for the first attempt, counting replays.
    pub number: u32,
    /// The mode's time the attempt fell due.
    #[cfg_attr(test, ts(type = "string"))]
    #[serde(with = "crate::sandbox::timefmt")]
    pub attempted_at: DateTime<Utc>,
    /// The receiver's status; `null` when no response came.
    pub response_status: Option<u16>,
    /// Wall-clock milliseconds until the response (or the failure).
    pub duration_ms: u64,
    /// Why no response came (`timeout`, a connection error); `null` when one did.
    pub error: Option<String>,
    /// Asked for by a replay, outside the retry schedule.
    pub replay: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct WebhookDelivery {
    pub id: String,
    pub object: WebhookDeliveryObject,
    /// The endpoint's id.
    pub endpoint: String,
    /// The event's id (also the `webhook-id` header).
    pub event: String,
    #[cfg_attr(test, ts(type = "EventType"))]
    pub event_type: String,
    pub status: WebhookDeliveryStatus,
    /// The latest 50 attempts, oldest first.
    pub attempts: Vec<DeliveryAttempt>,
    /// When the next attempt is (or was) due, on the mode's clock; `null` once none is.
    #[cfg_attr(test, ts(type = "string | null"))]
    #[serde(with = "crate::sandbox::timefmt::option")]
    pub next_attempt_at: Option<DateTime<Utc>>,
    #[cfg_attr(test, ts(type = "string"))]
    #[serde(with = "crate::sandbox::timefmt")]
    pub created_at: DateTime<Utc>,
    pub livemode: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeliveryRecord {
    pub delivery: WebhookDelivery,
    /// Attempts of the schedule made so far (replays excluded): which wait comes next.
    pub scheduled_attempts: u32,
}

stored_record!(DeliveryRecord, WebhookDelivery, webhook_deliveries, |this| key: &this.delivery.id, wire: &this.delivery);

/// The clock's job for a pending delivery's next attempt (after a restore; while running, the
/// first attempt goes straight to the outbox and retries are scheduled as they fail).
pub fn job_for_retry(seq: u64, record: &DeliveryRecord) -> Option<Job> {
    match (record.delivery.status, record.delivery.next_attempt_at) {
        (WebhookDeliveryStatus::Pending, Some(due)) => Some(Job {
            due,
            seq,
            kind: JobKind::RetryDelivery,
            id: record.delivery.id.clone(),
        }),
        _ => None,
    }
}

/// One delivery of the event just recorded to each endpoint that receives it. Called by
/// `events::record` only when the mode has endpoints.
pub fn fan_out(ctx: &mut Ctx, event_id: &str, event_type: &str) -> Result<(), ApiError> {
    let endpoints: Vec<String> = ctx
        .store
        .mode(ctx.mode)
        .webhook_endpoints
        .iter()
        .filter(|(_, e)| e.receives(event_type))
        .map(|(_, e)| e.endpoint.id.clone())
        .collect();
    for endpoint in endpoints {
        let record = DeliveryRecord {
            delivery: WebhookDelivery {
                id: ctx.new_id(IdPrefix::WebhookDelivery),
                object: WebhookDeliveryObject::WebhookDelivery,
                endpoint,
                event: event_id.to_owned(),
                event_type: event_type.to_owned(),
                status: WebhookDeliveryStatus::Pending,
                attempts: Vec::new(),
                next_attempt_at: Some(ctx.now),
                created_at: ctx.now,
                livemode: ctx.livemode(),
            },
            scheduled_attempts: 0,
        };
        let attempt = Attempt {
            delivery: record.delivery.id.clone(),
            attempted_at: ctx.now,
            replay: false,
        };
        ctx.insert(record);
        ctx.store.mode_mut(ctx.mode).outbox.queue(attempt);
    }
    Ok(())
}

/// The clock's job: a retry falls due.
///
/// It needs no look at its endpoint's status: disabling an endpoint fails its pending
/// deliveries ([`fail_pending`]), so a pending delivery's endpoint was enabled when the retry
/// fell due. (A restored sandbox replays jobs against state that may include a later disabling;
/// judging the status here would then differ from the sandbox that ran them on time.)
pub fn retry_due(ctx: &mut Ctx, id: &str) -> Result<(), ApiError> {
    let Some(record) = ctx.get::<DeliveryRecord>(id) else {
        return Ok(());
    };
    let d = &record.delivery;
    // A stale job (the delivery succeeded through a replay meanwhile) finds nothing due now.
    if d.status != WebhookDeliveryStatus::Pending || d.next_attempt_at != Some(ctx.now) {
        return Ok(());
    }
    let attempt = Attempt {
        delivery: id.to_owned(),
        attempted_at: ctx.now,
        replay: false,
    };
    ctx.store.mode_mut(ctx.mode).outbox.queue(attempt);
    Ok(())
}

/// Sends an attempt that waited behind another one, unless the other made it moot (a retry
/// after a successful replay).
pub fn queue_if_still_due(ctx: &mut Ctx, attempt: Attempt) {
    let still_due = ctx
        .get::<DeliveryRecord>(&attempt.delivery)
        .is_some_and(|r| {
            attempt.replay
                || (r.delivery.status == WebhookDeliveryStatus::Pending
                    && r.delivery.next_attempt_at == Some(attempt.attempted_at))
        });
    if still_due {
        ctx.store.mode_mut(ctx.mode).outbox.queue(attempt);
    }
}

/// Records the outcome of `attempt`: a 2xx succeeds the delivery (and recovers its endpoint);
/// a failure of a scheduled attempt schedules the next one, or after the last fails the
/// delivery and makes its endpoint `failing`. A failed replay changes nothing but the log.
pub fn apply_result(
    ctx: &mut Ctx,
    attempt: &Attempt,
    result: &DeliveryResult,
) -> Result<(), ApiError> {
    let id = attempt.delivery.as_str();
    if ctx.get::<DeliveryRecord>(id).is_none() {
        return Ok(());
    }
    let succeeded = result.succeeded();
    let error = result
        .error
        .as_ref()
        .map(|e| e.chars().take(MAX_ERROR_LEN).collect::<String>());
    let (endpoint, retry_at, exhausted) = {
        let r = ctx.modify::<DeliveryRecord>(id)?;
        let d = &mut r.delivery;
        let number = d.attempts.last().map_or(0, |a| a.number).saturating_add(1);
        d.attempts.push(DeliveryAttempt {
            number,
            attempted_at: attempt.attempted_at,
            response_status: result.status,
            duration_ms: result.duration_ms,
            error,
            replay: attempt.replay,
        });
        if d.attempts.len() > MAX_KEPT_ATTEMPTS {
            d.attempts.remove(0);
        }
        let mut retry_at = None;
        let mut exhausted = false;
        if succeeded {
            d.status = WebhookDeliveryStatus::Succeeded;
            d.next_attempt_at = None;
        } else if !attempt.replay && d.status == WebhookDeliveryStatus::Pending {
            let wait = usize::try_from(r.scheduled_attempts)
                .ok()
                .and_then(|n| RETRY_SCHEDULE.get(n));
            r.scheduled_attempts = r.scheduled_attempts.saturating_add(1);
            match wait {
                Some(&seconds) => {
                    retry_at = Some(attempt.attempted_at + Duration::seconds(seconds));
                    d.next_attempt_at = retry_at;
                }
                None => {
                    d.status = WebhookDeliveryStatus::Failed;
                    d.next_attempt_at = None;
                    exhausted = true;
                }
            }
        }
        (d.endpoint.clone(), retry_at, exhausted)
    };
    if let Some(due) = retry_at {
        let seq = ctx.store.mode(ctx.mode).webhook_deliveries.seq_of(id);
        if let Some(seq) = seq {
            ctx.store.mode_mut(ctx.mode).jobs.insert(Job {
                due,
                seq,
                kind: JobKind::RetryDelivery,
                id: id.to_owned(),
            });
        }
    }
    if succeeded {
        webhook_endpoints::mark_recovered(ctx, &endpoint)?;
    } else if exhausted {
        webhook_endpoints::mark_failing(ctx, &endpoint, attempt.attempted_at)?;
    }
    Ok(())
}

/// An endpoint is being disabled: its pending deliveries fail, and nothing more is sent to it
/// (a replay after re-enabling it can still succeed them).
pub fn fail_pending(ctx: &mut Ctx, endpoint: &str) -> Result<(), ApiError> {
    let ids: Vec<String> = ctx
        .store
        .mode(ctx.mode)
        .webhook_deliveries
        .iter()
        .filter(|(_, r)| {
            r.delivery.endpoint == endpoint && r.delivery.status == WebhookDeliveryStatus::Pending
        })
        .map(|(_, r)| r.delivery.id.clone())
        .collect();
    for id in ids {
        ctx.store.mode_mut(ctx.mode).outbox.forget(&id);
        let r = ctx.modify::<DeliveryRecord>(&id)?;
        r.delivery.status = WebhookDeliveryStatus::Failed;
        r.delivery.next_attempt_at = None;
    }
    Ok(())
}

/// The deliveries of an endpoint being deleted go with it, and nothing more is sent.
pub fn drop_for_endpoint(ctx: &mut Ctx, endpoint: &str) {
    let ids: Vec<String> = ctx
        .store
        .mode(ctx.mode)
        .webhook_deliveries
        .iter()
        .filter(|(_, r)| r.delivery.endpoint == endpoint)
        .map(|(_, r)| r.delivery.id.clone())
        .collect();
    for id in ids {
        ctx.store.mode_mut(ctx.mode).outbox.forget(&id);
        ctx.store.remove::<DeliveryRecord>(ctx.mode, &id);
    }
}

/// `GET /webhooks/:id/deliveries`: newest first; `status` filters.
pub fn list(ctx: &mut Ctx, mut params: Params) -> Result<Reply, ApiError> {
    let endpoint = find_endpoint(ctx)?.endpoint.id.clone();
    let deliveries = &ctx.store.mode(ctx.mode).webhook_deliveries;
    let query = list::read(&mut params, deliveries)?;
    let names = WebhookDeliveryStatus::ALL.map(|(name, _)| name);
    let status = params.choice("status", &names)?.and_then(|s| {
        WebhookDeliveryStatus::ALL
            .into_iter()
            .find(|(name, _)| *name == s)
            .map(|(_, status)| status)
    });
    params.finish()?;
    let (page, has_more) = list::page(deliveries, &query, |r| {
        r.delivery.endpoint == endpoint && status.is_none_or(|s| r.delivery.status == s)
    });
    let url = format!("/v1/webhooks/{endpoint}/deliveries");
    list::reply(deliveries, &page, has_more, &url)
}

/// `POST /webhooks/:id/deliveries/:deliveryId/replay`: a new attempt, at once, outside the
/// schedule; answers the delivery as it is (the attempt shows in its log once it is made).
pub fn replay(ctx: &mut Ctx, params: Params) -> Result<Reply, ApiError> {
    params.finish()?;
    let endpoint = find_endpoint(ctx)?;
    if endpoint.endpoint.status == WebhookEndpointStatus::Disabled {
        return Err(ApiError::invalid_param(
            "id",
            "webhook_endpoint_disabled",
            "this endpoint is disabled: enable it (PATCH status 'enabled') before replaying",
        ));
    }
    let endpoint = endpoint.endpoint.id.clone();
    let id = ctx.path_id(1).to_owned();
    match ctx.get::<DeliveryRecord>(&id) {
        Some(r) if r.delivery.endpoint == endpoint => {}
        _ => {
            return Err(ApiError {
                param: Some("deliveryId".into()),
                ..ApiError::not_found("webhook_delivery", &id)
            })
        }
    }
    let attempt = Attempt {
        delivery: id.clone(),
        attempted_at: ctx.now,
        replay: true,
    };
    ctx.store.mode_mut(ctx.mode).outbox.queue(attempt);
    ctx.reply::<DeliveryRecord>(&id)
}
