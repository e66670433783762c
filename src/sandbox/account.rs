//! The simulated account: one per sandbox, with a live and a test mode, and the Owner's first
//! keys of each mode (what `sandbox.keys` hands to the host).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::keys::Mode;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Account {
    pub id: String,
    pub created_at: DateTime<Utc>,
    /// The next sequence number; stored with the account so that a reopened sandbox numbers
    /// new objects exactly as the original would have.
    pub next_seq: u64,
    pub owner_keys: OwnerKeys,
}

/// Ids (`key_…`) of the Owner's keys created with the account. Rolling one keeps its id, so
/// `sandbox.keys` always shows the current secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OwnerKeys {
    pub live: ModeKeys,
    pub test: ModeKeys,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ModeKeys {
    pub secret: String,
    pub publishable: String,
}

impl OwnerKeys {
    pub fn of(&self, mode: Mode) -> &ModeKeys {
        match mode {
            Mode::Live => &self.live,
            Mode::Test => &self.test,
        }
    }
}
