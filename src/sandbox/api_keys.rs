//! API keys: who is calling, in which mode, with which role.
//!
//! `Authorization: Bearer <key>` or `X-Api-Key: <key>`. Four distinct 401 codes tell a
//! client what is wrong without ever quoting the key: `api_key_missing`, `api_key_malformed`,
//! `api_key_unknown`, `api_key_expired` (rolled or revoked), plus `api_key_wrong_kind` for a
//! publishable key where a secret one is needed. A key carries the role it was created with,
//! which can never exceed its creator's.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::error::ApiError;
use crate::ids::IdPrefix;
use crate::keys::{ApiKey, KeyKind, Mode};
use crate::sandbox::context::{Ctx, Reply};
use crate::sandbox::http::Request;
use crate::sandbox::list;
use crate::sandbox::params::Params;
use crate::sandbox::random::RequestRandom;
use crate::sandbox::roles::{self, Permission, Role};
use crate::sandbox::store::{stored_record, Store};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum KeyStatus {
    Active,
    Revoked,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum ApiKeyObject {
    ApiKey,
}

/// An API key as the API shows it. `secret` appears once: in the answer that created or
/// rolled it.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[cfg_attr(test, ts(rename = "ApiKey"))]
#[serde(rename_all = "camelCase")]
pub struct ApiKeyWire {
    pub id: String,
    pub object: ApiKeyObject,
    #[serde(rename = "type")]
    #[cfg_attr(test, ts(type = "'secret' | 'publishable'"))]
    pub kind: KeyKind,
    /// The role of a secret key; publishable keys have none.
    pub role: Option<Role>,
    pub name: Option<String>,
    /// `sk_test_…abcd`: enough to tell keys apart.
    pub redacted: String,
    pub status: KeyStatus,
    pub livemode: bool,
    #[cfg_attr(test, ts(type = "string"))]
    #[serde(with = "crate::sandbox::timefmt")]
    pub created_at: DateTime<Utc>,
    #[cfg_attr(test, ts(type = "string | null"))]
    #[serde(with = "crate::sandbox::timefmt::option")]
    pub rolled_at: Option<DateTime<Utc>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(test, ts(optional))]
    pub secret: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApiKeyRecord {
    pub key: ApiKeyWire,
    /// The current secret. The simulator keeps it to authenticate (a real service would
    /// keep a hash); it is never shown again after creation.
    pub secret: String,
    /// Secrets this key had before it was rolled: they answer `api_key_expired`.
    pub retired: Vec<String>,
}

stored_record!(ApiKeyRecord, ApiKey, api_keys, |this| key: &this.key.id, wire: &this.key);

/// Secrets to key records, across both modes (a key's prefix carries its mode). Derived.
#[derive(Debug, Default)]
pub struct AuthIndex {
    active: HashMap<String, (Mode, String)>,
    retired: HashSet<String>,
}

impl AuthIndex {
    pub fn add(&mut self, mode: Mode, record: &ApiKeyRecord) {
        for old in &record.retired {
            self.active.remove(old);
            self.retired.insert(old.clone());
        }
        if record.key.status == KeyStatus::Active {
            self.active
                .insert(record.secret.clone(), (mode, record.key.id.clone()));
        } else {
            self.active.remove(&record.secret);
            self.retired.insert(record.secret.clone());
        }
    }

    pub fn rebuild(store: &Store) -> AuthIndex {
        let mut index = AuthIndex::default();
        for mode in [Mode::Live, Mode::Test] {
            for (_, record) in store.mode(mode).api_keys.iter() {
                index.add(mode, record);
            }
        }
        index
    }
}

/// Who is calling.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    pub mode: Mode,
    pub key_id: String,
    pub kind: KeyKind,
    /// `None` for publishable keys.
    pub role: Option<Role>,
    /// The presented secret, for the rate limiter's bucket.
    pub secret: String,
}

impl Caller {
    /// No key: the host itself (reporting a delivery's outcome) or a signed link. Nothing on
    /// such a path checks a role.
    pub fn keyless(mode: Mode) -> Caller {
        Caller {
            mode,
            key_id: String::new(),
            kind: KeyKind::Secret,
            role: None,
            secret: String::new(),
        }
    }
}

/// Finds the calling key. `publishable_allowed` is the route's: publishable keys may only
/// create payment methods.
pub fn authenticate(
    request: &Request,
    store: &Store,
    publishable_allowed: bool,
) -> Result<Caller, ApiError> {
    let authorization = request.header("authorization");
    // Looked for only without `Authorization`, which wins when both are sent.
    let api_key = || request.header("x-api-key");
    let presented = match (
        authorization,
        authorization.is_none().then(api_key).flatten(),
    ) {
        (Some(auth), _) => {
            let (scheme, token) = auth.trim().split_once(' ').unwrap_or((auth, ""));
            if !scheme.eq_ignore_ascii_case("bearer") || token.trim().is_empty() {
                return Err(ApiError::unauthenticated(
                    "api_key_malformed",
                    "the Authorization header must be 'Bearer <secret key>'",
                ));
            }
            token.trim()
        }
        (None, Some(key)) => key.trim(),
        (None, None) => return Err(ApiError::unauthenticated(
            "api_key_missing",
            "no API key: send 'Authorization: Bearer <secret key>' or 'X-Api-Key: <secret key>'",
        )),
    };
    let (kind, _) = ApiKey::check(presented).map_err(|e| {
        ApiError::unauthenticated(
            "api_key_malformed",
            format!("the API key is malformed: {e}"),
        )
    })?;
    let Some((mode, key_id)) = store.auth.active.get(presented) else {
        if store.auth.retired.contains(presented) {
            return Err(ApiError::unauthenticated(
                "api_key_expired",
                "this API key was rolled or revoked; use its replacement",
            ));
        }
        return Err(ApiError::unauthenticated(
            "api_key_unknown",
            format!(
                "no such API key: {}",
                ApiKey::parse(presented)
                    .map(|k| k.redacted())
                    .unwrap_or_default()
            ),
        ));
    };
    let record = store
        .get::<ApiKeyRecord>(*mode, key_id)
        .ok_or_else(|| ApiError::internal("an indexed API key has no record"))?;
    if kind == KeyKind::Publishable && !publishable_allowed {
        return Err(ApiError::unauthenticated(
            "api_key_wrong_kind",
            "a publishable key can only create payment methods; use a secret key",
        ));
    }
    Ok(Caller {
        mode: *mode,
        key_id: key_id.clone(),
        kind,
        role: record.key.role,
        secret: presented.to_owned(),
    })
}

/// 403 unless the caller's role allows `permission`. Publishable keys reach only their one
/// route, which `authenticate` has checked.
pub fn authorize(caller: &Caller, permission: Permission) -> Result<(), ApiError> {
    match caller.role {
        None => Ok(()),
        Some(role) if role.allows(permission) => Ok(()),
        Some(role) => Err(ApiError::forbidden(format!(
            "the {} role cannot {}",
            role.as_str(),
            permission.describe()
        ))),
    }
}

/// Creates a key record (and indexes it). Used by `POST /api_keys` and for the account's
/// first keys.
pub fn issue(
    store: &mut Store,
    mode: Mode,
    kind: KeyKind,
    role: Option<Role>,
    name: Option<String>,
    now: DateTime<Utc>,
    rng: &mut RequestRandom,
) -> ApiKeyRecord {
    let id = crate::ids::Id::generate(IdPrefix::ApiKey, rng)
        .as_str()
        .to_owned();
    let key = ApiKey::generate(kind, mode, rng.secrets());
    let record = ApiKeyRecord {
        key: ApiKeyWire {
            id,
            object: ApiKeyObject::ApiKey,
            kind,
            role: if kind == KeyKind::Secret { role } else { None },
            name,
            redacted: key.redacted(),
            status: KeyStatus::Active,
            livemode: mode.is_live(),
            created_at: now,
            rolled_at: None,
            secret: None,
        },
        secret: key.expose_secret().to_owned(),
        retired: Vec::new(),
    };
    store.auth.add(mode, &record);
    store.insert(mode, record.clone());
    record
}

fn with_secret(record: &ApiKeyRecord) -> ApiKeyWire {
    ApiKeyWire {
        secret: Some(record.secret.clone()),
        ..record.key.clone()
    }
}

/// The caller's role must cover the role of a key it creates or changes.
fn check_role_covers(caller: &Caller, target: Option<Role>) -> Result<(), ApiError> {
    match target {
        Some(target) => roles::require_covers(caller.role, target, "create or change a key with"),
        None => Ok(()),
    }
}

pub fn create(ctx: &mut Ctx, mut params: Params) -> Result<Reply, ApiError> {
    let kind = match params
        .choice("type", &["secret", "publishable"])?
        .as_deref()
    {
        Some("publishable") => KeyKind::Publishable,
        Some(_) => KeyKind::Secret,
        None => {
            return Err(ApiError::invalid_param(
                "type",
                "parameter_missing",
                "missing required parameter 'type' ('secret' or 'publishable')",
            ))
        }
    };
    let role = match params.choice("role", &Role::ALL.map(Role::as_str))? {
        Some(r) => Role::parse(&r),
        None => ctx.caller.role,
    };
    if kind == KeyKind::Publishable && params.has("role") {
        return Err(ApiError::invalid_param(
            "role",
            "parameter_invalid",
            "publishable keys have no role: they can only create payment methods",
        ));
    }
    let name = params.string("name", 100)?;
    params.finish()?;
    check_role_covers(&ctx.caller, role)?;
    let (mode, now) = (ctx.mode, ctx.now);
    let record = issue(ctx.store, mode, kind, role, name, now, ctx.rng);
    ctx.emit_stored::<ApiKeyRecord>("api_key.created", &record.key.id, None)?;
    Reply::ok(&with_secret(&record))
}

pub fn list(ctx: &mut Ctx, mut params: Params) -> Result<Reply, ApiError> {
    let keys = &ctx.store.mode(ctx.mode).api_keys;
    let query = list::read(&mut params, keys)?;
    params.finish()?;
    let (page, has_more) = list::page(keys, &query, |_| true);
    list::reply(keys, &page, has_more, "/v1/api_keys")
}

/// A new secret for the key; the old one answers 401 at once.
pub fn roll(ctx: &mut Ctx, params: Params) -> Result<Reply, ApiError> {
    params.finish()?;
    let id = ctx.path_id(0).to_owned();
    let record = ctx.find::<ApiKeyRecord>(&id, "api_key")?;
    if record.key.status != KeyStatus::Active {
        return Err(ApiError::invalid_param(
            "id",
            "api_key_revoked",
            "a revoked key cannot be rolled",
        ));
    }
    check_role_covers(&ctx.caller, record.key.role)?;
    let fresh = ApiKey::generate(record.key.kind, ctx.mode, ctx.rng.secrets());
    let now = ctx.now;
    let updated = {
        let record = ctx.modify::<ApiKeyRecord>(&id)?;
        let old = std::mem::replace(&mut record.secret, fresh.expose_secret().to_owned());
        record.retired.push(old);
        record.key.redacted = fresh.redacted();
        record.key.rolled_at = Some(now);
        record.clone()
    };
    ctx.store.auth.add(ctx.mode, &updated);
    ctx.emit_stored::<ApiKeyRecord>("api_key.rolled", &id, None)?;
    Reply::ok(&with_secret(&updated))
}

pub fn revoke(ctx: &mut Ctx, params: Params) -> Result<Reply, ApiError> {
    params.finish()?;
    let id = ctx.path_id(0).to_owned();
    let record = ctx.find::<ApiKeyRecord>(&id, "api_key")?;
    check_role_covers(&ctx.caller, record.key.role)?;
    if record.key.status == KeyStatus::Revoked {
        return Err(ApiError::invalid_param(
            "id",
            "api_key_revoked",
            "this key is already revoked",
        ));
    }
    let updated = {
        let record = ctx.modify::<ApiKeyRecord>(&id)?;
        record.key.status = KeyStatus::Revoked;
        record.clone()
    };
    ctx.store.auth.add(ctx.mode, &updated);
    ctx.emit_stored::<ApiKeyRecord>("api_key.revoked", &id, None)?;
    ctx.reply::<ApiKeyRecord>(&id)
}
