//! A payment's timeline: authorization, 3-D Secure, capture, failure, cancellation, refunds and
//! disputes, oldest first, each with its time and the id of the event that recorded it
//! (`GET /payments/:id/timeline`, the dashboard's payment view).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::error::ApiError;
use crate::sandbox::context::{Ctx, Reply};
use crate::sandbox::list::List;
use crate::sandbox::params::Params;
use crate::sandbox::payments::PaymentRecord;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum TimelineKind {
    Authorization,
    ThreeDSecure,
    Capture,
    Failure,
    Cancellation,
    Refund,
    Dispute,
}

/// One step of a payment's life, with the event that recorded it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct TimelineEntry {
    #[serde(rename = "type")]
    pub kind: TimelineKind,
    #[cfg_attr(test, ts(type = "string"))]
    #[serde(with = "crate::sandbox::timefmt")]
    pub at: DateTime<Utc>,
    pub event_id: String,
    pub amount: Option<i64>,
    /// `succeeded`, `failed`, `required`, a decline code, a dispute status…
    pub outcome: Option<String>,
    /// The refund or dispute this step is about.
    pub object: Option<String>,
}

/// Adds a timeline step for an event recorded elsewhere (refunds, disputes).
pub fn add_timeline(ctx: &mut Ctx, payment: &str, entry: TimelineEntry) -> Result<(), ApiError> {
    ctx.modify_unshown::<PaymentRecord>(payment)?
        .timeline
        .push(entry);
    Ok(())
}

pub fn timeline(ctx: &mut Ctx, params: Params) -> Result<Reply, ApiError> {
    params.finish()?;
    let id = ctx.path_id(0).to_owned();
    let record = ctx.find::<PaymentRecord>(&id, "payment")?;
    let url = format!("/v1/payments/{id}/timeline");
    Reply::ok(&List::new(record.timeline.iter().collect(), false, &url))
}
