//! Settlements over the API, served from the mode's books (`ledger.rs`): `GET /settlements`
//! (filters `status`, `currency`, `payoutDateFrom`, `payoutDateTo`), `GET /settlements/:id`
//! with seed 004's `summary` and the conversion records, its balance entries at
//! `GET /settlements/:id/transactions`, and a signed statement URL at
//! `GET /settlements/:id/statement`.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::Serialize;

use crate::error::ApiError;
use crate::sandbox::context::{Ctx, Reply};
use crate::sandbox::files;
use crate::sandbox::ledger;
use crate::sandbox::list;
use crate::sandbox::params::Params;
use crate::settlement::{BalanceEntry, ConversionRecord, Engine, Settlement, Summary};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum SettlementObject {
    Settlement,
}

/// A settlement on the wire: everything but its entries, which are paged at
/// `/settlements/:id/transactions` (`entryCount` says how many).
#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[cfg_attr(test, ts(rename = "Settlement"))]
#[serde(rename_all = "camelCase")]
pub struct SettlementView<'a> {
    #[cfg_attr(test, ts(type = "string"))]
    pub id: &'a str,
    pub object: SettlementObject,
    /// `pending` until its payout is paid, then `paid`; `failed` when the payout failed;
    /// `no_payout` when the net was zero, negative or rolled forward.
    #[cfg_attr(test, ts(type = "'pending' | 'paid' | 'failed' | 'no_payout'"))]
    pub status: &'static str,
    #[cfg_attr(test, ts(type = "string"))]
    pub currency: &'a str,
    #[cfg_attr(test, ts(type = "string"))]
    #[serde(with = "crate::sandbox::timefmt")]
    pub period_start: DateTime<Utc>,
    #[cfg_attr(test, ts(type = "string"))]
    #[serde(with = "crate::sandbox::timefmt")]
    pub period_end: DateTime<Utc>,
    #[cfg_attr(test, ts(type = "string"))]
    pub payout_date: NaiveDate,
    #[cfg_attr(test, ts(type = "string"))]
    #[serde(with = "crate::sandbox::timefmt")]
    pub created_at: DateTime<Utc>,
    #[cfg_attr(
        test,
        ts(
            type = "{ currency: string; grossPayments: number; refunds: number; disputes: number; fees: number; conversion?: number; failedPayouts?: number; reserveHeld?: number; reserveReleased?: number; carriedIn?: number; carriedOut?: number; net: number }"
        )
    )]
    pub summary: &'a Summary,
    #[cfg_attr(
        test,
        ts(
            type = "Array<{ fromCurrency: string; toCurrency: string; rate: string; spread: string; originalAmount: number; convertedAmount: number; fee: number }>"
        )
    )]
    pub conversions: &'a [ConversionRecord],
    #[cfg_attr(test, ts(type = "string | null"))]
    pub payout: Option<&'a str>,
    pub entry_count: usize,
    pub livemode: bool,
}

impl<'a> SettlementView<'a> {
    pub fn of(s: &'a Settlement, livemode: bool) -> SettlementView<'a> {
        SettlementView::with_status(s, livemode, "pending")
    }

    fn with_status(s: &'a Settlement, livemode: bool, status: &'static str) -> Self {
        SettlementView {
            id: s.id.as_str(),
            object: SettlementObject::Settlement,
            status: if s.payout.is_none() {
                "no_payout"
            } else {
                status
            },
            currency: s.currency.code(),
            period_start: s.period_start,
            period_end: s.period_end,
            payout_date: s.payout_date,
            created_at: s.created_at,
            summary: &s.summary,
            conversions: &s.conversions,
            payout: s.payout.as_ref().map(|p| p.as_str()),
            entry_count: s.entries.len(),
            livemode,
        }
    }
}

/// The settlement's status now, from its payout's.
pub fn status(engine: &Engine, s: &Settlement) -> &'static str {
    s.payout
        .as_ref()
        .and_then(|p| engine.payout(p.as_str()))
        .map_or("no_payout", |p| p.status.as_str())
}

pub fn view<'a>(engine: &Engine, s: &'a Settlement, livemode: bool) -> SettlementView<'a> {
    SettlementView::with_status(s, livemode, status(engine, s))
}

/// The settlement `:id` of the path, or 404.
fn find<'e>(engine: &'e Engine, id: &str) -> Result<&'e Settlement, ApiError> {
    engine
        .settlement(id)
        .ok_or_else(|| ApiError::not_found("settlement", id))
}

pub fn retrieve(ctx: &mut Ctx, params: Params) -> Result<Reply, ApiError> {
    params.finish()?;
    let id = ctx.path_id(0).to_owned();
    let livemode = ctx.livemode();
    let engine = ledger::engine(ctx)?;
    Reply::ok(&view(engine, find(engine, &id)?, livemode))
}

pub fn list(ctx: &mut Ctx, mut params: Params) -> Result<Reply, ApiError> {
    let livemode = ctx.livemode();
    let engine = ledger::engine(ctx)?;
    let query = list::read_with(&mut params, "settlement", |id| {
        let index = engine
            .settlements()
            .iter()
            .position(|s| s.id.as_str() == id)?;
        Some(index as u64)
    })?;
    let status_filter = params.choice("status", &["pending", "paid", "failed", "no_payout"])?;
    let currency = params.currency("currency")?;
    let from = params.date("payoutDateFrom")?;
    let to = params.date("payoutDateTo")?;
    params.finish()?;
    let keep = |s: &Settlement| {
        status_filter
            .as_deref()
            .is_none_or(|want| status(engine, s) == want)
            && currency.is_none_or(|c| s.currency == c)
            && from.is_none_or(|d| s.payout_date >= d)
            && to.is_none_or(|d| s.payout_date <= d)
    };
    let (page, has_more) = list::page_slice(engine.settlements(), &query, true, keep);
    let views = page
        .into_iter()
        .map(|s| view(engine, s, livemode))
        .collect();
    list::reply_views(views, has_more, "/v1/settlements")
}

/// `GET /settlements/:id/transactions`: the balance entries, in the settlement's order.
pub fn transactions(ctx: &mut Ctx, mut params: Params) -> Result<Reply, ApiError> {
    let id = ctx.path_id(0).to_owned();
    let engine = ledger::engine(ctx)?;
    let settlement = find(engine, &id)?;
    let entries = &settlement.entries;
    let query = list::read_with(&mut params, "balance entry", |cursor| {
        let index = entries.iter().position(|e| e.id.as_str() == cursor)?;
        Some(index as u64)
    })?;
    params.finish()?;
    let (page, has_more) = list::page_slice(entries, &query, false, |_| true);
    let page: Vec<&BalanceEntry> = page;
    list::reply_views(
        page,
        has_more,
        &format!("/v1/settlements/{id}/transactions"),
    )
}

/// How long a statement URL works (sandbox time).
const STATEMENT_URL_LIFETIME: Duration = Duration::hours(1);

#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct StatementLink {
    pub url: String,
    #[cfg_attr(test, ts(type = "string"))]
    #[serde(with = "crate::sandbox::timefmt")]
    pub expires_at: DateTime<Utc>,
    #[cfg_attr(test, ts(type = "'csv' | 'pdf'"))]
    pub format: &'static str,
}

/// `GET /settlements/:id/statement?format=csv|pdf`: a URL that serves the statement without
/// an API key until `expiresAt`.
pub fn statement(ctx: &mut Ctx, mut params: Params) -> Result<Reply, ApiError> {
    let format = match params.choice("format", &["csv", "pdf"])?.as_deref() {
        Some("pdf") => "pdf",
        _ => "csv",
    };
    params.finish()?;
    let id = ctx.path_id(0).to_owned();
    find(ledger::engine(ctx)?, &id)?;
    let expires_at = ctx.now + STATEMENT_URL_LIFETIME;
    let path = format!("/v1/files/statements/{id}.{format}");
    let key = ledger::settings(ctx)?.file_key.clone();
    let url = files::signed_url(ctx, &key, &path, expires_at)?;
    Reply::ok(&StatementLink {
        url,
        expires_at,
        format,
    })
}
