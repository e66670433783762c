//! The team of each mode: `POST/GET /team/members`, `PATCH/DELETE /team/members/:id`.
//! Grants of one mode are invisible in the other ("granting Support access to live mode does
//! not expose sandbox keys"). Nobody grants a role beyond their own, and the last Owner can
//! neither leave nor be demoted.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::error::ApiError;
use crate::ids::IdPrefix;
use crate::sandbox::context::{Ctx, Reply};
use crate::sandbox::list;
use crate::sandbox::params::Params;
use crate::sandbox::roles::{self, Role};
use crate::sandbox::store::stored_record;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum TeamMemberObject {
    TeamMember,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct TeamMember {
    pub id: String,
    pub object: TeamMemberObject,
    pub email: String,
    pub role: Role,
    pub livemode: bool,
    #[cfg_attr(test, ts(type = "string"))]
    #[serde(with = "crate::sandbox::timefmt")]
    pub created_at: DateTime<Utc>,
}

stored_record!(TeamMember, Member, members, |this| key: &this.id, wire: itself);

/// A plausible address: one `@`, something on both sides, a dot in the domain, no spaces.
pub fn check_email(param: &str, email: &str) -> Result<String, ApiError> {
    let ok = match email.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !domain.contains('@')
                && !email.chars().any(char::is_whitespace)
        }
        None => false,
    };
    if ok {
        Ok(email.to_owned())
    } else {
        Err(ApiError::invalid_param(
            param,
            "email_invalid",
            format!("'{param}' is not an email address"),
        ))
    }
}

fn role_param(params: &mut Params) -> Result<Option<Role>, ApiError> {
    Ok(params
        .choice("role", &Role::ALL.map(Role::as_str))?
        .and_then(|r| Role::parse(&r)))
}

fn check_grant(ctx: &Ctx, role: Role) -> Result<(), ApiError> {
    roles::require_covers(ctx.caller.role, role, "grant or change")
}

fn owners(ctx: &Ctx) -> usize {
    ctx.store
        .mode(ctx.mode)
        .members
        .iter()
        .filter(|(_, m)| m.role == Role::Owner)
        .count()
}

pub fn create(ctx: &mut Ctx, mut params: Params) -> Result<Reply, ApiError> {
    let email = check_email("email", &params.required_string("email", 254)?)?;
    let role = role_param(&mut params)?.ok_or_else(|| {
        ApiError::invalid_param(
            "role",
            "parameter_missing",
            "missing required parameter 'role'",
        )
    })?;
    params.finish()?;
    check_grant(ctx, role)?;
    let taken = ctx
        .store
        .mode(ctx.mode)
        .members
        .iter()
        .any(|(_, m)| m.email.eq_ignore_ascii_case(&email));
    if taken {
        return Err(ApiError::invalid_param(
            "email",
            "member_exists",
            "this email is already a member of the team in this mode",
        ));
    }
    let member = TeamMember {
        id: ctx.new_id(IdPrefix::TeamMember),
        object: TeamMemberObject::TeamMember,
        email,
        role,
        livemode: ctx.livemode(),
        created_at: ctx.now,
    };
    ctx.insert(member.clone());
    ctx.emit_stored::<TeamMember>("team_member.created", &member.id, None)?;
    ctx.reply::<TeamMember>(&member.id)
}

pub fn list(ctx: &mut Ctx, mut params: Params) -> Result<Reply, ApiError> {
    let members = &ctx.store.mode(ctx.mode).members;
    let query = list::read(&mut params, members)?;
    params.finish()?;
    let (page, has_more) = list::page(members, &query, |_| true);
    list::reply(members, &page, has_more, "/v1/team/members")
}

pub fn update(ctx: &mut Ctx, mut params: Params) -> Result<Reply, ApiError> {
    let role = role_param(&mut params)?;
    params.finish()?;
    let id = ctx.path_id(0).to_owned();
    let current = ctx.find::<TeamMember>(&id, "team_member")?.role;
    let Some(role) = role else {
        return ctx.reply::<TeamMember>(&id);
    };
    check_grant(ctx, current)?;
    check_grant(ctx, role)?;
    if current == Role::Owner && role != Role::Owner && owners(ctx) == 1 {
        return Err(ApiError::invalid_param(
            "role",
            "last_owner",
            "the last Owner cannot be demoted; make someone else Owner first",
        ));
    }
    ctx.modify::<TeamMember>(&id)?.role = role;
    ctx.emit_stored::<TeamMember>("team_member.updated", &id, None)?;
    ctx.reply::<TeamMember>(&id)
}

pub fn remove(ctx: &mut Ctx, params: Params) -> Result<Reply, ApiError> {
    params.finish()?;
    let id = ctx.path_id(0).to_owned();
    let current = ctx.find::<TeamMember>(&id, "team_member")?.role;
    check_grant(ctx, current)?;
    if current == Role::Owner && owners(ctx) == 1 {
        return Err(ApiError::invalid_param(
            "id",
            "last_owner",
            "the last Owner cannot be removed",
        ));
    }
    let member = ctx
        .store
        .remove::<TeamMember>(ctx.mode, &id)
        .ok_or_else(|| ApiError::not_found("team_member", &id))?;
    ctx.emit("team_member.deleted", &member, &id, None)?;
    Reply::ok(&Deleted::new(&id, "team_member"))
}

/// The answer to a DELETE: `{"id","object","deleted":true}`.
#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Deleted {
    pub id: String,
    pub object: String,
    pub deleted: bool,
}

impl Deleted {
    pub fn new(id: &str, object: &str) -> Deleted {
        Deleted {
            id: id.to_owned(),
            object: object.to_owned(),
            deleted: true,
        }
    }
}
