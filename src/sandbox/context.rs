//! What a route handler works with: the store seen through one mode, the mode's current time,
//! the request's randomness, who is calling, and the path's parameters.

use std::rc::Rc;

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::error::ApiError;
use crate::ids::{Id, IdPrefix};
use crate::keys::Mode;
use crate::sandbox::api_keys::Caller;
use crate::sandbox::events::{self, EventRequest};
use crate::sandbox::random::RequestRandom;
use crate::sandbox::store::{Record, Store};

pub struct Ctx<'a> {
    pub store: &'a mut Store,
    pub mode: Mode,
    /// The mode's time: host time, plus every clock advance in test mode.
    pub now: DateTime<Utc>,
    pub rng: &'a mut RequestRandom,
    pub caller: Caller,
    /// The origin the request came to (`https://…`), empty for a bare path.
    pub origin: &'a str,
    /// `None` while the clock runs due jobs: their events belong to no request.
    pub request: Option<Rc<EventRequest>>,
    /// The values of the route's `:id` segments, in order.
    pub path: Vec<String>,
}

/// A successful answer: status and JSON body (shared with the object's cache when it is one).
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub body: Rc<str>,
    /// A file instead of JSON (then `body` is empty).
    pub file: Option<File>,
}

/// A response body that is not JSON: a statement, an export.
#[derive(Debug)]
pub struct File {
    pub bytes: Vec<u8>,
    pub content_type: &'static str,
}

impl Reply {
    pub fn ok(value: &impl Serialize) -> Result<Reply, ApiError> {
        Ok(Reply::json(to_json(value)?.into()))
    }

    pub fn json(body: Rc<str>) -> Reply {
        Reply {
            status: 200,
            body,
            file: None,
        }
    }

    /// A file (a statement, an export) of `content_type`.
    pub fn file(bytes: Vec<u8>, content_type: &'static str) -> Reply {
        Reply {
            status: 200,
            body: "".into(),
            file: Some(File {
                bytes,
                content_type,
            }),
        }
    }
}

/// Serializes a wire object. Our types always serialize (string keys, no non-finite floats),
/// but a failure is still an API error, never a panic.
pub fn to_json(value: &impl Serialize) -> Result<String, ApiError> {
    serde_json::to_string(value)
        .map_err(|e| ApiError::internal(format!("could not encode the response: {e}")))
}

impl Ctx<'_> {
    pub fn livemode(&self) -> bool {
        self.mode.is_live()
    }

    pub fn new_id(&mut self, prefix: IdPrefix) -> String {
        Id::generate(prefix, self.rng).into_string()
    }

    /// The `i`-th `:id` of the path.
    pub fn path_id(&self, i: usize) -> &str {
        self.path.get(i).map(String::as_str).unwrap_or("")
    }

    pub fn get<T: Record>(&self, id: &str) -> Option<&T> {
        self.store.get::<T>(self.mode, id)
    }

    /// The object, or the API's 404 (which an object of the other mode also answers).
    pub fn find<T: Record>(&self, id: &str, resource: &str) -> Result<&T, ApiError> {
        self.get::<T>(id)
            .ok_or_else(|| ApiError::not_found(resource, id))
    }

    /// An object named by a body parameter: 400 naming the parameter when it does not exist.
    pub fn find_param<T: Record>(
        &self,
        id: &str,
        param: &str,
        resource: &str,
    ) -> Result<&T, ApiError> {
        self.get::<T>(id).ok_or_else(|| {
            ApiError::invalid_param(
                param,
                "resource_missing",
                format!("No such {resource}: '{id}'"),
            )
        })
    }

    pub fn insert<T: Record>(&mut self, value: T) -> u64 {
        self.store.insert(self.mode, value)
    }

    pub fn modify<T: Record>(&mut self, id: &str) -> Result<&mut T, ApiError> {
        let mode = self.mode;
        self.store
            .modify::<T>(mode, id)
            .ok_or_else(|| ApiError::internal(format!("{} '{id}' vanished", T::KIND.as_str())))
    }

    /// [`Ctx::modify`] for a change to what the wire JSON does not show (see
    /// [`Store::modify_unshown`]).
    pub fn modify_unshown<T: Record>(&mut self, id: &str) -> Result<&mut T, ApiError> {
        let mode = self.mode;
        self.store
            .modify_unshown::<T>(mode, id)
            .ok_or_else(|| ApiError::internal(format!("{} '{id}' vanished", T::KIND.as_str())))
    }

    /// The wire JSON of a stored object, made once per version of it.
    pub fn json<T: Record>(&self, id: &str) -> Result<Rc<str>, ApiError> {
        self.store.json::<T>(self.mode, id)
    }

    /// Answers with a stored object as it is now.
    pub fn reply<T: Record>(&self, id: &str) -> Result<Reply, ApiError> {
        Ok(Reply::json(self.json::<T>(id)?))
    }

    /// Records an event of `event_type` whose `data` is `object`; returns its id.
    pub fn emit(
        &mut self,
        event_type: &'static str,
        object: &impl Serialize,
        object_id: &str,
        payment: Option<&str>,
    ) -> Result<String, ApiError> {
        let data = to_json(object)?;
        events::record(self, event_type.into(), data.into(), object_id, payment)
    }

    /// Records an event about the stored object `id` as it is now (its JSON is shared, not
    /// copied); returns the event's id.
    pub fn emit_stored<T: Record>(
        &mut self,
        event_type: &'static str,
        id: &str,
        payment: Option<&str>,
    ) -> Result<String, ApiError> {
        let data = self.json::<T>(id)?;
        events::record(self, event_type.into(), data, id, payment)
    }
}
