//! The outbox: webhook delivery attempts that are due or under way, in memory only.
//!
//! An attempt enters it when it falls due (a new event, a retry the clock reached, a replay);
//! the host takes it with [`take`], sends it, and reports the outcome with [`record`]. Nothing
//! here is stored: a delivery's stored record says when its next attempt is due, and
//! `clock::rebuild_jobs` makes it due again after a restore, so an attempt whose outcome never
//! came back (the host crashed) is sent again.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::error::ApiError;
use crate::keys::Mode;
use crate::sandbox::api_keys::Caller;
use crate::sandbox::clock;
use crate::sandbox::context::Ctx;
use crate::sandbox::deliveries::{self, DeliveryRecord};
use crate::sandbox::events::EventRecord;
use crate::sandbox::random::RequestRandom;
use crate::sandbox::store::Store;
use crate::sandbox::webhook_endpoints::EndpointRecord;
use crate::webhook::standard::{ID_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER};
use crate::webhook::{signature_header, standard_signature_header};

/// The `user-agent` of every delivery.
pub const USER_AGENT: &str = "VINR-Webhooks/1 (sandbox)";
/// What a host may report as a delivery's error, in characters; the rest is cut.
pub const MAX_ERROR_LEN: usize = 500;

/// One attempt of a delivery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attempt {
    pub delivery: String,
    /// The mode's time at which it fell due: what the delivery's log shows.
    pub attempted_at: DateTime<Utc>,
    /// Asked for by `POST …/replay`: outside the retry schedule.
    pub replay: bool,
}

#[derive(Debug)]
struct Entry {
    attempt: Attempt,
    sent: bool,
    /// Attempts that fell due while this one was outstanding (at most one automatic and one
    /// replay): one delivery has one attempt under way at a time, so that an outcome names
    /// its attempt by the delivery's id.
    later: Vec<Attempt>,
}

/// The attempts of one mode that are due or under way, by delivery id.
#[derive(Debug, Default)]
pub struct Outbox {
    entries: HashMap<String, Entry>,
    /// Ids of entries not yet taken, in the order they fell due.
    due: Vec<String>,
}

impl Outbox {
    /// Adds an attempt; if the delivery has one outstanding already, it follows that one.
    pub fn queue(&mut self, attempt: Attempt) {
        match self.entries.get_mut(&attempt.delivery) {
            Some(entry) => {
                let same_kind = |a: &Attempt| a.replay == attempt.replay;
                // The same kind not yet sent already covers it; otherwise it waits its turn.
                let covered = same_kind(&entry.attempt) && !entry.sent;
                if !covered && !entry.later.iter().any(same_kind) {
                    entry.later.push(attempt);
                }
            }
            None => {
                self.due.push(attempt.delivery.clone());
                let id = attempt.delivery.clone();
                self.entries.insert(
                    id,
                    Entry {
                        attempt,
                        sent: false,
                        later: Vec::new(),
                    },
                );
            }
        }
    }

    /// Drops whatever is due or under way for `delivery`; an outcome reported for it later is
    /// ignored.
    pub fn forget(&mut self, delivery: &str) {
        if self.entries.remove(delivery).is_some() {
            self.due.retain(|d| d != delivery);
        }
    }

    fn in_flight(&self, delivery: &str) -> bool {
        self.entries.get(delivery).is_some_and(|e| e.sent)
    }
}

/// A delivery to send: POST `body` to `url` with `headers`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OutgoingDelivery {
    /// The delivery's id (`whd_…`), to report the outcome with.
    pub id: String,
    pub url: String,
    pub headers: Vec<(String, String)>,
    /// The event's JSON: exactly the bytes signed.
    pub body: String,
}

/// What became of a delivery the host sent.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DeliveryResult {
    pub id: String,
    /// The receiver's HTTP status; `None` when no response came (refused, timed out).
    pub status: Option<u16>,
    pub duration_ms: u64,
    /// Why no response came (`timeout` after the host's 10 s limit).
    pub error: Option<String>,
}

impl DeliveryResult {
    pub fn from_json(text: &str) -> Result<DeliveryResult, ApiError> {
        serde_json::from_str(text).map_err(|e| {
            ApiError::invalid_param(
                "result",
                "parameter_invalid",
                format!("a delivery result is {{id, status, durationMs, error}}: {e}"),
            )
        })
    }

    pub fn succeeded(&self) -> bool {
        self.status.is_some_and(|s| (200..300).contains(&s))
    }
}

/// Takes every due attempt of both modes, signed at the host's wall-clock time `host_now`.
pub fn take(store: &mut Store, host_now: DateTime<Utc>) -> Vec<OutgoingDelivery> {
    let mut out = Vec::new();
    for mode in [Mode::Live, Mode::Test] {
        if store.mode(mode).outbox.due.is_empty() {
            continue;
        }
        // Rolled secrets expire on the mode's clock; the signature's `t` is the host's.
        let now = clock::mode_now(store, mode, host_now);
        let due = std::mem::take(&mut store.mode_mut(mode).outbox.due);
        for id in due {
            match outgoing(store, mode, &id, now, host_now.timestamp()) {
                Some(delivery) => {
                    if let Some(entry) = store.mode_mut(mode).outbox.entries.get_mut(&id) {
                        entry.sent = true;
                    }
                    out.push(delivery);
                }
                // Its endpoint or event is gone: there is nothing to send.
                None => store.mode_mut(mode).outbox.forget(&id),
            }
        }
    }
    out
}

fn outgoing(
    store: &Store,
    mode: Mode,
    id: &str,
    now: DateTime<Utc>,
    t: i64,
) -> Option<OutgoingDelivery> {
    let delivery = &store.get::<DeliveryRecord>(mode, id)?.delivery;
    let endpoint = store.get::<EndpointRecord>(mode, &delivery.endpoint)?;
    let body = store.json::<EventRecord>(mode, &delivery.event).ok()?;
    let secrets = endpoint.signing_secrets(now);
    let payload = body.as_bytes();
    let signature = signature_header(payload, &secrets, t).ok()?;
    let standard = standard_signature_header(&secrets, &delivery.event, t, payload).ok()?;
    let header = |name: &str, value: &str| (name.to_owned(), value.to_owned());
    Some(OutgoingDelivery {
        id: id.to_owned(),
        url: endpoint.endpoint.url.clone(),
        headers: vec![
            header("content-type", "application/json"),
            header("user-agent", USER_AGENT),
            header(crate::webhook::SIGNATURE_HEADER, &signature),
            header(ID_HEADER, &delivery.event),
            header(TIMESTAMP_HEADER, &t.to_string()),
            header(SIGNATURE_HEADER, &standard),
        ],
        body: body.to_string(),
    })
}

/// Applies the outcome of an attempt under way, then runs what the mode's clock made due
/// (a retry that is due at once goes straight back into the outbox). An unknown id, or one
/// with no attempt under way, is ignored.
pub fn record(
    store: &mut Store,
    result: &DeliveryResult,
    host_now: DateTime<Utc>,
    rng: &mut RequestRandom,
) -> Result<(), ApiError> {
    let Some(mode) = [Mode::Live, Mode::Test]
        .into_iter()
        .find(|m| store.mode(*m).outbox.in_flight(&result.id))
    else {
        return Ok(());
    };
    let Some(entry) = store.mode_mut(mode).outbox.entries.remove(&result.id) else {
        return Ok(());
    };
    let now = clock::mode_now(store, mode, host_now);
    let mut ctx = Ctx {
        store,
        mode,
        now,
        rng,
        // The host reporting an outcome is no API caller, and the events it causes belong to
        // no request.
        caller: Caller::keyless(mode),
        origin: "",
        request: None,
        path: Vec::new(),
    };
    deliveries::apply_result(&mut ctx, &entry.attempt, result)?;
    for attempt in entry.later {
        deliveries::queue_if_still_due(&mut ctx, attempt);
    }
    clock::run_due(&mut ctx)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attempt(replay: bool) -> Attempt {
        Attempt {
            delivery: "whd_1".into(),
            attempted_at: DateTime::UNIX_EPOCH,
            replay,
        }
    }

    #[test]
    fn one_attempt_per_delivery_is_outstanding_and_later_ones_wait() {
        let mut outbox = Outbox::default();
        outbox.queue(attempt(false));
        outbox.queue(attempt(false));
        assert_eq!(
            outbox.due.len(),
            1,
            "a second automatic attempt is the same one"
        );
        outbox.queue(attempt(true));
        outbox.queue(attempt(true));
        let entry = &outbox.entries["whd_1"];
        assert_eq!(entry.later, vec![attempt(true)]);
        assert!(!outbox.in_flight("whd_1"));
        outbox.forget("whd_1");
        assert!(outbox.due.is_empty() && outbox.entries.is_empty());
    }

    #[test]
    fn results_are_read_from_json() {
        let r =
            DeliveryResult::from_json(r#"{"id":"whd_1","status":204,"durationMs":12}"#).unwrap();
        assert!(r.succeeded() && r.error.is_none());
        let r = DeliveryResult::from_json(
            r#"{"id":"whd_1","status":null,"durationMs":10000,"error":"timeout"}"#,
        )
        .unwrap();
        assert!(!r.succeeded());
        let e = DeliveryResult::from_json(r#"{"id":"whd_1","durationMs":-1}"#).unwrap_err();
        assert_eq!(e.param.as_deref(), Some("result"));
    }
}
