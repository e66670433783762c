//! Payment methods: `POST /payment_methods` tokenizes a card (the one route a publishable key
//! may call) and `GET /payment_methods/:id` reads it. The number is checked (Luhn, expiry,
//! security code) and dropped: the object keeps `brand` and `last4`, the record keeps what
//! the number decides when charged.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, Utc};
use serde::{Deserialize, Serialize};

use crate::error::ApiError;
use crate::ids::IdPrefix;
use crate::sandbox::cards::{self, Behaviour, Brand};
use crate::sandbox::context::{Ctx, Reply};
use crate::sandbox::params::Params;
use crate::sandbox::store::stored_record;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum PaymentMethodObject {
    PaymentMethod,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum PaymentMethodType {
    Card,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct CardDetails {
    pub brand: Brand,
    pub last4: String,
    pub exp_month: u8,
    pub exp_year: u16,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct PaymentMethod {
    pub id: String,
    pub object: PaymentMethodObject,
    #[serde(rename = "type")]
    pub kind: PaymentMethodType,
    pub card: CardDetails,
    /// The customer it is attached to.
    pub customer: Option<String>,
    pub livemode: bool,
    #[cfg_attr(test, ts(type = "string"))]
    #[serde(with = "crate::sandbox::timefmt")]
    pub created_at: DateTime<Utc>,
    pub metadata: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PaymentMethodRecord {
    pub method: PaymentMethod,
    pub behaviour: Behaviour,
}

stored_record!(PaymentMethodRecord, PaymentMethod, payment_methods, |this| key: &this.method.id, wire: &this.method);

fn invalid(param: &str, code: &str, message: &str) -> ApiError {
    ApiError::invalid_param(param, code, message)
}

/// Reads and checks `card`; returns the stored details and the card's behaviour.
fn read_card(ctx: &Ctx, card: &mut Params) -> Result<(CardDetails, Behaviour), ApiError> {
    let raw = card.required_string("number", 40)?;
    let exp_month = card.integer("expMonth", 1, 12)?.ok_or_else(|| {
        invalid(
            "card.expMonth",
            "parameter_missing",
            "missing required parameter 'card.expMonth'",
        )
    })?;
    let exp_year = card.integer("expYear", 2000, 2100)?.ok_or_else(|| {
        invalid(
            "card.expYear",
            "parameter_missing",
            "missing required parameter 'card.expYear' (four digits)",
        )
    })?;
    let cvc = card.required_string("cvc", 8)?;
    let number = cards::normalize_number(&raw).ok_or_else(|| {
        invalid(
            "card.number",
            "card_number_invalid",
            "the card number must be 12 to 19 digits",
        )
    })?;
    if !cards::luhn_valid(&number) {
        return Err(invalid(
            "card.number",
            "card_number_invalid",
            "the card number is not valid (it fails the Luhn check)",
        ));
    }
    let brand = cards::brand(&number);
    let (year, month) = (ctx.now.year(), ctx.now.month());
    if (exp_year, exp_month) < (i64::from(year), i64::from(month)) {
        return Err(invalid(
            "card.expYear",
            "card_expired",
            "the card's expiry date is in the past",
        ));
    }
    if !cards::cvc_valid(&cvc, brand) {
        let want = if brand == Brand::Amex {
            "4 digits on Amex cards"
        } else {
            "3 digits"
        };
        return Err(invalid(
            "card.cvc",
            "cvc_invalid",
            &format!("the security code must be {want}"),
        ));
    }
    let behaviour = match (cards::test_card(&number), ctx.livemode()) {
        (Some(_), true) => {
            return Err(invalid(
                "card.number",
                "test_card_in_live_mode",
                "test cards clear in test mode only; use a sk_test_/pk_test_ key",
            ))
        }
        (Some(b), false) => b,
        // Any other valid number is a plain succeeding card, in both modes (live mode is
        // simulated too: no real card is ever charged).
        (None, _) => Behaviour::Succeeds,
    };
    let last4 = number[number.len() - 4..].to_owned();
    let details = CardDetails {
        brand,
        last4,
        exp_month: u8::try_from(exp_month).unwrap_or(0),
        exp_year: u16::try_from(exp_year).unwrap_or(0),
    };
    Ok((details, behaviour))
}

pub fn create(ctx: &mut Ctx, mut params: Params) -> Result<Reply, ApiError> {
    let kind = params.choice("type", &["card"])?;
    if kind.is_none() {
        return Err(invalid(
            "type",
            "parameter_missing",
            "missing required parameter 'type' ('card')",
        ));
    }
    let mut card = params.object("card")?.ok_or_else(|| {
        invalid(
            "card",
            "parameter_missing",
            "missing required parameter 'card'",
        )
    })?;
    let metadata = params.metadata()?.unwrap_or_default();
    params.finish()?;
    let (details, behaviour) = read_card(ctx, &mut card)?;
    card.finish()?;
    let method = PaymentMethod {
        id: ctx.new_id(IdPrefix::PaymentMethod),
        object: PaymentMethodObject::PaymentMethod,
        kind: PaymentMethodType::Card,
        card: details,
        customer: None,
        livemode: ctx.livemode(),
        created_at: ctx.now,
        metadata,
    };
    ctx.insert(PaymentMethodRecord {
        method: method.clone(),
        behaviour,
    });
    ctx.emit_stored::<PaymentMethodRecord>("payment_method.created", &method.id, None)?;
    ctx.reply::<PaymentMethodRecord>(&method.id)
}

pub fn retrieve(ctx: &mut Ctx, params: Params) -> Result<Reply, ApiError> {
    params.finish()?;
    let id = ctx.path_id(0).to_owned();
    Reply::ok(
        &ctx.find::<PaymentMethodRecord>(&id, "payment_method")?
            .method,
    )
}
