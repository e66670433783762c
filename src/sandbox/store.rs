//! Where the sandbox keeps its objects: one [`Collection`] per kind and mode, ordered by a
//! global sequence number so that lists are newest first and stable under concurrent inserts
//! (a new object always gets a higher number than every object a cursor has seen).
//!
//! Every write goes through [`Store`] methods that remember what they touched; after a request
//! the touched records become its change batch (see `records.rs`).

use std::cell::OnceCell;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::hash::BuildHasherDefault;
use std::rc::Rc;

use chrono::{DateTime, Utc};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::error::ApiError;
pub use crate::ids::IdHasher;
use crate::keys::Mode;

/// The kinds of stored records; the second part of a record key (`test/payment/pay_…`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    Payment,
    PaymentMethod,
    Customer,
    Refund,
    Dispute,
    Event,
    ApiKey,
    Member,
    Idempotency,
    AccountSettings,
    LedgerOp,
    WebhookEndpoint,
    WebhookDelivery,
}

impl Kind {
    pub const ALL: [Kind; 13] = [
        Kind::AccountSettings,
        Kind::LedgerOp,
        Kind::ApiKey,
        Kind::Member,
        Kind::Customer,
        Kind::PaymentMethod,
        Kind::Payment,
        Kind::Refund,
        Kind::Dispute,
        Kind::Event,
        Kind::Idempotency,
        Kind::WebhookEndpoint,
        Kind::WebhookDelivery,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Payment => "payment",
            Kind::PaymentMethod => "payment_method",
            Kind::Customer => "customer",
            Kind::Refund => "refund",
            Kind::Dispute => "dispute",
            Kind::Event => "event",
            Kind::ApiKey => "api_key",
            Kind::Member => "team_member",
            Kind::Idempotency => "idempotency",
            Kind::AccountSettings => "account_settings",
            Kind::LedgerOp => "ledger_op",
            Kind::WebhookEndpoint => "webhook_endpoint",
            Kind::WebhookDelivery => "webhook_delivery",
        }
    }

    pub fn parse(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// A stored object: serializable for the change log, addressable by its id.
pub trait Record: Serialize + DeserializeOwned + Sized + 'static {
    const KIND: Kind;
    fn key(&self) -> &str;
    fn collection(mode: &ModeState) -> &Collection<Self>;
    fn collection_mut(mode: &mut ModeState) -> &mut Collection<Self>;
    /// The object as the API shows it, as JSON (the record may hold more than the wire shows).
    fn wire_json(&self) -> Result<String, ApiError>;

    /// Appends the record as the change log stores it: its serde JSON, byte for byte. `wire`
    /// is the wire JSON cached for this version, if any, which a record whose stored form
    /// contains its wire form splices in instead of serializing it a second time.
    fn write_stored(&self, wire: Option<&str>, out: &mut Vec<u8>) -> Result<(), ApiError> {
        let _ = wire;
        crate::sandbox::stored_json::push_value(out, self)
    }
}

/// Implements [`Record`] for a type kept in `ModeState::$field`, whose id is `$key` and which
/// the API shows as `$wire` (both expressions of `$this`).
macro_rules! stored_record {
    // The stored form is the wire form, which `$writer` writes (a `fn(&Self) ->
    // Result<String, ApiError>`, faster than serde): a batch writes the cached wire JSON.
    ($ty:ty, $kind:ident, $field:ident, |$this:ident| key: $key:expr, wire: itself by $writer:path) => {
        $crate::sandbox::store::stored_record!(@impl $ty, $kind, $field, |$this| key: $key, {
            fn wire_json(&self) -> Result<String, $crate::error::ApiError> {
                $writer(self)
            }
            fn write_stored(
                &self,
                wire: Option<&str>,
                out: &mut Vec<u8>,
            ) -> Result<(), $crate::error::ApiError> {
                match wire {
                    Some(json) => out.extend_from_slice(json.as_bytes()),
                    None => out.extend_from_slice($writer(self)?.as_bytes()),
                }
                Ok(())
            }
        });
    };
    // The stored form is the wire form, serialized by serde: a batch writes the cached wire JSON.
    ($ty:ty, $kind:ident, $field:ident, |$this:ident| key: $key:expr, wire: itself) => {
        $crate::sandbox::store::stored_record!(@impl $ty, $kind, $field, |$this| key: $key, {
            fn wire_json(&self) -> Result<String, $crate::error::ApiError> {
                $crate::sandbox::context::to_json(self)
            }
            fn write_stored(
                &self,
                wire: Option<&str>,
                out: &mut Vec<u8>,
            ) -> Result<(), $crate::error::ApiError> {
                match wire {
                    Some(json) => {
                        out.extend_from_slice(json.as_bytes());
                        Ok(())
                    }
                    None => $crate::sandbox::stored_json::push_value(out, self),
                }
            }
        });
    };
    ($ty:ty, $kind:ident, $field:ident, |$this:ident| key: $key:expr, wire: $wire:expr) => {
        $crate::sandbox::store::stored_record!(@impl $ty, $kind, $field, |$this| key: $key, {
            fn wire_json(&self) -> Result<String, $crate::error::ApiError> {
                let $this = self;
                $crate::sandbox::context::to_json($wire)
            }
        });
    };
    // The type writes its JSON itself: `wire_json`, and `write_stored` if not serde's.
    ($ty:ty, $kind:ident, $field:ident, |$this:ident| key: $key:expr, { $($items:item)* }) => {
        $crate::sandbox::store::stored_record!(@impl $ty, $kind, $field, |$this| key: $key, { $($items)* });
    };
    (@impl $ty:ty, $kind:ident, $field:ident, |$this:ident| key: $key:expr, { $($items:item)* }) => {
        impl $crate::sandbox::store::Record for $ty {
            const KIND: $crate::sandbox::store::Kind = $crate::sandbox::store::Kind::$kind;
            fn key(&self) -> &str {
                let $this = self;
                $key
            }
            fn collection(
                mode: &$crate::sandbox::store::ModeState,
            ) -> &$crate::sandbox::store::Collection<Self> {
                &mode.$field
            }
            fn collection_mut(
                mode: &mut $crate::sandbox::store::ModeState,
            ) -> &mut $crate::sandbox::store::Collection<Self> {
                &mut mode.$field
            }
            $($items)*
        }
    };
}
pub(crate) use stored_record;

/// An object and, once asked for, its wire JSON. The JSON is made at most once per version of
/// the object and shared (`Rc`) by the response, the events and the lists that show that
/// version: serialization is most of what the sandbox does, so it is done once.
#[derive(Debug)]
struct Slot<T> {
    value: T,
    json: OnceCell<Rc<str>>,
}

/// Objects of one kind, by sequence number, with an index by id.
#[derive(Debug)]
pub struct Collection<T> {
    by_seq: BTreeMap<u64, Slot<T>>,
    index: HashMap<Box<str>, u64, BuildHasherDefault<IdHasher>>,
}

impl<T> Default for Collection<T> {
    fn default() -> Self {
        Collection {
            by_seq: BTreeMap::new(),
            index: HashMap::default(),
        }
    }
}

impl<T: Record> Collection<T> {
    pub fn get(&self, id: &str) -> Option<&T> {
        self.index
            .get(id)
            .and_then(|seq| self.by_seq.get(seq))
            .map(|slot| &slot.value)
    }

    /// The wire JSON of the object `id`, made once per version.
    pub fn json(&self, id: &str) -> Option<Result<Rc<str>, ApiError>> {
        self.json_at(*self.index.get(id)?)
    }

    /// [`Collection::json`] of the object numbered `seq` (as lists walk them).
    pub fn json_at(&self, seq: u64) -> Option<Result<Rc<str>, ApiError>> {
        let slot = self.by_seq.get(&seq)?;
        if let Some(json) = slot.json.get() {
            return Some(Ok(json.clone()));
        }
        Some(slot.value.wire_json().map(|text| {
            let json: Rc<str> = text.into();
            // Cannot be set already: it was empty just above, and nothing ran in between.
            let _ = slot.json.set(json.clone());
            json
        }))
    }

    /// The object `id` with its sequence number and its wire JSON if cached: what a change
    /// record is written from (see [`Record::write_stored`]).
    pub(crate) fn stored(&self, id: &str) -> Option<(u64, &T, Option<&str>)> {
        let seq = *self.index.get(id)?;
        let slot = self.by_seq.get(&seq)?;
        Some((seq, &slot.value, slot.json.get().map(|j| &**j)))
    }

    /// The id of the object numbered `seq`.
    pub fn key_at(&self, seq: u64) -> Option<&str> {
        self.by_seq.get(&seq).map(|slot| slot.value.key())
    }

    pub fn seq_of(&self, id: &str) -> Option<u64> {
        self.index.get(id).copied()
    }

    pub fn len(&self) -> usize {
        self.by_seq.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_seq.is_empty()
    }

    /// Oldest first.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = (u64, &T)> {
        self.by_seq.iter().map(|(s, v)| (*s, &v.value))
    }

    /// Objects with a sequence number below `before` (all when `None`), newest first.
    pub fn older_than(&self, before: Option<u64>) -> impl Iterator<Item = (u64, &T)> {
        self.by_seq
            .range(..before.unwrap_or(u64::MAX))
            .rev()
            .map(|(s, v)| (*s, &v.value))
    }

    /// Objects with a sequence number above `after`, oldest first.
    pub fn newer_than(&self, after: u64) -> impl Iterator<Item = (u64, &T)> {
        self.by_seq
            .range(after.saturating_add(1)..)
            .map(|(s, v)| (*s, &v.value))
    }

    pub(crate) fn put(&mut self, seq: u64, value: T) {
        if let Some(old) = self.index.insert(value.key().into(), seq) {
            if old != seq {
                self.by_seq.remove(&old);
            }
        }
        self.by_seq.insert(
            seq,
            Slot {
                value,
                json: OnceCell::new(),
            },
        );
    }

    /// The object to change; its cached JSON is dropped, as it describes the old version,
    /// unless `shown` is false: the change is to what the wire JSON leaves out.
    fn get_mut(&mut self, id: &str, shown: bool) -> Option<(u64, &mut T)> {
        let seq = *self.index.get(id)?;
        let slot = self.by_seq.get_mut(&seq)?;
        if shown {
            slot.json.take();
        }
        Some((seq, &mut slot.value))
    }

    pub(crate) fn remove(&mut self, id: &str) -> Option<T> {
        let seq = self.index.remove(id)?;
        self.by_seq.remove(&seq).map(|slot| slot.value)
    }
}

/// A delayed consequence that fires when its mode's clock passes `due`: it is derived from
/// the stored objects (see `clock::rebuild_jobs`), so it needs no record of its own.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Job {
    pub due: DateTime<Utc>,
    pub seq: u64,
    pub kind: JobKind,
    pub id: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum JobKind {
    /// An authorization not captured in time is canceled.
    ExpireAuthorization,
    /// The dispute test card opens a dispute a simulated day after capture.
    OpenDispute,
    /// A dispute without evidence at its `dueBy` is lost.
    DisputeDeadline,
    /// A webhook delivery's next attempt falls due (`id` is the delivery's).
    RetryDelivery,
    /// An endpoint still failing 3 days after it began to is disabled (`id` is the endpoint's).
    DisableWebhookEndpoint,
}

/// Everything of one mode. Objects of the other mode are not reachable from here, which is
/// what makes an id of one mode a 404 in the other.
#[derive(Debug, Default)]
pub struct ModeState {
    pub payments: Collection<crate::sandbox::payments::PaymentRecord>,
    pub payment_methods: Collection<crate::sandbox::payment_methods::PaymentMethodRecord>,
    pub customers: Collection<crate::sandbox::customers::CustomerRecord>,
    pub refunds: Collection<crate::sandbox::refunds::Refund>,
    pub disputes: Collection<crate::sandbox::disputes::Dispute>,
    pub events: Collection<crate::sandbox::events::EventRecord>,
    pub api_keys: Collection<crate::sandbox::api_keys::ApiKeyRecord>,
    pub members: Collection<crate::sandbox::team::TeamMember>,
    pub idempotency: Collection<crate::sandbox::idempotency::IdempotencyRecord>,
    pub settings: Collection<crate::sandbox::account_settings::AccountSettings>,
    pub ledger_ops: Collection<crate::sandbox::ledger::LedgerOp>,
    /// Derived from `settings` and `ledger_ops`, not stored: rebuilt on restore.
    pub books: Option<Box<crate::sandbox::ledger::Books>>,
    pub webhook_endpoints: Collection<crate::sandbox::webhook_endpoints::EndpointRecord>,
    pub webhook_deliveries: Collection<crate::sandbox::deliveries::DeliveryRecord>,
    /// Delivery attempts due or under way. Not stored: after a restore, `rebuild_jobs` makes
    /// every pending delivery due again, so an attempt lost in a crash is sent again.
    pub outbox: crate::sandbox::outbox::Outbox,
    /// Milliseconds added to the host clock by `test_helpers/clock/advance`.
    pub clock_offset_ms: i64,
    /// Derived, not stored: rebuilt on restore.
    pub jobs: BTreeSet<Job>,
    /// The latest time this mode has seen, so that its clock never runs backwards even when
    /// the host's does. Not stored: a reopened sandbox starts from the host clock again.
    pub last_now: Option<DateTime<Utc>>,
}

/// A record that changed during the current request (`records::batch` orders them).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Touched {
    Account,
    Clock(Mode),
    /// An object inserted or changed, by its sequence number: its id is read when a batch is
    /// written, and never copied when none is (every request touches several).
    Record(Mode, Kind, u64),
    /// An object removed, by its id.
    Removed(Mode, Kind, String),
}

/// The persistent state of the sandbox, plus the log of what the current request touched.
#[derive(Debug)]
pub struct Store {
    pub account: crate::sandbox::account::Account,
    pub next_seq: u64,
    live: ModeState,
    test: ModeState,
    /// Derived from the API key records, not stored: rebuilt on restore.
    pub auth: crate::sandbox::api_keys::AuthIndex,
    pub touched: Vec<Touched>,
}

impl Store {
    pub fn new(account: crate::sandbox::account::Account) -> Store {
        Store {
            account,
            next_seq: 1,
            live: ModeState::default(),
            test: ModeState::default(),
            auth: Default::default(),
            touched: Vec::new(),
        }
    }

    pub fn mode(&self, mode: Mode) -> &ModeState {
        match mode {
            Mode::Live => &self.live,
            Mode::Test => &self.test,
        }
    }

    pub fn mode_mut(&mut self, mode: Mode) -> &mut ModeState {
        match mode {
            Mode::Live => &mut self.live,
            Mode::Test => &mut self.test,
        }
    }

    pub fn get<T: Record>(&self, mode: Mode, id: &str) -> Option<&T> {
        T::collection(self.mode(mode)).get(id)
    }

    /// The wire JSON of a stored object (see [`Collection::json`]).
    pub fn json<T: Record>(&self, mode: Mode, id: &str) -> Result<Rc<str>, ApiError> {
        T::collection(self.mode(mode)).json(id).unwrap_or_else(|| {
            Err(ApiError::internal(format!(
                "{} '{id}' vanished",
                T::KIND.as_str()
            )))
        })
    }

    /// Stores a new object under a fresh sequence number.
    pub fn insert<T: Record>(&mut self, mode: Mode, value: T) -> u64 {
        let seq = self.next_seq;
        self.next_seq += 1;
        self.touched.push(Touched::Account);
        self.touched.push(Touched::Record(mode, T::KIND, seq));
        T::collection_mut(self.mode_mut(mode)).put(seq, value);
        seq
    }

    /// The object to change in place; the change is recorded.
    pub fn modify<T: Record>(&mut self, mode: Mode, id: &str) -> Option<&mut T> {
        self.modify_as::<T>(mode, id, true)
    }

    /// [`Store::modify`] for a change to what the wire JSON does not show (a payment's
    /// timeline): the JSON made for the responses and events stays valid, and is not made again.
    pub fn modify_unshown<T: Record>(&mut self, mode: Mode, id: &str) -> Option<&mut T> {
        self.modify_as::<T>(mode, id, false)
    }

    fn modify_as<T: Record>(&mut self, mode: Mode, id: &str, shown: bool) -> Option<&mut T> {
        // The fields by name, so that the collection and the touched log borrow apart.
        let state = match mode {
            Mode::Live => &mut self.live,
            Mode::Test => &mut self.test,
        };
        let (seq, found) = T::collection_mut(state).get_mut(id, shown)?;
        self.touched.push(Touched::Record(mode, T::KIND, seq));
        Some(found)
    }

    pub fn remove<T: Record>(&mut self, mode: Mode, id: &str) -> Option<T> {
        let removed = T::collection_mut(self.mode_mut(mode)).remove(id);
        if removed.is_some() {
            self.touched
                .push(Touched::Removed(mode, T::KIND, id.to_owned()));
        }
        removed
    }

    pub fn set_clock_offset(&mut self, mode: Mode, offset_ms: i64) {
        self.mode_mut(mode).clock_offset_ms = offset_ms;
        self.touched.push(Touched::Clock(mode));
    }

    pub fn touch_account(&mut self) {
        self.touched.push(Touched::Account);
    }
}
