//! Serde for JSON text held as `Rc<str>` (an event's data, a kept response): written into the
//! change log as JSON, not as an escaped string, and read back the same way. Only the storage
//! path goes through here; the API shares the text without re-encoding it.

use std::rc::Rc;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::value::RawValue;

pub fn serialize<S: Serializer>(json: &Rc<str>, s: S) -> Result<S::Ok, S::Error> {
    let raw = RawValue::from_string(json.to_string()).map_err(serde::ser::Error::custom)?;
    raw.serialize(s)
}

pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Rc<str>, D::Error> {
    let raw = Box::<RawValue>::deserialize(d)?;
    Ok(Rc::from(raw.get()))
}
