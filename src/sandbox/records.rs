//! Change records: the storage format of the sandbox.
//!
//! A record is one JSON line `{"k":"<key>","s":<seq>,"v":<value>}`; `v` is `null` when the
//! object was deleted. Keys: `account`, `<mode>/clock`, `<mode>/<kind>/<id>`. A request's
//! batch is the records of what it touched, as they are after the request; a snapshot is
//! every record in a canonical order. Replaying a snapshot and the batches after it, in
//! order, rebuilds the same state (and so the same snapshot bytes).

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use thiserror::Error;

use crate::keys::Mode;
use crate::sandbox::account::Account;
use crate::sandbox::account_settings::AccountSettings;
use crate::sandbox::api_keys::{ApiKeyRecord, AuthIndex};
use crate::sandbox::clock;
use crate::sandbox::customers::Customer;
use crate::sandbox::deliveries::DeliveryRecord;
use crate::sandbox::disputes::Dispute;
use crate::sandbox::events::EventRecord;
use crate::sandbox::idempotency::IdempotencyRecord;
use crate::sandbox::json_out;
use crate::sandbox::ledger::{self, LedgerOp};
use crate::sandbox::payment_methods::PaymentMethodRecord;
use crate::sandbox::payments::PaymentRecord;
use crate::sandbox::refunds::Refund;
use crate::sandbox::store::{Kind, Record, Store, Touched};
use crate::sandbox::team::TeamMember;
use crate::sandbox::webhook_endpoints::EndpointRecord;

/// Calls the generic `$f::<T>(args)` with `T` the record type of `$kind`: the one place that
/// maps a [`Kind`] to its type.
macro_rules! for_record_type {
    ($kind:expr, $f:ident($($arg:expr),*)) => {
        match $kind {
            Kind::Payment => $f::<PaymentRecord>($($arg),*),
            Kind::PaymentMethod => $f::<PaymentMethodRecord>($($arg),*),
            Kind::Customer => $f::<Customer>($($arg),*),
            Kind::Refund => $f::<Refund>($($arg),*),
            Kind::Dispute => $f::<Dispute>($($arg),*),
            Kind::Event => $f::<EventRecord>($($arg),*),
            Kind::ApiKey => $f::<ApiKeyRecord>($($arg),*),
            Kind::Member => $f::<TeamMember>($($arg),*),
            Kind::Idempotency => $f::<IdempotencyRecord>($($arg),*),
            Kind::AccountSettings => $f::<AccountSettings>($($arg),*),
            Kind::LedgerOp => $f::<LedgerOp>($($arg),*),
            Kind::WebhookEndpoint => $f::<EndpointRecord>($($arg),*),
            Kind::WebhookDelivery => $f::<DeliveryRecord>($($arg),*),
        }
    };
}

#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum RestoreError {
    #[error("change record {line} is not valid: {reason}")]
    InvalidRecord { line: usize, reason: String },
    #[error("the stored data holds no account record")]
    NoAccount,
    #[error("the compaction was not run as its two passes must be: {0}")]
    Compaction(String),
}

#[derive(Serialize)]
struct LineOut<'a, V: Serialize> {
    k: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    s: Option<u64>,
    v: Option<&'a V>,
}

#[derive(Deserialize)]
pub(super) struct LineIn<'a> {
    pub(super) k: &'a str,
    s: Option<u64>,
    #[serde(borrow)]
    pub(super) v: &'a RawValue,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ClockRecord {
    offset_ms: i64,
}

fn mode_of(s: &str) -> Option<Mode> {
    match s {
        "live" => Some(Mode::Live),
        "test" => Some(Mode::Test),
        _ => None,
    }
}

fn push_line<V: Serialize>(out: &mut Vec<u8>, key: &str, seq: Option<u64>, value: Option<&V>) {
    let start = out.len();
    let line = LineOut {
        k: key,
        s: seq,
        v: value,
    };
    // Our values always serialize; should one ever fail, its line is left out rather than
    // writing half a record.
    if serde_json::to_writer(&mut *out, &line).is_ok() {
        out.push(b'\n');
    } else {
        out.truncate(start);
    }
}

/// The line of an object record, as [`push_line`] writes it, with the object written by its
/// [`Record::write_stored`] (which splices in JSON the sandbox holds already).
fn push_record<T: Record>(out: &mut Vec<u8>, store: &Store, mode: Mode, id: &str) {
    let collection = T::collection(store.mode(mode));
    let start = out.len();
    out.extend_from_slice(b"{\"k\":");
    json_out::push_str_of(out, &[mode.as_str(), "/", T::KIND.as_str(), "/", id]);
    let written = match collection.stored(id) {
        Some((seq, value, wire)) => {
            out.extend_from_slice(b",\"s\":");
            json_out::push_uint(out, seq);
            out.extend_from_slice(b",\"v\":");
            value.write_stored(wire, out).is_ok()
        }
        None => {
            out.extend_from_slice(b",\"v\":null");
            true
        }
    };
    if written {
        out.extend_from_slice(b"}\n");
    } else {
        out.truncate(start);
    }
}

/// One line of a batch or snapshot. The order of the variants is the order of a batch: the
/// account record comes first, as a restore needs it first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Line<'a> {
    Account,
    Clock(Mode),
    Record(Mode, Kind, &'a str),
}

fn push_touched(out: &mut Vec<u8>, store: &Store, line: Line) {
    match line {
        Line::Account => {
            let start = out.len();
            out.extend_from_slice(b"{\"k\":\"account\",\"v\":");
            if crate::sandbox::stored_json::account(&store.account, store.next_seq, out).is_ok() {
                out.extend_from_slice(b"}\n");
            } else {
                out.truncate(start);
            }
        }
        Line::Clock(mode) => {
            let value = ClockRecord {
                offset_ms: store.mode(mode).clock_offset_ms,
            };
            push_line(out, &format!("{}/clock", mode.as_str()), None, Some(&value));
        }
        Line::Record(mode, kind, id) => {
            for_record_type!(kind, push_record(out, store, mode, id))
        }
    }
}

fn key_at<T: Record>(store: &Store, mode: Mode, seq: u64) -> Option<&str> {
    T::collection(store.mode(mode)).key_at(seq)
}

/// The batch of what the current request touched (each record once, as it is now, in a fixed
/// order: by mode, kind and id).
pub fn batch(store: &mut Store) -> Option<Vec<u8>> {
    let mut touched = std::mem::take(&mut store.touched);
    if touched.is_empty() {
        return None;
    }
    let store_now: &Store = store;
    let mut lines: Vec<Line> = touched
        .iter()
        .filter_map(|t| match t {
            Touched::Account => Some(Line::Account),
            Touched::Clock(mode) => Some(Line::Clock(*mode)),
            // An object no longer under its number was removed (or replaced) since, which
            // left its own entry.
            Touched::Record(mode, kind, seq) => {
                let id = for_record_type!(*kind, key_at(store_now, *mode, *seq))?;
                Some(Line::Record(*mode, *kind, id))
            }
            Touched::Removed(mode, kind, id) => Some(Line::Record(*mode, *kind, id)),
        })
        .collect();
    lines.sort_unstable();
    lines.dedup();
    let mut out = Vec::with_capacity(4096);
    for line in lines {
        push_touched(&mut out, store_now, line);
    }
    // The log's buffer serves the next request.
    touched.clear();
    store.touched = touched;
    Some(out)
}

/// Every record, in canonical order: the account, the clocks, then per mode and kind by
/// sequence number.
pub fn snapshot(store: &Store) -> Vec<u8> {
    let mut out = Vec::new();
    push_touched(&mut out, store, Line::Account);
    for mode in [Mode::Live, Mode::Test] {
        push_touched(&mut out, store, Line::Clock(mode));
    }
    for mode in [Mode::Live, Mode::Test] {
        for kind in Kind::ALL {
            let ids: Vec<&str> = for_record_type!(kind, ids(store, mode));
            for id in ids {
                push_touched(&mut out, store, Line::Record(mode, kind, id));
            }
        }
    }
    out
}

fn ids<T: Record>(store: &Store, mode: Mode) -> Vec<&str> {
    T::collection(store.mode(mode))
        .iter()
        .map(|(_, v)| v.key())
        .collect()
}

fn apply_record<T: Record>(
    store: &mut Store,
    mode: Mode,
    id: &str,
    seq: Option<u64>,
    value: &RawValue,
) -> Result<(), String> {
    if value.get() == "null" {
        T::collection_mut(store.mode_mut(mode)).remove(id);
        return Ok(());
    }
    let parsed: T = serde_json::from_str(value.get()).map_err(|e| e.to_string())?;
    if parsed.key() != id {
        return Err("the record's key and its object's id differ".into());
    }
    let seq = seq.ok_or("an object record has no sequence number")?;
    T::collection_mut(store.mode_mut(mode)).put(seq, parsed);
    Ok(())
}

fn apply_line(store: &mut Option<Store>, line: &[u8]) -> Result<(), String> {
    let line: LineIn = serde_json::from_slice(line).map_err(|e| e.to_string())?;
    if line.k == "account" {
        let account: Account = serde_json::from_str(line.v.get()).map_err(|e| e.to_string())?;
        match store {
            Some(s) => {
                s.next_seq = account.next_seq;
                s.account = account;
            }
            None => {
                let mut s = Store::new(account.clone());
                s.next_seq = account.next_seq;
                *store = Some(s);
            }
        }
        return Ok(());
    }
    let store = store
        .as_mut()
        .ok_or("a record came before the account record")?;
    let mut parts = line.k.splitn(3, '/');
    let mode = parts.next().and_then(mode_of).ok_or("unknown mode")?;
    match (parts.next(), parts.next()) {
        (Some("clock"), None) => {
            let clock: ClockRecord =
                serde_json::from_str(line.v.get()).map_err(|e| e.to_string())?;
            store.mode_mut(mode).clock_offset_ms = clock.offset_ms;
            Ok(())
        }
        (Some(kind), Some(id)) => {
            let kind = Kind::parse(kind).ok_or("unknown record kind")?;
            let (s, v) = (line.s, line.v);
            for_record_type!(kind, apply_record(store, mode, id, s, v))
        }
        _ => Err("unknown record key".into()),
    }
}

/// Rebuilds a store from a snapshot and the batches written after it.
pub fn restore<'a>(
    snapshot: Option<&'a [u8]>,
    batches: impl Iterator<Item = &'a [u8]>,
) -> Result<Store, RestoreError> {
    let mut store: Option<Store> = None;
    let mut line_no = 0usize;
    for chunk in snapshot.into_iter().chain(batches) {
        for line in chunk.split(|b| *b == b'\n').filter(|l| !l.is_empty()) {
            line_no += 1;
            apply_line(&mut store, line).map_err(|reason| RestoreError::InvalidRecord {
                line: line_no,
                reason,
            })?;
        }
    }
    let mut store = store.ok_or(RestoreError::NoAccount)?;
    store.auth = AuthIndex::rebuild(&store);
    ledger::rebuild(&mut store).map_err(|reason| RestoreError::InvalidRecord {
        line: line_no,
        reason,
    })?;
    clock::rebuild_jobs(&mut store);
    store.touched.clear();
    Ok(store)
}
