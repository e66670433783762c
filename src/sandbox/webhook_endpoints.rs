//! Webhook endpoints: `POST/GET /webhooks`, `GET/PATCH/DELETE /webhooks/:id`,
//! `POST /webhooks/:id/roll_secret`. Each endpoint of a mode receives the events of that mode
//! its `enabledEvents` match (`deliveries.rs` makes and retries the deliveries).
//!
//! Status: `enabled`; `failing` once a delivery exhausted its retries (since when is kept);
//! `disabled` by a PATCH, or by the clock when it is still failing [`DISABLE_AFTER_DAYS`] later
//! (`webhook_endpoint.disabled`); either fails its pending deliveries. A 2xx on any delivery
//! makes a failing endpoint enabled again.
//!
//! The signing secret (`whsec_` + base64 of 32 random bytes) is shown once, like an API key's:
//! in the answer that created or rolled it. A rolled secret keeps signing, next to the new one,
//! until the mode's clock passes the end of its grace period.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::error::ApiError;
use crate::ids::IdPrefix;
use crate::sandbox::context::{Ctx, Reply};
use crate::sandbox::deliveries;
use crate::sandbox::events::{type_matches, EVENT_TYPES};
use crate::sandbox::list;
use crate::sandbox::params::Params;
use crate::sandbox::store::{stored_record, Job, JobKind};
use crate::sandbox::team::Deleted;
use crate::webhook::WebhookSecret;

/// A failing endpoint is disabled when it is still failing this long after it began to.
pub const DISABLE_AFTER_DAYS: i64 = 3;
pub const MAX_URL_LEN: usize = 2048;
pub const MAX_DESCRIPTION_LEN: usize = 500;
/// More than every event type there is, with room for families.
const MAX_ENABLED_EVENTS: usize = 64;
/// The grace period of a rolled secret, in hours: default and largest.
const DEFAULT_GRACE_HOURS: i64 = 24;
const MAX_GRACE_HOURS: i64 = 168;
/// Rolled secrets kept signing at once (each adds a `v1` of 68 bytes to a header that
/// verifiers cap at 8 KiB); rolling beyond it ends the oldest grace period early.
const MAX_ROLLED_SECRETS: usize = 10;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum WebhookEndpointObject {
    WebhookEndpoint,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum WebhookEndpointStatus {
    Enabled,
    /// A delivery exhausted its retries; disabled if still failing 3 days later.
    Failing,
    /// Receives nothing.
    Disabled,
}

/// A webhook endpoint as the API shows it. `secret` appears once: in the answer that created
/// the endpoint or rolled its secret.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct WebhookEndpoint {
    pub id: String,
    pub object: WebhookEndpointObject,
    pub url: String,
    /// Event types, families (`payment.*`) or `*`.
    #[cfg_attr(test, ts(type = "Array<EventType | `${string}.*` | '*'>"))]
    pub enabled_events: Vec<String>,
    pub description: Option<String>,
    pub status: WebhookEndpointStatus,
    pub livemode: bool,
    #[cfg_attr(test, ts(type = "string"))]
    #[serde(with = "crate::sandbox::timefmt")]
    pub created_at: DateTime<Utc>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(test, ts(optional))]
    pub secret: Option<String>,
}

/// A secret replaced by a roll, still signing until `expires_at` (the mode's time).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RolledSecret {
    pub secret: String,
    #[serde(with = "crate::sandbox::timefmt")]
    pub expires_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EndpointRecord {
    pub endpoint: WebhookEndpoint,
    /// The current secret. Kept to sign deliveries; never shown again after it was issued.
    pub secret: String,
    pub rolled: Vec<RolledSecret>,
    /// When the endpoint became `failing`: the clock disables it 3 days later.
    #[serde(with = "crate::sandbox::timefmt::option")]
    pub failing_since: Option<DateTime<Utc>>,
}

stored_record!(EndpointRecord, WebhookEndpoint, webhook_endpoints, |this| key: &this.endpoint.id, wire: &this.endpoint);

impl EndpointRecord {
    /// Whether this endpoint is sent events of `event_type`.
    pub fn receives(&self, event_type: &str) -> bool {
        self.endpoint.status != WebhookEndpointStatus::Disabled
            && self
                .endpoint
                .enabled_events
                .iter()
                .any(|p| p == "*" || type_matches(p, event_type))
    }

    /// The secrets that sign at the mode's time `now`: the current one first, then rolled ones
    /// still in their grace period, newest first.
    pub fn signing_secrets(&self, now: DateTime<Utc>) -> Vec<WebhookSecret> {
        std::iter::once(self.secret.as_str())
            .chain(
                self.rolled
                    .iter()
                    .rev()
                    .filter(|r| now < r.expires_at)
                    .map(|r| r.secret.as_str()),
            )
            // Every stored secret was made by `WebhookSecret::encode`, so each parses.
            .filter_map(|s| WebhookSecret::parse(s).ok())
            .collect()
    }
}

/// The clock's job for a failing endpoint.
pub fn job_for_disable(seq: u64, record: &EndpointRecord) -> Option<Job> {
    match (record.endpoint.status, record.failing_since) {
        (WebhookEndpointStatus::Failing, Some(since)) => Some(Job {
            due: since + Duration::days(DISABLE_AFTER_DAYS),
            seq,
            kind: JobKind::DisableWebhookEndpoint,
            id: record.endpoint.id.clone(),
        }),
        _ => None,
    }
}

/// A delivery to `id` exhausted its retries at `since`: the endpoint is failing (since the
/// first time, if it already was) and the clock will disable it unless it recovers.
pub fn mark_failing(ctx: &mut Ctx, id: &str, since: DateTime<Utc>) -> Result<(), ApiError> {
    match ctx.get::<EndpointRecord>(id) {
        Some(r) if r.endpoint.status == WebhookEndpointStatus::Enabled => {}
        _ => return Ok(()),
    }
    let record = {
        let r = ctx.modify::<EndpointRecord>(id)?;
        r.endpoint.status = WebhookEndpointStatus::Failing;
        r.failing_since = Some(since);
        r.clone()
    };
    let seq = ctx.store.mode(ctx.mode).webhook_endpoints.seq_of(id);
    if let Some(job) = seq.and_then(|seq| job_for_disable(seq, &record)) {
        ctx.store.mode_mut(ctx.mode).jobs.insert(job);
    }
    Ok(())
}

/// A delivery to `id` succeeded: a failing endpoint is enabled again.
pub fn mark_recovered(ctx: &mut Ctx, id: &str) -> Result<(), ApiError> {
    if ctx
        .get::<EndpointRecord>(id)
        .is_some_and(|r| r.endpoint.status == WebhookEndpointStatus::Failing)
    {
        let r = ctx.modify::<EndpointRecord>(id)?;
        r.endpoint.status = WebhookEndpointStatus::Enabled;
        r.failing_since = None;
    }
    Ok(())
}

/// The clock's job: an endpoint still failing 3 days after it began to is disabled.
pub fn disable_if_still_failing(ctx: &mut Ctx, id: &str) -> Result<(), ApiError> {
    let due = match ctx.get::<EndpointRecord>(id) {
        Some(r) if r.endpoint.status == WebhookEndpointStatus::Failing => r.failing_since,
        _ => None,
    };
    // A stale job (the endpoint recovered, then failed again later) finds a later start.
    if due.is_none_or(|since| since + Duration::days(DISABLE_AFTER_DAYS) > ctx.now) {
        return Ok(());
    }
    {
        let r = ctx.modify::<EndpointRecord>(id)?;
        r.endpoint.status = WebhookEndpointStatus::Disabled;
        r.failing_since = None;
    }
    deliveries::fail_pending(ctx, id)?;
    ctx.emit_stored::<EndpointRecord>("webhook_endpoint.disabled", id, None)?;
    Ok(())
}

/// An `http`/`https` URL with a host, in visible ASCII (an IDN host goes in its `xn--` form).
fn check_url(param: &str, url: &str) -> Result<String, ApiError> {
    let invalid = |why: &str| {
        ApiError::invalid_param(
            param,
            "url_invalid",
            format!("'{param}' must be an http:// or https:// URL {why}"),
        )
    };
    let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    let rest = if lower.starts_with("https://") {
        &url[8..]
    } else if lower.starts_with("http://") {
        &url[7..]
    } else {
        return Err(invalid("(another scheme, or none, was given)"));
    };
    if !url.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(invalid(
            "without spaces or non-ASCII characters (percent-encode them)",
        ));
    }
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host_port = authority.rsplit('@').next().unwrap_or("");
    let (host, port) = match host_port.rsplit_once(':') {
        // An IPv6 literal's colons are inside its brackets.
        Some((h, p)) if !p.contains(']') => (h, Some(p)),
        _ => (host_port, None),
    };
    if host.is_empty() {
        return Err(invalid("with a host"));
    }
    if let Some(port) = port {
        if !port.parse::<u16>().is_ok_and(|p| p > 0) {
            return Err(invalid("with a port from 1 to 65535"));
        }
    }
    Ok(url.to_owned())
}

fn read_url(params: &mut Params) -> Result<Option<String>, ApiError> {
    match params.string("url", MAX_URL_LEN)? {
        Some(url) => check_url("url", &url).map(Some),
        None => Ok(None),
    }
}

/// `enabledEvents`: at least one known event type, family (`payment.*`) or `*`; repeats are
/// dropped.
fn read_enabled_events(params: &mut Params) -> Result<Option<Vec<String>>, ApiError> {
    let Some(items) = params.string_list("enabledEvents", MAX_ENABLED_EVENTS, 80)? else {
        return Ok(None);
    };
    if items.is_empty() {
        return Err(ApiError::invalid_param(
            "enabledEvents",
            "parameter_invalid",
            "'enabledEvents' must list at least one event type (or '*' for all)",
        ));
    }
    let mut out: Vec<String> = Vec::with_capacity(items.len());
    for (i, item) in items.into_iter().enumerate() {
        let known = item == "*" || EVENT_TYPES.iter().any(|t| type_matches(&item, t));
        if !known {
            return Err(ApiError::invalid_param(
                &format!("enabledEvents[{i}]"),
                "event_type_unknown",
                format!(
                    "unknown event type; use '*', a family such as 'payment.*', or one of: {}",
                    EVENT_TYPES.join(", ")
                ),
            ));
        }
        if !out.contains(&item) {
            out.push(item);
        }
    }
    Ok(Some(out))
}

/// A new secret from the request's secret stream (never from the id stream).
fn new_secret(ctx: &mut Ctx) -> String {
    let rng = ctx.rng.secrets();
    WebhookSecret::generate(&mut |bytes| rng.fill_bytes(bytes)).encode()
}

fn with_secret(record: &EndpointRecord) -> WebhookEndpoint {
    WebhookEndpoint {
        secret: Some(record.secret.clone()),
        ..record.endpoint.clone()
    }
}

/// The endpoint of the path's first `:id`, or 404.
pub fn find_endpoint<'a>(ctx: &'a Ctx) -> Result<&'a EndpointRecord, ApiError> {
    ctx.find::<EndpointRecord>(ctx.path_id(0), "webhook_endpoint")
}

pub fn create(ctx: &mut Ctx, mut params: Params) -> Result<Reply, ApiError> {
    let url = read_url(&mut params)?.ok_or_else(|| missing("url"))?;
    let enabled_events =
        read_enabled_events(&mut params)?.ok_or_else(|| missing("enabledEvents"))?;
    let description = params.string("description", MAX_DESCRIPTION_LEN)?;
    params.finish()?;
    let record = EndpointRecord {
        endpoint: WebhookEndpoint {
            id: ctx.new_id(IdPrefix::WebhookEndpoint),
            object: WebhookEndpointObject::WebhookEndpoint,
            url,
            enabled_events,
            description: description.filter(|d| !d.is_empty()),
            status: WebhookEndpointStatus::Enabled,
            livemode: ctx.livemode(),
            created_at: ctx.now,
            secret: None,
        },
        secret: new_secret(ctx),
        rolled: Vec::new(),
        failing_since: None,
    };
    ctx.insert(record.clone());
    ctx.emit_stored::<EndpointRecord>("webhook_endpoint.created", &record.endpoint.id, None)?;
    Reply::ok(&with_secret(&record))
}

fn missing(name: &str) -> ApiError {
    ApiError::invalid_param(
        name,
        "parameter_missing",
        format!("missing required parameter '{name}'"),
    )
}

pub fn list(ctx: &mut Ctx, mut params: Params) -> Result<Reply, ApiError> {
    let endpoints = &ctx.store.mode(ctx.mode).webhook_endpoints;
    let query = list::read(&mut params, endpoints)?;
    params.finish()?;
    let (page, has_more) = list::page(endpoints, &query, |_| true);
    list::reply(endpoints, &page, has_more, "/v1/webhooks")
}

pub fn retrieve(ctx: &mut Ctx, params: Params) -> Result<Reply, ApiError> {
    params.finish()?;
    find_endpoint(ctx)?;
    ctx.reply::<EndpointRecord>(ctx.path_id(0))
}

/// `PATCH /webhooks/:id`: given fields replace (an empty `description` clears it); `status`
/// `enabled` also ends a failing spell, `disabled` fails its pending deliveries and stops
/// every delivery to it.
pub fn update(ctx: &mut Ctx, mut params: Params) -> Result<Reply, ApiError> {
    let id = ctx.path_id(0).to_owned();
    find_endpoint(ctx)?;
    let url = read_url(&mut params)?;
    let enabled_events = read_enabled_events(&mut params)?;
    let description = params.string("description", MAX_DESCRIPTION_LEN)?;
    let status = params.choice("status", &["enabled", "disabled"])?;
    params.finish()?;
    let disabling = status.as_deref() == Some("disabled")
        && find_endpoint(ctx)?.endpoint.status != WebhookEndpointStatus::Disabled;
    {
        let r = ctx.modify::<EndpointRecord>(&id)?;
        if let Some(url) = url {
            r.endpoint.url = url;
        }
        if let Some(events) = enabled_events {
            r.endpoint.enabled_events = events;
        }
        if let Some(description) = description {
            r.endpoint.description = Some(description).filter(|d| !d.is_empty());
        }
        match status.as_deref() {
            Some("enabled") => r.endpoint.status = WebhookEndpointStatus::Enabled,
            Some(_) => r.endpoint.status = WebhookEndpointStatus::Disabled,
            None => {}
        }
        if status.is_some() {
            r.failing_since = None;
        }
    }
    if disabling {
        deliveries::fail_pending(ctx, &id)?;
    }
    ctx.emit_stored::<EndpointRecord>("webhook_endpoint.updated", &id, None)?;
    ctx.reply::<EndpointRecord>(&id)
}

/// `DELETE /webhooks/:id`: the endpoint and its deliveries go; nothing more is sent to it.
pub fn remove(ctx: &mut Ctx, params: Params) -> Result<Reply, ApiError> {
    params.finish()?;
    let id = ctx.path_id(0).to_owned();
    find_endpoint(ctx)?;
    deliveries::drop_for_endpoint(ctx, &id);
    let record = ctx
        .store
        .remove::<EndpointRecord>(ctx.mode, &id)
        .ok_or_else(|| ApiError::not_found("webhook_endpoint", &id))?;
    ctx.emit("webhook_endpoint.deleted", &record.endpoint, &id, None)?;
    Reply::ok(&Deleted::new(&id, "webhook_endpoint"))
}

/// `POST /webhooks/:id/roll_secret` with `expiresInHours` (0–168, default 24): a new secret,
/// shown once; the old one signs too until the mode's clock passes now + the grace period.
pub fn roll_secret(ctx: &mut Ctx, mut params: Params) -> Result<Reply, ApiError> {
    let id = ctx.path_id(0).to_owned();
    find_endpoint(ctx)?;
    let hours = params
        .integer("expiresInHours", 0, MAX_GRACE_HOURS)?
        .unwrap_or(DEFAULT_GRACE_HOURS);
    params.finish()?;
    let fresh = new_secret(ctx);
    let now = ctx.now;
    let updated = {
        let r = ctx.modify::<EndpointRecord>(&id)?;
        let old = std::mem::replace(&mut r.secret, fresh);
        r.rolled.retain(|s| now < s.expires_at);
        r.rolled.push(RolledSecret {
            secret: old,
            expires_at: now + Duration::hours(hours),
        });
        if r.rolled.len() > MAX_ROLLED_SECRETS {
            r.rolled.remove(0);
        }
        r.clone()
    };
    ctx.emit_stored::<EndpointRecord>("webhook_endpoint.updated", &id, None)?;
    Reply::ok(&with_secret(&updated))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_http_or_https_with_a_host() {
        for good in [
            "https://example.com/hooks",
            "http://127.0.0.1:8080/x?y=1#z",
            "HTTPS://EXAMPLE.COM",
            "https://[::1]:3000/",
            "https://user:pw@example.com/",
        ] {
            assert!(check_url("url", good).is_ok(), "{good}");
        }
        for bad in [
            "ftp://example.com",
            "example.com",
            "https://",
            "https:///path",
            "https://exa mple.com",
            "https://example.com:0/",
            "https://example.com:70000/",
            "https://exämple.com/",
        ] {
            let e = check_url("url", bad).unwrap_err();
            assert_eq!(
                (e.code.as_str(), e.param.as_deref()),
                ("url_invalid", Some("url")),
                "{bad}"
            );
        }
    }

    fn record(events: &[&str], status: WebhookEndpointStatus) -> EndpointRecord {
        EndpointRecord {
            endpoint: WebhookEndpoint {
                id: "we_12345678".into(),
                object: WebhookEndpointObject::WebhookEndpoint,
                url: "https://example.com".into(),
                enabled_events: events.iter().map(|e| (*e).to_owned()).collect(),
                description: None,
                status,
                livemode: false,
                created_at: DateTime::UNIX_EPOCH,
                secret: None,
            },
            secret: WebhookSecret::from_key_array([7; 32]).encode(),
            rolled: Vec::new(),
            failing_since: None,
        }
    }

    #[test]
    fn events_match_exactly_by_family_or_all() {
        let r = record(
            &["payment.*", "refund.created"],
            WebhookEndpointStatus::Enabled,
        );
        assert!(r.receives("payment.completed") && r.receives("refund.created"));
        assert!(!r.receives("payment_method.created") && !r.receives("dispute.created"));
        assert!(record(&["*"], WebhookEndpointStatus::Failing).receives("customer.deleted"));
        assert!(!record(&["*"], WebhookEndpointStatus::Disabled).receives("customer.deleted"));
    }

    #[test]
    fn rolled_secrets_sign_until_their_grace_ends() {
        let mut r = record(&["*"], WebhookEndpointStatus::Enabled);
        let t = DateTime::UNIX_EPOCH + Duration::days(1);
        r.rolled.push(RolledSecret {
            secret: WebhookSecret::from_key_array([9; 32]).encode(),
            expires_at: t,
        });
        let before = r.signing_secrets(t - Duration::seconds(1));
        assert_eq!(before.len(), 2);
        assert_eq!(
            before[0],
            WebhookSecret::from_key_array([7; 32]),
            "the current one first"
        );
        assert_eq!(r.signing_secrets(t).len(), 1);
    }
}
