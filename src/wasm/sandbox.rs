//! The simulator for JS (`@vinr/sdk/sandbox`): converts values and calls
//! [`crate::sandbox::Sandbox`]. Every status, message and rule lives in the core.
//!
//! One request crosses the boundary as few times as possible: `handle` takes the request in
//! primitive pieces and returns the body; the status, headers and change records of that same
//! response are read afterwards with `status()`, `headers()` and `takeChanges()`.

use chrono::{DateTime, Utc};
use wasm_bindgen::prelude::*;

use super::error;
use super::host::JsRandom;
use crate::error::ApiError;
use crate::host::RandomSource;
use crate::sandbox::{DeliveryResult, Request, Response, Sandbox, SandboxConfig, SEED_BYTES};

/// One sandbox: an account with its live and test modes, and everything in them.
#[wasm_bindgen]
pub struct SandboxCore {
    sandbox: Sandbox,
    last: Response,
    changes: Option<Vec<u8>>,
    changes_seq: u64,
}

#[wasm_bindgen]
impl SandboxCore {
    /// A new account (keys, owner, modes) at host time `host_now_ms`. Its first change records
    /// (the account itself) are waiting in `takeChanges()`.
    pub fn create(
        config: &str,
        host_now_ms: f64,
        fill: &js_sys::Function,
    ) -> Result<SandboxCore, JsValue> {
        let config = parse_config(config)?;
        let now = host_time(host_now_ms)?;
        let seed = draw_seed(fill)?;
        let (sandbox, batch) = Sandbox::create(config, now, &mut Seed(Some(seed)));
        Ok(SandboxCore {
            sandbox,
            last: Response::empty(),
            changes_seq: batch.seq,
            changes: Some(batch.bytes),
        })
    }

    /// Reopens a sandbox from what a storage adapter held: an optional snapshot, then the
    /// change batches written after it, in order.
    pub fn restore(
        config: &str,
        snapshot: Option<Vec<u8>>,
        batches: Vec<js_sys::Uint8Array>,
    ) -> Result<SandboxCore, JsValue> {
        let config = parse_config(config)?;
        let batches: Vec<Vec<u8>> = batches.iter().map(js_sys::Uint8Array::to_vec).collect();
        let sandbox = Sandbox::restore(
            config,
            snapshot.as_deref(),
            batches.iter().map(Vec::as_slice),
        )
        .map_err(|e| restore_error(&e))?;
        Ok(SandboxCore {
            sandbox,
            last: Response::empty(),
            changes: None,
            changes_seq: 0,
        })
    }

    /// Handles one request and returns its body. `headers` is `name\nvalue\n…` (HTTP forbids
    /// newlines inside both). `fill` is the host's random source.
    pub fn handle(
        &mut self,
        method: &str,
        url: &str,
        headers: &str,
        body: &[u8],
        host_now_ms: f64,
        fill: &js_sys::Function,
    ) -> Result<String, JsValue> {
        let pairs = split_headers(headers);
        let request = Request {
            method,
            url,
            headers: &pairs,
            body,
        };
        let now = host_time(host_now_ms)?;
        let seed = draw_seed(fill)?;
        let outcome = self.sandbox.handle_seeded(&request, now, seed);
        self.last = outcome.response;
        match outcome.changes {
            Some(batch) => {
                self.changes_seq = batch.seq;
                self.changes = Some(batch.bytes);
            }
            None => self.changes = None,
        }
        Ok(std::mem::take(&mut self.last.body))
    }

    /// The bytes of the last response when it is a file (its `handle` text is then empty),
    /// once.
    #[wasm_bindgen(js_name = takeBodyBytes)]
    pub fn take_body_bytes(&mut self) -> Option<Vec<u8>> {
        self.last.bytes.take()
    }

    /// The webhook deliveries due now, as JSON `[{id, url, headers: [[name, value]], body}]`,
    /// signed at the host's wall-clock time; `undefined` when none is (the usual case, checked
    /// without allocating). Report each with `recordDelivery`.
    #[wasm_bindgen(js_name = takeDeliveries)]
    pub fn take_deliveries(&mut self, host_now_ms: f64) -> Result<Option<String>, JsValue> {
        let now = host_time(host_now_ms)?;
        let deliveries = self.sandbox.take_deliveries(now);
        if deliveries.is_empty() {
            return Ok(None);
        }
        serde_json::to_string(&deliveries)
            .map(Some)
            .map_err(|e| error::to_js(&ApiError::internal(e.to_string())))
    }

    /// Records what became of a delivery: `result` is JSON
    /// `{id, status: number | null, durationMs, error: string | null}`. Its change records are
    /// then read with `takeChanges()`/`changesSeq()`, as after `handle`.
    #[wasm_bindgen(js_name = recordDelivery)]
    pub fn record_delivery(
        &mut self,
        result: &str,
        host_now_ms: f64,
        fill: &js_sys::Function,
    ) -> Result<(), JsValue> {
        let result = DeliveryResult::from_json(result).map_err(|e| error::to_js(&e))?;
        let now = host_time(host_now_ms)?;
        let seed = draw_seed(fill)?;
        match self.sandbox.record_delivery(result, now, seed) {
            Some(batch) => {
                self.changes_seq = batch.seq;
                self.changes = Some(batch.bytes);
            }
            None => self.changes = None,
        }
        Ok(())
    }

    /// The status of the last response.
    pub fn status(&self) -> u16 {
        self.last.status
    }

    /// The headers of the last response, as `name\nvalue\n…`.
    pub fn headers(&self) -> String {
        let mut out = String::new();
        for (name, value) in &self.last.headers {
            out.push_str(name);
            out.push('\n');
            out.push_str(value);
            out.push('\n');
        }
        out
    }

    /// The change records of the last request (or of `create`), once; `undefined` when it
    /// changed nothing or the sandbox records no changes.
    #[wasm_bindgen(js_name = takeChanges)]
    pub fn take_changes(&mut self) -> Option<Vec<u8>> {
        self.changes.take()
    }

    /// The sequence number of the batch `takeChanges()` returned: hand it to `commit` once the
    /// storage adapter accepted the batch.
    #[wasm_bindgen(js_name = changesSeq)]
    pub fn changes_seq(&self) -> f64 {
        self.changes_seq as f64
    }

    /// Every batch up to `seq` is durable: idempotent requests whose first attempt wrote them
    /// now replay instead of answering 409 `idempotency_request_in_progress`.
    pub fn commit(&mut self, seq: f64) {
        if seq.is_finite() && seq >= 0.0 {
            self.sandbox.commit(seq as u64);
        }
    }

    /// The whole state, deterministically encoded: equal states give equal bytes.
    pub fn snapshot(&self) -> Vec<u8> {
        self.sandbox.snapshot()
    }

    /// The owner's keys of both modes, as JSON:
    /// `{"test":{"secretKey","publishableKey"},"live":{…}}`.
    #[wasm_bindgen(js_name = ownerKeys)]
    pub fn owner_keys(&self) -> String {
        self.sandbox.owner_keys_json()
    }

    /// Sandbox time of the test mode (host time plus every advance), in milliseconds.
    #[wasm_bindgen(js_name = testModeNow)]
    pub fn test_mode_now(&self, host_now_ms: f64) -> Result<f64, JsValue> {
        let now = self.sandbox.test_mode_now(host_time(host_now_ms)?);
        Ok(now.timestamp_millis() as f64)
    }
}

/// The request's random bytes from the host's `fill`, drawn before the core changes anything:
/// if the host's source throws, nothing was applied.
fn draw_seed(fill: &js_sys::Function) -> Result<[u8; SEED_BYTES], JsValue> {
    let mut seed = [0u8; SEED_BYTES];
    let mut random = JsRandom::new(fill);
    random.fill_bytes(&mut seed);
    random.finish()?;
    Ok(seed)
}

/// The bytes drawn up front, handed to the core's one draw.
struct Seed(Option<[u8; SEED_BYTES]>);

impl RandomSource for Seed {
    fn fill_bytes(&mut self, dest: &mut [u8]) {
        let seed = self.0.take().unwrap_or([0; SEED_BYTES]);
        for (d, s) in dest.iter_mut().zip(seed.iter().cycle()) {
            *d = *s;
        }
    }
}

fn parse_config(config: &str) -> Result<SandboxConfig, JsValue> {
    SandboxConfig::from_json(config).map_err(|e| error::to_js(&e))
}

fn host_time(ms: f64) -> Result<DateTime<Utc>, JsValue> {
    let invalid = || {
        error::to_js(&ApiError::invalid_param(
            "clock",
            "clock_invalid",
            "the clock must return milliseconds since the Unix epoch, as Date.now() does",
        ))
    };
    if !ms.is_finite() || ms.fract() != 0.0 || ms.abs() > 8.64e15 {
        return Err(invalid());
    }
    DateTime::from_timestamp_millis(ms as i64).ok_or_else(invalid)
}

fn split_headers(text: &str) -> Vec<(&str, &str)> {
    let mut parts = text.split('\n');
    let mut pairs = Vec::new();
    while let (Some(name), Some(value)) = (parts.next(), parts.next()) {
        pairs.push((name, value));
    }
    pairs
}

/// The largest request body the simulator reads. A server hands it at most one byte more, so
/// the core answers the 413 and no server keeps a limit of its own to drift from this one.
#[wasm_bindgen(js_name = maxBodyBytes)]
pub fn max_body_bytes() -> u32 {
    u32::try_from(crate::sandbox::MAX_BODY_BYTES).unwrap_or(u32::MAX)
}

/// The file storage's compaction (see `crate::sandbox::RecordMerger`), run in a worker thread
/// so that the server never stops for it: `scan` every piece of the snapshot and the batches
/// after it, then hand the same pieces to `keep`, which gives back the records of each that
/// survive, and call `finish`. A piece is whole lines (records are lines, so any number of
/// batches joined with newlines is a piece). Fails as `SandboxCore.restore` does on records it
/// cannot read.
#[wasm_bindgen]
pub struct RecordMerger {
    merger: crate::sandbox::RecordMerger,
}

#[wasm_bindgen]
impl RecordMerger {
    #[wasm_bindgen(constructor)]
    pub fn new() -> RecordMerger {
        RecordMerger {
            merger: crate::sandbox::RecordMerger::new(),
        }
    }

    /// The first pass, over the next piece.
    pub fn scan(&mut self, piece: &[u8]) -> Result<(), JsValue> {
        self.merger.scan(piece).map_err(|e| restore_error(&e))
    }

    /// The second pass, over the next piece: its records that survive.
    pub fn keep(&mut self, piece: &[u8]) -> Result<Vec<u8>, JsValue> {
        self.merger.keep(piece).map_err(|e| restore_error(&e))
    }

    /// Fails unless the second pass saw every record of the first.
    pub fn finish(&self) -> Result<(), JsValue> {
        self.merger.finish().map_err(|e| restore_error(&e))
    }
}

impl Default for RecordMerger {
    fn default() -> Self {
        Self::new()
    }
}

fn restore_error(e: &crate::sandbox::RestoreError) -> JsValue {
    error::to_js(&ApiError::internal(e.to_string()))
}
