//! Signed file URLs: `GET /v1/files/statements/<setl_…>.<csv|pdf>?mode&expires&signature`.
//!
//! A statement link works without an API key until it expires (sandbox time of its mode), as
//! a link handed to a finance team or a browser should. The signature is HMAC-SHA256, keyed
//! with the mode's file key, over the mode, the path and the expiry (the webhook signer's
//! `"<t>.<payload>"` construction with `t` the expiry), so neither can be changed; a wrong
//! signature and an expired link answer 403 with distinct codes.

use chrono::{DateTime, Utc};

use crate::error::ApiError;
use crate::keys::Mode;
use crate::sandbox::api_keys::Caller;
use crate::sandbox::context::{Ctx, Reply};
use crate::sandbox::http::Target;
use crate::sandbox::ledger;
use crate::sandbox::params::Params;
use crate::settlement::{statement_csv, statement_pdf};
use crate::webhook::{ct_eq, sign_hex, WebhookSecret};

fn signature(key: &str, mode: Mode, path: &str, expires: i64) -> Result<String, ApiError> {
    let secret = WebhookSecret::parse(key)
        .map_err(|e| ApiError::internal(format!("the file key is unusable: {e}")))?;
    let payload = format!("{}\n{path}", mode.as_str());
    Ok(sign_hex(&secret, expires, payload.as_bytes()))
}

/// The URL of `path` signed until `expires_at`, on the origin the request came to (none for a
/// bare-path request, as in-process).
pub fn signed_url(
    ctx: &Ctx,
    key: &str,
    path: &str,
    expires_at: DateTime<Utc>,
) -> Result<String, ApiError> {
    let expires = expires_at.timestamp();
    let sig = signature(key, ctx.mode, path, expires)?;
    Ok(format!(
        "{}{path}?mode={}&expires={expires}&signature={sig}",
        ctx.origin,
        ctx.mode.as_str()
    ))
}

/// Who calls a signed URL: nobody's key, in the mode the URL names. The signature is checked
/// by [`serve`], with the mode's key and clock.
pub fn caller(target: &Target) -> Result<Caller, ApiError> {
    let mode = match target
        .query
        .iter()
        .find(|(k, _)| k == "mode")
        .map(|(_, v)| v.as_str())
    {
        Some("test") => Mode::Test,
        Some("live") => Mode::Live,
        _ => return Err(invalid_link()),
    };
    Ok(Caller::keyless(mode))
}

fn invalid_link() -> ApiError {
    ApiError::permission(
        "file_url_invalid",
        "this file URL is not valid: its signature does not match; request a new one from the API",
    )
}

/// `GET /v1/files/statements/:name`: the statement, if the link is valid and not expired.
pub fn serve(ctx: &mut Ctx, mut params: Params) -> Result<Reply, ApiError> {
    params.string("mode", 8)?;
    let expires = params.integer("expires", 0, i64::MAX)?;
    let given = params.string("signature", 128)?;
    params.finish()?;
    let (Some(expires), Some(given)) = (expires, given) else {
        return Err(invalid_link());
    };
    let name = ctx.path_id(0).to_owned();
    let path = format!("/v1/files/statements/{name}");
    let key = ledger::settings(ctx)?.file_key.clone();
    let expected = signature(&key, ctx.mode, &path, expires)?;
    if !ct_eq(expected.as_bytes(), given.as_bytes()) {
        return Err(invalid_link());
    }
    if ctx.now.timestamp() >= expires {
        return Err(ApiError::permission(
            "file_url_expired",
            "this file URL has expired; request a new one from the API",
        ));
    }
    let (id, format) = name.rsplit_once('.').unwrap_or((&name, ""));
    let engine = ledger::engine(ctx)?;
    let settlement = engine
        .settlement(id)
        .ok_or_else(|| ApiError::not_found("settlement", id))?;
    match format {
        "csv" => Ok(Reply::file(
            statement_csv(settlement).into_bytes(),
            "text/csv; charset=utf-8",
        )),
        "pdf" => Ok(Reply::file(statement_pdf(settlement), "application/pdf")),
        _ => Err(invalid_link()),
    }
}
