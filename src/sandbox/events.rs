//! Events: every state change is recorded as a dotted event whose `data` is the object as it
//! was at that moment. `GET /events` (filters `type` and `object`) and `GET /events/:id`.

use std::borrow::Cow;
use std::rc::Rc;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
#[cfg(test)]
use serde_json::value::RawValue;

use crate::error::ApiError;
use crate::ids::IdPrefix;
use crate::sandbox::context::{to_json, Ctx, Reply};
use crate::sandbox::deliveries;
use crate::sandbox::list;
use crate::sandbox::params::Params;
use crate::sandbox::store::{Collection, Kind, ModeState, Record};

/// The request that caused an event (none for what the clock did).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct EventRequest {
    pub id: String,
    pub idempotency_key: Option<String>,
}

/// Serde for `Option<Rc<EventRequest>>` as for `Option<EventRequest>` (serde's own `Rc`
/// support is behind a feature this crate does not turn on).
mod shared_request {
    use std::rc::Rc;

    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    use super::EventRequest;

    pub fn serialize<S: Serializer>(r: &Option<Rc<EventRequest>>, s: S) -> Result<S::Ok, S::Error> {
        r.as_deref().serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<Rc<EventRequest>>, D::Error> {
        Ok(Option::<EventRequest>::deserialize(d)?.map(Rc::new))
    }
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EventRecord {
    pub id: String,
    /// Borrowed for the sandbox's own types (all but the settlement engine's): one allocation
    /// less for each of the several events a request records.
    #[serde(rename = "type")]
    pub event_type: Cow<'static, str>,
    #[serde(with = "crate::sandbox::timefmt")]
    pub created_at: DateTime<Utc>,
    pub livemode: bool,
    /// The object's JSON, shared with its cache while the object is unchanged.
    #[serde(with = "crate::sandbox::shared_json")]
    pub data: Rc<str>,
    /// Shared by the events of one request, which all carry it.
    #[serde(with = "shared_request")]
    pub request: Option<Rc<EventRequest>>,
    /// The id of `data`, and the payment it concerns (for refunds and disputes): what the
    /// `object` filter and payment timelines match on.
    pub object_id: String,
    pub payment: Option<String>,
}

impl Record for EventRecord {
    const KIND: Kind = Kind::Event;
    fn key(&self) -> &str {
        &self.id
    }
    fn collection(mode: &ModeState) -> &Collection<Self> {
        &mode.events
    }
    fn collection_mut(mode: &mut ModeState) -> &mut Collection<Self> {
        &mut mode.events
    }
    /// Composed around the shared data rather than serialized through [`EventWire`], which
    /// would re-parse it; `wire_json_is_the_event_wire_type` checks the two agree.
    fn wire_json(&self) -> Result<String, ApiError> {
        let mut out = String::with_capacity(self.data.len() + 220);
        out.push_str("{\"id\":");
        out.push_str(&to_json(&self.id)?);
        out.push_str(",\"object\":\"event\",\"type\":");
        out.push_str(&to_json(&self.event_type)?);
        out.push_str(",\"createdAt\":\"");
        out.push_str(&crate::sandbox::timefmt::format(&self.created_at));
        out.push_str("\",\"livemode\":");
        out.push_str(if self.livemode { "true" } else { "false" });
        out.push_str(",\"data\":");
        out.push_str(&self.data);
        out.push_str(",\"request\":");
        out.push_str(&to_json(&self.request.as_deref())?);
        out.push('}');
        Ok(out)
    }

    fn write_stored(&self, _wire: Option<&str>, out: &mut Vec<u8>) -> Result<(), ApiError> {
        crate::sandbox::stored_json::event_record(self, out)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum EventObject {
    Event,
}

/// An event on the wire: `{"id","object":"event","type","createdAt","livemode","data","request"}`.
// The TypeScript `Event` type is generated from this struct; `EventRecord::wire_json` writes it.
#[cfg(test)]
#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
// `type` and `data` are left to `ts_types.rs`, which pairs each event type with its object.
#[cfg_attr(test, ts(rename = "EventBase"))]
#[serde(rename_all = "camelCase")]
pub struct EventWire<'a> {
    pub id: &'a str,
    pub object: EventObject,
    #[serde(rename = "type")]
    #[cfg_attr(test, ts(skip))]
    pub event_type: &'a str,
    #[cfg_attr(test, ts(type = "string"))]
    #[serde(with = "crate::sandbox::timefmt")]
    pub created_at: DateTime<Utc>,
    pub livemode: bool,
    /// The object the event is about, as it was then.
    #[cfg_attr(test, ts(skip))]
    pub data: &'a RawValue,
    #[cfg_attr(test, ts(type = "EventRequest | null"))]
    pub request: Option<&'a EventRequest>,
}

/// Every event type the sandbox emits; `GET /events?type=` accepts these.
pub const EVENT_TYPES: [&str; 30] = [
    "payment.created",
    "payment.authorized",
    "payment.completed",
    "payment.failed",
    "payment.canceled",
    "payment.refunded",
    "payment.requires_action",
    "refund.created",
    "dispute.created",
    "dispute.updated",
    "dispute.closed",
    "customer.created",
    "customer.updated",
    "customer.deleted",
    "payment_method.created",
    "payment_method.attached",
    "api_key.created",
    "api_key.rolled",
    "api_key.revoked",
    "team_member.created",
    "team_member.updated",
    "team_member.deleted",
    "settlement.created",
    "payout.paid",
    "payout.failed",
    "account.updated",
    "webhook_endpoint.created",
    "webhook_endpoint.updated",
    "webhook_endpoint.deleted",
    "webhook_endpoint.disabled",
];

/// Stores an event whose data is the JSON text `data`; returns the event's id.
pub fn record(
    ctx: &mut Ctx,
    event_type: Cow<'static, str>,
    data: Rc<str>,
    object_id: &str,
    payment: Option<&str>,
) -> Result<String, ApiError> {
    let id = ctx.new_id(IdPrefix::Event);
    let event = EventRecord {
        id: id.clone(),
        event_type: event_type.clone(),
        created_at: ctx.now,
        livemode: ctx.livemode(),
        data,
        request: ctx.request.clone(),
        object_id: object_id.to_owned(),
        payment: payment.map(str::to_owned),
    };
    ctx.insert(event);
    // One check when the mode has no endpoints: the sandbox's hot path pays nothing else.
    if !ctx.store.mode(ctx.mode).webhook_endpoints.is_empty() {
        deliveries::fan_out(ctx, &id, &event_type)?;
    }
    Ok(id)
}

/// Replaces the data of an event recorded earlier in the same request.
pub fn set_data(ctx: &mut Ctx, event_id: &str, data: Rc<str>) -> Result<(), ApiError> {
    ctx.modify::<EventRecord>(event_id)?.data = data;
    Ok(())
}

/// Whether `event_type` is `pattern`, or of its family when the pattern is `family.*`.
pub(crate) fn type_matches(pattern: &str, event_type: &str) -> bool {
    match pattern.strip_suffix(".*") {
        Some(family) => event_type
            .strip_prefix(family)
            .is_some_and(|rest| rest.starts_with('.')),
        None => event_type == pattern,
    }
}

pub fn retrieve(ctx: &mut Ctx, params: Params) -> Result<Reply, ApiError> {
    params.finish()?;
    let id = ctx.path_id(0).to_owned();
    ctx.find::<EventRecord>(&id, "event")?;
    ctx.reply::<EventRecord>(&id)
}

pub fn list(ctx: &mut Ctx, mut params: Params) -> Result<Reply, ApiError> {
    let events = &ctx.store.mode(ctx.mode).events;
    let query = list::read(&mut params, events)?;
    let event_type = params.string("type", 64)?;
    if let Some(pattern) = &event_type {
        if !EVENT_TYPES.iter().any(|t| type_matches(pattern, t)) {
            return Err(ApiError::invalid_param(
                "type",
                "parameter_invalid",
                format!(
                    "unknown event type; known types: {}",
                    EVENT_TYPES.join(", ")
                ),
            ));
        }
    }
    let object = params.string("object", 80)?;
    params.finish()?;
    let matches = |e: &EventRecord| {
        event_type
            .as_deref()
            .is_none_or(|pattern| type_matches(pattern, &e.event_type))
            && object
                .as_deref()
                .is_none_or(|o| e.object_id == o || e.payment.as_deref() == Some(o))
    };
    let (page, has_more) = list::page(events, &query, matches);
    list::reply(events, &page, has_more, "/v1/events")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sandbox::store::Record;
    use chrono::TimeZone;

    #[test]
    fn wire_json_is_the_event_wire_type() {
        let record = EventRecord {
            id: "evt_12345678".into(),
            event_type: "payment.created".into(),
            created_at: Utc.with_ymd_and_hms(2026, 4, 15, 10, 30, 0).unwrap(),
            livemode: false,
            data: Rc::from(r#"{"id":"pay_1","quote":"\"x\""}"#),
            request: Some(Rc::new(EventRequest {
                id: "req_1".into(),
                idempotency_key: Some("k\"1".into()),
            })),
            object_id: "pay_1".into(),
            payment: None,
        };
        let raw = RawValue::from_string(record.data.to_string()).unwrap();
        let wire = EventWire {
            id: &record.id,
            object: EventObject::Event,
            event_type: &record.event_type,
            created_at: record.created_at,
            livemode: record.livemode,
            data: &raw,
            request: record.request.as_deref(),
        };
        assert_eq!(
            record.wire_json().unwrap(),
            serde_json::to_string(&wire).unwrap()
        );
    }
}
