//! `GET /payments`: the list with search and stacked filters, as the dashboard's Payments screen
//! uses it (status, amount, currency, date; an id, an email or a card's last four).

use std::collections::HashSet;

use crate::error::ApiError;
use crate::ids::IdPrefix;
use crate::sandbox::context::{Ctx, Reply};
use crate::sandbox::disputes::Dispute;
use crate::sandbox::list;
use crate::sandbox::params::{self, Params};
use crate::sandbox::payments::{PaymentRecord, PaymentStatus};
use crate::sandbox::refunds::Refund;

/// How `search` narrows the list: by id, through a refund or dispute, by last four, by email.
enum Search {
    Payment(String),
    Payments(HashSet<String>),
    Last4(String),
    Customers(HashSet<String>),
}

fn read_search(ctx: &Ctx, text: &str) -> Result<Search, ApiError> {
    let text = text.trim();
    let prefix = text.split_once('_').map(|(p, _)| p);
    Ok(match prefix {
        Some("pay") => Search::Payment(text.to_owned()),
        Some("re") => Search::Payments(ctx.get::<Refund>(text).map(|r| r.payment.clone()).into_iter().collect()),
        Some("dp") => Search::Payments(ctx.get::<Dispute>(text).map(|d| d.payment.clone()).into_iter().collect()),
        _ if text.len() == 4 && text.bytes().all(|b| b.is_ascii_digit()) => Search::Last4(text.to_owned()),
        _ if text.contains('@') => Search::Customers(
            ctx.store
                .mode(ctx.mode)
                .customers
                .iter()
                .filter(|(_, c)| c.email.as_deref().is_some_and(|e| e.eq_ignore_ascii_case(text)))
                .map(|(_, c)| c.id.clone())
                .collect(),
        ),
        _ => {
            return Err(ApiError::invalid_param(
                "search",
                "search_invalid",
                "search by a payment, refund or dispute id (pay_, re_, dp_), a customer email, or a card's last four digits",
            ))
        }
    })
}

pub fn list(ctx: &mut Ctx, mut params: Params) -> Result<Reply, ApiError> {
    let payments = &ctx.store.mode(ctx.mode).payments;
    let query = list::read(&mut params, payments)?;
    let status = match params.choice("status", &PaymentStatus::ALL.map(|(s, _)| s))? {
        Some(s) => PaymentStatus::ALL
            .iter()
            .find(|(n, _)| *n == s)
            .map(|(_, st)| *st),
        None => None,
    };
    let currency = params.currency("currency")?.map(|c| c.code().to_owned());
    let amount_min = params.integer("amountMin", 0, params::MAX_AMOUNT)?;
    let amount_max = params.integer("amountMax", 0, params::MAX_AMOUNT)?;
    let from = params.time("createdFrom")?;
    let to = params.time("createdTo")?;
    let customer = params.id("customer", IdPrefix::Customer)?;
    let search = params.string("search", 254)?;
    params.finish()?;
    let search = match search {
        Some(text) => Some(read_search(ctx, &text)?),
        None => None,
    };
    let keep = |r: &PaymentRecord| {
        let p = &r.payment;
        status.is_none_or(|s| p.status == s)
            && currency.as_deref().is_none_or(|c| p.currency == c)
            && amount_min.is_none_or(|m| p.amount >= m)
            && amount_max.is_none_or(|m| p.amount <= m)
            && from.is_none_or(|t| p.created_at >= t)
            && to.is_none_or(|t| p.created_at <= t)
            && customer
                .as_deref()
                .is_none_or(|c| p.customer.as_deref() == Some(c))
            && match &search {
                None => true,
                Some(Search::Payment(id)) => p.id == *id,
                Some(Search::Payments(ids)) => ids.contains(&p.id),
                Some(Search::Last4(l4)) => p.card.as_ref().is_some_and(|c| c.last4 == *l4),
                Some(Search::Customers(ids)) => {
                    p.customer.as_ref().is_some_and(|c| ids.contains(c))
                }
            }
    };
    let (page, has_more) = list::page(payments, &query, keep);
    list::reply(payments, &page, has_more, "/v1/payments")
}
