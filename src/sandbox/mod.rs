//! The sandbox: the whole VINR API simulated as one pure function of its state and a request.
//!
//! [`Sandbox::handle`] takes method, URL, headers and body bytes, the host's time and a random
//! source, and returns the response plus the change records the request wrote. It has no
//! clock, randomness, disk or network of its own, so the same requests with the same time and
//! random bytes give byte-identical responses, and the host decides where state lives (the JS
//! face hands the records to its storage adapter before releasing the response).
//!
//! The order of checks for every request: route (404/405) → key (401) → rate limit (429) →
//! role (403) → mode (403 for test helpers in live) → body (413/400) → due jobs of the mode →
//! idempotency (replay/409) → the route's handler.
//!
//! Webhook deliveries leave through [`Sandbox::take_deliveries`]; the host sends them and
//! reports each outcome with [`Sandbox::record_delivery`] (see `outbox.rs`).

// Every handler returns `Result<_, ApiError>`; the error (144 bytes) is the cold path, and
// boxing it would only move the same bytes to the heap when a request fails.
#![allow(clippy::result_large_err)]

mod account;
pub mod account_settings;
pub mod api_keys;
mod cards;
mod clock;
pub mod context;
pub mod customers;
pub mod deliveries;
pub mod disputes;
pub mod events;
mod files;
mod http;
mod idempotency;
mod json_out;
pub mod ledger;
pub mod list;
mod merge;
mod outbox;
#[cfg(test)]
mod param_types;
mod params;
mod payment_list;
pub mod payment_methods;
pub mod payments;
pub mod payouts;
mod random;
mod rate_limit;
mod records;
pub mod refunds;
mod reporting;
pub mod roles;
pub mod router;
pub mod settlements;
mod shared_json;
pub mod store;
mod stored_json;
pub mod team;
mod timefmt;
pub mod timeline;
#[cfg(test)]
mod ts_types;
pub mod webhook_endpoints;
mod wire_json;

use std::borrow::Cow;
use std::rc::Rc;

use chrono::{DateTime, Utc};
use serde::Deserialize;

use crate::error::ApiError;
use crate::host::RandomSource;
use crate::ids::{Id, IdPrefix};
use crate::keys::{KeyKind, Mode};

pub use http::{Request, Response, MAX_BODY_BYTES, MAX_JSON_DEPTH};
pub use merge::RecordMerger;
pub use outbox::{DeliveryResult, OutgoingDelivery, USER_AGENT};
pub use random::SEED_BYTES;
pub use rate_limit::RateLimit;
pub use records::RestoreError;

use account::{Account, ModeKeys, OwnerKeys};
use api_keys::ApiKeyRecord;
use context::Ctx;
use events::EventRequest;
use http::Target;
use idempotency::{IdempotencyRecord, Lookup};
use params::Params;
use random::RequestRandom;
use rate_limit::RateLimiter;
use roles::Role;
use router::{Access, Miss};
use store::Store;
use team::{TeamMember, TeamMemberObject};

/// How the host runs the sandbox.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SandboxConfig {
    /// Whether requests return change records (only worth it when something stores them).
    #[serde(default)]
    pub record_changes: bool,
    #[serde(default)]
    pub rate_limit: Option<RateLimit>,
}

impl SandboxConfig {
    pub fn from_json(text: &str) -> Result<SandboxConfig, ApiError> {
        let config: SandboxConfig = serde_json::from_str(text).map_err(|e| {
            ApiError::invalid_param(
                "config",
                "option_invalid",
                format!("invalid sandbox configuration: {e}"),
            )
        })?;
        if let Some(limit) = config.rate_limit {
            for (name, value) in [
                (
                    "rateLimit.requestsPerSecond",
                    Some(limit.requests_per_second),
                ),
                ("rateLimit.burst", limit.burst),
            ] {
                if value == Some(0) {
                    return Err(ApiError::invalid_param(
                        name,
                        "option_invalid",
                        format!("{name} must be at least 1"),
                    ));
                }
            }
        }
        Ok(config)
    }
}

/// The change records of one request (or of the account's creation), and their sequence
/// number for [`Sandbox::commit`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangeBatch {
    pub seq: u64,
    pub bytes: Vec<u8>,
}

#[derive(Debug)]
pub struct Outcome {
    pub response: Response,
    pub changes: Option<ChangeBatch>,
}

pub struct Sandbox {
    config: SandboxConfig,
    store: Store,
    limiter: RateLimiter,
    /// The last batch handed out, and the last one the host said is durable.
    batch_seq: u64,
    durable_seq: u64,
}

/// A failure with the headers that go with it (405's `Allow`, 429's `Retry-After`).
struct Failure {
    error: ApiError,
    headers: Vec<(Cow<'static, str>, String)>,
}

impl From<ApiError> for Failure {
    fn from(error: ApiError) -> Failure {
        Failure {
            error,
            headers: Vec::new(),
        }
    }
}

const OWNER_EMAIL: &str = "owner@sandbox.vinr.test";

impl Sandbox {
    /// A new account: its id, the Owner's secret and publishable keys in both modes, and the
    /// Owner as the first team member of each mode. The batch holds all of it.
    pub fn create(
        config: SandboxConfig,
        host_now: DateTime<Utc>,
        random: &mut dyn RandomSource,
    ) -> (Sandbox, ChangeBatch) {
        let mut rng = RequestRandom::draw(random);
        let now = host_now;
        let placeholder = ModeKeys {
            secret: String::new(),
            publishable: String::new(),
        };
        let account = Account {
            id: Id::generate(IdPrefix::Account, &mut rng)
                .as_str()
                .to_owned(),
            created_at: now,
            next_seq: 1,
            owner_keys: OwnerKeys {
                live: placeholder.clone(),
                test: placeholder,
            },
        };
        let mut store = Store::new(account);
        for mode in [Mode::Live, Mode::Test] {
            let secret = api_keys::issue(
                &mut store,
                mode,
                KeyKind::Secret,
                Some(Role::Owner),
                Some("Owner".into()),
                now,
                &mut rng,
            );
            let publishable = api_keys::issue(
                &mut store,
                mode,
                KeyKind::Publishable,
                None,
                Some("Owner".into()),
                now,
                &mut rng,
            );
            let keys = ModeKeys {
                secret: secret.key.id,
                publishable: publishable.key.id,
            };
            match mode {
                Mode::Live => store.account.owner_keys.live = keys,
                Mode::Test => store.account.owner_keys.test = keys,
            }
            let owner = TeamMember {
                id: Id::generate(IdPrefix::TeamMember, &mut rng)
                    .as_str()
                    .to_owned(),
                object: TeamMemberObject::TeamMember,
                email: OWNER_EMAIL.to_owned(),
                role: Role::Owner,
                livemode: mode.is_live(),
                created_at: now,
            };
            store.insert(mode, owner);
        }
        store.touch_account();
        let bytes = records::batch(&mut store).unwrap_or_default();
        let mut sandbox = Sandbox::over(config, store);
        let seq = sandbox.next_batch_seq();
        (sandbox, ChangeBatch { seq, bytes })
    }

    /// Reopens a sandbox from a snapshot and the batches written after it.
    pub fn restore<'a>(
        config: SandboxConfig,
        snapshot: Option<&'a [u8]>,
        batches: impl Iterator<Item = &'a [u8]>,
    ) -> Result<Sandbox, RestoreError> {
        let store = records::restore(snapshot, batches)?;
        Ok(Sandbox::over(config, store))
    }

    /// A sandbox over `store`, with no batch handed out yet.
    fn over(config: SandboxConfig, store: Store) -> Sandbox {
        Sandbox {
            limiter: RateLimiter::new(config.rate_limit),
            config,
            store,
            batch_seq: 0,
            durable_seq: 0,
        }
    }

    fn next_batch_seq(&mut self) -> u64 {
        self.batch_seq += 1;
        if !self.config.record_changes {
            // Nothing to wait for: state in memory is all there is.
            self.durable_seq = self.batch_seq;
        }
        self.batch_seq
    }

    /// The host's storage accepted every batch up to `seq`.
    pub fn commit(&mut self, seq: u64) {
        self.durable_seq = self.durable_seq.max(seq.min(self.batch_seq));
    }

    /// Every record, deterministically: equal states give equal bytes.
    pub fn snapshot(&self) -> Vec<u8> {
        records::snapshot(&self.store)
    }

    /// A snapshot of the state that `snapshot` and the `batches` after it restore to, made
    /// without opening a sandbox on them (see [`RecordMerger`], which a storage adapter runs
    /// in pieces, on a thread other than the one serving requests). It restores to the same
    /// state as they do, though its bytes are not `snapshot()`'s canonical ones.
    pub fn compact<'a>(
        snapshot: Option<&'a [u8]>,
        batches: impl Iterator<Item = &'a [u8]> + Clone,
    ) -> Result<Vec<u8>, RestoreError> {
        merge::merge(snapshot, batches)
    }

    /// `{"test":{"secretKey","publishableKey"},"live":{…}}`: the Owner's current keys.
    pub fn owner_keys_json(&self) -> String {
        let secret_of = |mode: Mode, id: &str| {
            self.store
                .get::<ApiKeyRecord>(mode, id)
                .map(|r| r.secret.clone())
                .unwrap_or_default()
        };
        let keys = |mode: Mode| {
            let ids = self.store.account.owner_keys.of(mode);
            serde_json::json!({
                "secretKey": secret_of(mode, &ids.secret),
                "publishableKey": secret_of(mode, &ids.publishable),
            })
        };
        serde_json::json!({ "test": keys(Mode::Test), "live": keys(Mode::Live) }).to_string()
    }

    /// Test mode's time for a host time (without moving the clock's high-water mark).
    pub fn test_mode_now(&self, host_now: DateTime<Utc>) -> DateTime<Utc> {
        let state = self.store.mode(Mode::Test);
        let shifted = host_now + chrono::Duration::milliseconds(state.clock_offset_ms);
        state.last_now.map_or(shifted, |last| last.max(shifted))
    }

    /// Handles one request. Never panics on any input; every failure is an API error.
    pub fn handle(
        &mut self,
        request: &Request,
        host_now: DateTime<Utc>,
        random: &mut dyn RandomSource,
    ) -> Outcome {
        let mut seed = [0u8; SEED_BYTES];
        random.fill_bytes(&mut seed);
        self.handle_seeded(request, host_now, seed)
    }

    /// [`Sandbox::handle`] with the request's random bytes drawn by the caller: a host whose
    /// random source can fail draws them first, so that a failure never leaves a request
    /// half-applied.
    pub fn handle_seeded(
        &mut self,
        request: &Request,
        host_now: DateTime<Utc>,
        seed: [u8; SEED_BYTES],
    ) -> Outcome {
        let mut rng = RequestRandom::from_seed(seed);
        let request_id = Id::generate(IdPrefix::Request, &mut rng).into_string();
        self.store.touched.clear();
        let pending_batch = self.batch_seq + 1;
        let mut response =
            match self.dispatch(request, host_now, &mut rng, &request_id, pending_batch) {
                Ok(response) => response,
                Err(failure) => {
                    let mut response =
                        Response::error(&failure.error.with_request_id(request_id.clone()));
                    response.headers.extend(failure.headers);
                    response
                }
            };
        response.set_header("Request-Id", request_id);
        let changes = self.finish_batch();
        Outcome { response, changes }
    }

    /// The batch of what the current request (or delivery outcome) touched, if anything.
    fn finish_batch(&mut self) -> Option<ChangeBatch> {
        if self.store.touched.is_empty() {
            None
        } else if self.config.record_changes {
            let bytes = records::batch(&mut self.store).unwrap_or_default();
            Some(ChangeBatch {
                seq: self.next_batch_seq(),
                bytes,
            })
        } else {
            // Nobody stores the records: skip encoding them.
            self.store.touched.clear();
            self.next_batch_seq();
            None
        }
    }

    /// The webhook deliveries due now, signed at the host's wall-clock time `host_now` (the
    /// receiver checks `t` against its own clock, whatever the sandbox's says). Each is under
    /// way until [`Sandbox::record_delivery`] reports it; nothing is written.
    pub fn take_deliveries(&mut self, host_now: DateTime<Utc>) -> Vec<OutgoingDelivery> {
        outbox::take(&mut self.store, host_now)
    }

    /// Records what became of a delivery [`Sandbox::take_deliveries`] handed out (a 2xx
    /// succeeds; anything else is retried on the mode's clock), then runs the mode's due jobs.
    /// Returns the change batch, as [`Sandbox::handle_seeded`] does; an unknown id, or one not
    /// under way, changes nothing.
    pub fn record_delivery(
        &mut self,
        result: DeliveryResult,
        host_now: DateTime<Utc>,
        seed: [u8; SEED_BYTES],
    ) -> Option<ChangeBatch> {
        let mut rng = RequestRandom::from_seed(seed);
        self.store.touched.clear();
        // Like a job's failure during a request: what was applied stays, and is recorded.
        let _ = outbox::record(&mut self.store, &result, host_now, &mut rng);
        self.finish_batch()
    }

    fn dispatch(
        &mut self,
        request: &Request,
        host_now: DateTime<Utc>,
        rng: &mut RequestRandom,
        request_id: &str,
        pending_batch: u64,
    ) -> Result<Response, Failure> {
        let target = Target::parse(request.url)?;
        let (route, path) =
            router::resolve(request.method, &target.path).map_err(|miss| match miss {
                Miss::NotFound(e) => Failure::from(e),
                Miss::MethodNotAllowed(e, allow) => Failure {
                    error: e,
                    headers: vec![(Cow::Borrowed("Allow"), allow)],
                },
            })?;
        let caller = match route.access {
            Access::SignedUrl => files::caller(&target)?,
            access => api_keys::authenticate(request, &self.store, access == Access::Publishable)?,
        };
        self.limiter.check(&caller.secret, host_now).map_err(|e| {
            let headers = e
                .retry_after
                .map(|s| vec![(Cow::Borrowed("Retry-After"), s.to_string())])
                .unwrap_or_default();
            Failure { error: e, headers }
        })?;
        api_keys::authorize(&caller, route.permission)?;
        if route.access == Access::TestMode && caller.mode == Mode::Live {
            return Err(ApiError::permission(
                "test_mode_only",
                "test helpers work in test mode only; use a sk_test_ key",
            )
            .into());
        }
        let is_write = !matches!(route.method, "GET" | "DELETE");
        let params = if is_write {
            if !target.query.is_empty() {
                let name = &target.query[0].0;
                return Err(ApiError::invalid_param(
                    name,
                    "parameter_unknown",
                    format!("unknown query parameter '{name}': send parameters in the JSON body"),
                )
                .into());
            }
            http::check_content_type(request.header("content-type"), request.body)?;
            Params::body(http::parse_body(request.body)?)
        } else {
            Params::query(&target.query)?
        };
        let mode = caller.mode;
        let now = clock::mode_now(&mut self.store, mode, host_now);
        let idempotency_key = if route.method == "POST" {
            request.header("idempotency-key").map(str::to_owned)
        } else {
            None
        };
        let mut ctx = Ctx {
            store: &mut self.store,
            mode,
            now,
            rng,
            caller,
            origin: origin_of(request.url),
            request: Some(Rc::new(EventRequest {
                id: request_id.to_owned(),
                idempotency_key: idempotency_key.clone(),
            })),
            path,
        };
        clock::run_due(&mut ctx)?;

        let fingerprint = match &idempotency_key {
            Some(key) => {
                idempotency::check_key(key)?;
                let fp = idempotency::fingerprint(route.method, &target.path, request.body);
                if let Lookup::Replay(record) =
                    idempotency::lookup(ctx.store, mode, key, &fp, now, self.durable_seq)?
                {
                    let mut response = Response::json(record.status, String::from(&*record.body));
                    response
                        .headers
                        .push((Cow::Borrowed("Idempotent-Replayed"), "true".into()));
                    return Ok(response);
                }
                Some(fp)
            }
            None => None,
        };

        let (status, body, file): (u16, Rc<str>, _) = match (route.handler)(&mut ctx, params) {
            Ok(reply) => (reply.status, reply.body, reply.file),
            Err(e) => {
                let e = e.with_request_id(request_id.to_owned());
                (e.status, e.to_body_json().to_string().into(), None)
            }
        };
        if let (Some(key), Some(fingerprint)) = (idempotency_key, fingerprint) {
            if idempotency::is_replayable(status) {
                ctx.insert(IdempotencyRecord {
                    key,
                    fingerprint,
                    status,
                    body: body.clone(),
                    created_at: now,
                    batch: pending_batch,
                });
            }
        }
        // `String::from(&str)` copies; `Rc<str>::to_string` would go through `Display`.
        let mut response = Response::json(status, String::from(&*body));
        if let Some(file) = file {
            response.set_header("Content-Type", file.content_type.to_owned());
            response.bytes = Some(file.bytes);
        }
        Ok(response)
    }
}

/// The scheme and authority of a request URL (`https://sandbox.api.vinr.com`), or nothing
/// for a bare path: links the API hands out point back where the request came.
fn origin_of(url: &str) -> &str {
    match http::scheme_end(url) {
        Some(i) => {
            let rest = &url[i + 3..];
            let end = rest.find(['/', '?', '#']).map_or(url.len(), |j| i + 3 + j);
            &url[..end]
        }
        None => "",
    }
}
