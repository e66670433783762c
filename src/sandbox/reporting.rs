//! Reporting for the home tiles and for finance (dashboard guide, "Home and reporting"):
//! `GET /reporting/summary` and `GET /reporting/export`.
//!
//! The volume figures come from the books' ledger, the same entries settlements are made
//! of, so a range that covers whole settlement windows gives exactly the sums of those
//! settlements' summaries (when nothing was converted). Counts come from the payments.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::Serialize;
use serde_json::Value;

use crate::currency::Currency;
use crate::error::ApiError;
use crate::sandbox::api_keys;
use crate::sandbox::context::{Ctx, Reply};
use crate::sandbox::params::Params;
use crate::sandbox::payments::PaymentStatus;
use crate::sandbox::roles::Permission;
use crate::sandbox::router::Handler;
use crate::sandbox::{customers, disputes, events, ledger, payment_list, refunds, settlements};
use crate::settlement::csv::push_record;
use crate::settlement::EntryType;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum SummaryObject {
    ReportingSummary,
}

/// The home tiles for one currency and range.
#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ReportingSummary {
    pub object: SummaryObject,
    #[cfg_attr(test, ts(type = "string"))]
    pub currency: Currency,
    #[cfg_attr(test, ts(type = "string | null"))]
    #[serde(with = "crate::sandbox::timefmt::option")]
    pub from: Option<DateTime<Utc>>,
    #[cfg_attr(test, ts(type = "string | null"))]
    #[serde(with = "crate::sandbox::timefmt::option")]
    pub to: Option<DateTime<Utc>>,
    /// Σ captured (minor units).
    pub gross_volume: i64,
    /// Σ refunded, ≤ 0.
    pub refunds: i64,
    /// Σ dispute holds, dispute fees and reversals of won disputes.
    pub disputes: i64,
    /// Σ processing fees, ≤ 0.
    pub fees: i64,
    /// Gross minus refunds, disputes and fees: what reaches a payout.
    pub net_volume: i64,
    pub successful_payments: u64,
    pub failed_payments: u64,
    /// Successful ÷ (successful + failed), four decimals, as a string (`"0.9500"`); null
    /// when there were none.
    pub success_rate: Option<String>,
    /// Failed payments by decline code.
    pub declines_by_reason: BTreeMap<String, u64>,
}

fn in_range(t: DateTime<Utc>, from: Option<DateTime<Utc>>, to: Option<DateTime<Utc>>) -> bool {
    from.is_none_or(|f| t >= f) && to.is_none_or(|e| t < e)
}

/// `GET /reporting/summary` (`from` inclusive, `to` exclusive, `currency`: the account's
/// default when absent).
pub fn summary(ctx: &mut Ctx, mut params: Params) -> Result<Reply, ApiError> {
    let from = params.time("from")?;
    let to = params.time("to")?;
    let currency = params.currency("currency")?;
    params.finish()?;
    if let (Some(f), Some(t)) = (from, to) {
        if t <= f {
            return Err(ApiError::invalid_param(
                "to",
                "parameter_invalid",
                "'to' must be later than 'from'",
            ));
        }
    }
    let currency = match currency {
        Some(c) => c,
        None => ledger::settings(ctx)?.default_currency,
    };
    let mut out = ReportingSummary {
        object: SummaryObject::ReportingSummary,
        currency,
        from,
        to,
        gross_volume: 0,
        refunds: 0,
        disputes: 0,
        fees: 0,
        net_volume: 0,
        successful_payments: 0,
        failed_payments: 0,
        success_rate: None,
        declines_by_reason: BTreeMap::new(),
    };
    let overflow = || ApiError::internal("a reporting sum overflowed");
    let engine = ledger::engine(ctx)?;
    for e in engine.ledger() {
        if e.currency != currency || !in_range(e.created_at, from, to) {
            continue;
        }
        let slot = match e.entry_type {
            EntryType::Payment => &mut out.gross_volume,
            EntryType::Refund => &mut out.refunds,
            EntryType::Dispute | EntryType::DisputeFee | EntryType::DisputeReversal => {
                &mut out.disputes
            }
            EntryType::Fee => &mut out.fees,
            _ => continue,
        };
        *slot = slot.checked_add(e.amount).ok_or_else(overflow)?;
    }
    out.net_volume = [out.gross_volume, out.refunds, out.disputes, out.fees]
        .into_iter()
        .try_fold(0i64, i64::checked_add)
        .ok_or_else(overflow)?;
    for (_, record) in ctx.store.mode(ctx.mode).payments.iter() {
        let p = &record.payment;
        if p.currency != currency.code() || !in_range(p.created_at, from, to) {
            continue;
        }
        match p.status {
            PaymentStatus::Completed => out.successful_payments += 1,
            PaymentStatus::Failed => {
                out.failed_payments += 1;
                let code = p
                    .failure_code
                    .as_ref()
                    .and_then(|c| serde_json::to_value(c).ok())
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_else(|| "unknown".to_owned());
                *out.declines_by_reason.entry(code).or_insert(0) += 1;
            }
            _ => {}
        }
    }
    let attempted = out.successful_payments + out.failed_payments;
    if attempted > 0 {
        let rate = Decimal::from(out.successful_payments) / Decimal::from(attempted);
        out.success_rate = Some(format!("{:.4}", rate.round_dp(4)));
    }
    Reply::ok(&out)
}

/// What an export of a view lists, and its columns: the header and a JSON pointer into
/// each listed object.
struct View {
    name: &'static str,
    list: Handler,
    /// What reading that list needs: an export shows no more than the list would.
    permission: Permission,
    columns: &'static [(&'static str, &'static str)],
}

const VIEWS: &[View] = &[
    View {
        name: "payments",
        permission: Permission::ReadData,
        list: payment_list::list,
        columns: &[
            ("id", "/id"),
            ("createdAt", "/createdAt"),
            ("status", "/status"),
            ("amount", "/amount"),
            ("amountCaptured", "/amountCaptured"),
            ("amountRefunded", "/amountRefunded"),
            ("currency", "/currency"),
            ("customer", "/customer"),
            ("cardBrand", "/card/brand"),
            ("cardLast4", "/card/last4"),
            ("failureCode", "/failureCode"),
            ("dispute", "/dispute"),
            ("metadata", "/metadata"),
        ],
    },
    View {
        name: "refunds",
        permission: Permission::ReadData,
        list: refunds::list,
        columns: &[
            ("id", "/id"),
            ("createdAt", "/createdAt"),
            ("payment", "/payment"),
            ("amount", "/amount"),
            ("currency", "/currency"),
            ("status", "/status"),
            ("reason", "/reason"),
        ],
    },
    View {
        name: "customers",
        permission: Permission::ReadData,
        list: customers::list,
        columns: &[
            ("id", "/id"),
            ("createdAt", "/createdAt"),
            ("email", "/email"),
            ("name", "/name"),
            ("defaultPaymentMethod", "/defaultPaymentMethod"),
            ("lifetimeVolume", "/lifetimeVolume"),
        ],
    },
    View {
        name: "disputes",
        permission: Permission::ReadData,
        list: disputes::list,
        columns: &[
            ("id", "/id"),
            ("createdAt", "/createdAt"),
            ("payment", "/payment"),
            ("amount", "/amount"),
            ("currency", "/currency"),
            ("reason", "/reason"),
            ("status", "/status"),
            ("dueBy", "/dueBy"),
            ("closedAt", "/closedAt"),
        ],
    },
    View {
        name: "events",
        permission: Permission::ReadEvents,
        list: events::list,
        columns: &[
            ("id", "/id"),
            ("createdAt", "/createdAt"),
            ("type", "/type"),
            ("object", "/data/id"),
            ("requestId", "/request/id"),
        ],
    },
    View {
        name: "settlements",
        permission: Permission::ReadFinance,
        list: settlements::list,
        columns: &[
            ("id", "/id"),
            ("createdAt", "/createdAt"),
            ("status", "/status"),
            ("currency", "/currency"),
            ("periodStart", "/periodStart"),
            ("periodEnd", "/periodEnd"),
            ("payoutDate", "/payoutDate"),
            ("grossPayments", "/summary/grossPayments"),
            ("refunds", "/summary/refunds"),
            ("disputes", "/summary/disputes"),
            ("fees", "/summary/fees"),
            ("net", "/summary/net"),
            ("payout", "/payout"),
        ],
    },
];

/// A listed value as CSV text: strings as they are, `null` empty, objects as JSON.
fn field_text(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// `GET /reporting/export?view=…` with that list's filters: every matching object as RFC 4180
/// CSV (CRLF line ends, a header row), newest first, built page by page through the list's
/// own handler so that the filters are exactly the list's.
pub fn export(ctx: &mut Ctx, mut params: Params) -> Result<Reply, ApiError> {
    let names: Vec<&str> = VIEWS.iter().map(|v| v.name).collect();
    let name = params.choice("view", &names)?.ok_or_else(|| {
        ApiError::invalid_param(
            "view",
            "parameter_missing",
            format!(
                "missing required parameter 'view' (one of: {})",
                names.join(", ")
            ),
        )
    })?;
    let view = VIEWS
        .iter()
        .find(|v| v.name == name)
        .ok_or_else(|| ApiError::internal("an export view vanished"))?;
    api_keys::authorize(&ctx.caller, view.permission)?;
    for paging in ["limit", "startingAfter", "endingBefore"] {
        if params.has(paging) {
            return Err(ApiError::invalid_param(
                paging,
                "parameter_unknown",
                "an export has every matching object: it takes the list's filters, not its paging",
            ));
        }
    }
    let filters = params.into_pairs();
    let mut out = String::new();
    push_record(&mut out, view.columns.iter().map(|(header, _)| *header));
    let mut after: Option<String> = None;
    loop {
        let mut pairs = filters.clone();
        pairs.push(("limit".into(), "100".into()));
        if let Some(id) = &after {
            pairs.push(("startingAfter".into(), id.clone()));
        }
        let reply = (view.list)(ctx, Params::query(&pairs)?)?;
        let page: Value = serde_json::from_str(&reply.body)
            .map_err(|e| ApiError::internal(format!("a list page is not JSON: {e}")))?;
        let data = page["data"].as_array().cloned().unwrap_or_default();
        for item in &data {
            let fields: Vec<String> = view
                .columns
                .iter()
                .map(|(_, pointer)| field_text(item.pointer(pointer).unwrap_or(&Value::Null)))
                .collect();
            push_record(&mut out, fields.iter().map(String::as_str));
        }
        after = data
            .last()
            .and_then(|v| v["id"].as_str())
            .map(str::to_owned);
        if page["hasMore"] != Value::Bool(true) || after.is_none() {
            break;
        }
    }
    Ok(Reply::file(out.into_bytes(), "text/csv; charset=utf-8"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listed_values_become_csv_text() {
        let mut out = String::new();
        let values = [
            Value::from("a,b"),
            Value::from(-1250),
            Value::Null,
            serde_json::json!({"EUR": 5}),
        ];
        let fields: Vec<String> = values.iter().map(field_text).collect();
        push_record(&mut out, fields.iter().map(String::as_str));
        assert_eq!(out, "\"a,b\",-1250,,\"{\"\"EUR\"\":5}\"\r\n");
    }
}
