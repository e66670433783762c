//! Idempotency: a POST with an `Idempotency-Key` that was seen before (in this account and
//! mode, within 24 simulated hours) replays the first response with `Idempotent-Replayed:
//! true`; with different parameters it is a 409. While the first request's changes are not
//! yet durable (the host's storage has not accepted them), a retry answers 409
//! `idempotency_request_in_progress`, so a slow store can never yield two objects.

use std::rc::Rc;

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::ApiError;
use crate::keys::Mode;
use crate::sandbox::store::{Collection, Kind, ModeState, Record, Store};
use crate::webhook::to_hex;

pub const RETENTION_HOURS: i64 = 24;
const MAX_KEY_LEN: usize = 255;

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IdempotencyRecord {
    pub key: String,
    /// SHA-256 of method, path and body: "the same parameters".
    pub fingerprint: String,
    pub status: u16,
    /// The first answer, shared with the object's cache when it was one.
    #[serde(with = "crate::sandbox::shared_json")]
    pub body: Rc<str>,
    #[serde(with = "crate::sandbox::timefmt")]
    pub created_at: DateTime<Utc>,
    /// The change batch that wrote this record; it is durable once the host commits that
    /// batch. Not stored: whatever is read back from storage is durable by definition.
    #[serde(skip)]
    pub batch: u64,
}

impl Record for IdempotencyRecord {
    const KIND: Kind = Kind::Idempotency;
    fn key(&self) -> &str {
        &self.key
    }
    fn collection(mode: &ModeState) -> &Collection<Self> {
        &mode.idempotency
    }
    fn collection_mut(mode: &mut ModeState) -> &mut Collection<Self> {
        &mut mode.idempotency
    }
    /// Never shown by the API; the kept response stands in.
    fn wire_json(&self) -> Result<String, ApiError> {
        Ok(String::from(&*self.body))
    }

    fn write_stored(&self, _wire: Option<&str>, out: &mut Vec<u8>) -> Result<(), ApiError> {
        crate::sandbox::stored_json::idempotency_record(self, out)
    }
}

/// Checks the header's value: printable ASCII, at most 255 characters.
pub fn check_key(key: &str) -> Result<(), ApiError> {
    if key.is_empty() || key.len() > MAX_KEY_LEN || !key.bytes().all(|b| (0x20..0x7f).contains(&b))
    {
        return Err(ApiError::invalid_param(
            "Idempotency-Key",
            "idempotency_key_invalid",
            format!(
                "the Idempotency-Key header must be 1 to {MAX_KEY_LEN} printable ASCII characters"
            ),
        ));
    }
    Ok(())
}

pub fn fingerprint(method: &str, path: &str, body: &[u8]) -> String {
    let mut h = Sha256::new();
    h.update(method.as_bytes());
    h.update([0]);
    h.update(path.as_bytes());
    h.update([0]);
    h.update(body);
    let hex = to_hex(&h.finalize().into());
    // Hex digits: always UTF-8.
    String::from_utf8(hex.to_vec()).unwrap_or_default()
}

/// What to do with a keyed request.
pub enum Lookup<'a> {
    /// First time (or expired): handle it.
    Fresh,
    Replay(&'a IdempotencyRecord),
}

/// Drops the mode's records older than the retention window (they are oldest first), then
/// looks `key` up.
pub fn lookup<'a>(
    store: &'a mut Store,
    mode: Mode,
    key: &str,
    fingerprint: &str,
    now: DateTime<Utc>,
    durable_batch: u64,
) -> Result<Lookup<'a>, ApiError> {
    let cutoff = now - Duration::hours(RETENTION_HOURS);
    let expired: Vec<String> = store
        .mode(mode)
        .idempotency
        .iter()
        .take_while(|(_, r)| r.created_at <= cutoff)
        .map(|(_, r)| r.key.clone())
        .collect();
    for old in expired {
        store.remove::<IdempotencyRecord>(mode, &old);
    }
    match store.get::<IdempotencyRecord>(mode, key) {
        None => Ok(Lookup::Fresh),
        Some(r) if r.fingerprint != fingerprint => Err(ApiError::idempotency_conflict(key)),
        Some(r) if r.batch > durable_batch => Err(ApiError::idempotency_in_progress(key)),
        Some(r) => Ok(Lookup::Replay(r)),
    }
}

/// Whether a response is kept for replay: everything the handler decided (2xx, 4xx, 402),
/// but not conflicts, rate limits or internal errors, which a retry should re-attempt.
pub fn is_replayable(status: u16) -> bool {
    !matches!(status, 409 | 429) && status < 500
}
