//! Customers: create, retrieve, list, update, delete; their stored cards
//! (`/customers/:id/payment_methods`), a default method, and `lifetimeVolume` per currency,
//! kept current by captures and refunds.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::error::ApiError;
use crate::ids::IdPrefix;
use crate::sandbox::context::{Ctx, Reply};
use crate::sandbox::list;
use crate::sandbox::params::{check_id, Params};
use crate::sandbox::payment_methods::PaymentMethodRecord;
use crate::sandbox::store::stored_record;
use crate::sandbox::team::{check_email, Deleted};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum CustomerObject {
    Customer,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Customer {
    pub id: String,
    pub object: CustomerObject,
    pub email: Option<String>,
    pub name: Option<String>,
    pub description: Option<String>,
    pub phone: Option<String>,
    pub default_payment_method: Option<String>,
    /// Captured minus refunded, per currency, in minor units.
    #[cfg_attr(test, ts(type = "Record<string, number>"))]
    pub lifetime_volume: BTreeMap<String, i64>,
    pub livemode: bool,
    #[cfg_attr(test, ts(type = "string"))]
    #[serde(with = "crate::sandbox::timefmt")]
    pub created_at: DateTime<Utc>,
    pub metadata: BTreeMap<String, String>,
}

/// The stored form is the object itself.
pub type CustomerRecord = Customer;

stored_record!(Customer, Customer, customers, |this| key: &this.id, wire: itself by crate::sandbox::wire_json::customer);

/// Adds `delta` to a customer's volume in `currency` (a deleted customer keeps no volume).
/// No event: the volume is a running figure of payments and refunds, which have their own.
pub fn add_volume(
    ctx: &mut Ctx,
    customer: &str,
    currency: &str,
    delta: i64,
) -> Result<(), ApiError> {
    if ctx.get::<Customer>(customer).is_none() {
        return Ok(());
    }
    let c = ctx.modify::<Customer>(customer)?;
    let slot = c.lifetime_volume.entry(currency.to_owned()).or_insert(0);
    *slot = slot.saturating_add(delta);
    Ok(())
}

struct Fields {
    email: Option<String>,
    name: Option<String>,
    description: Option<String>,
    phone: Option<String>,
    metadata: Option<BTreeMap<String, String>>,
}

fn read_fields(params: &mut Params) -> Result<Fields, ApiError> {
    let email = match params.string("email", 254)? {
        Some(e) => Some(check_email("email", &e)?),
        None => None,
    };
    Ok(Fields {
        email,
        name: params.string("name", 256)?,
        description: params.string("description", 1000)?,
        phone: params.string("phone", 32)?,
        metadata: params.metadata()?,
    })
}

pub fn create(ctx: &mut Ctx, mut params: Params) -> Result<Reply, ApiError> {
    let f = read_fields(&mut params)?;
    params.finish()?;
    let customer = Customer {
        id: ctx.new_id(IdPrefix::Customer),
        object: CustomerObject::Customer,
        email: f.email,
        name: f.name,
        description: f.description,
        phone: f.phone,
        default_payment_method: None,
        lifetime_volume: BTreeMap::new(),
        livemode: ctx.livemode(),
        created_at: ctx.now,
        metadata: f.metadata.unwrap_or_default(),
    };
    ctx.insert(customer.clone());
    ctx.emit_stored::<Customer>("customer.created", &customer.id, None)?;
    ctx.reply::<Customer>(&customer.id)
}

pub fn retrieve(ctx: &mut Ctx, params: Params) -> Result<Reply, ApiError> {
    params.finish()?;
    let id = ctx.path_id(0).to_owned();
    ctx.find::<Customer>(&id, "customer")?;
    ctx.reply::<Customer>(&id)
}

pub fn list(ctx: &mut Ctx, mut params: Params) -> Result<Reply, ApiError> {
    let customers = &ctx.store.mode(ctx.mode).customers;
    let query = list::read(&mut params, customers)?;
    let email = params.string("email", 254)?;
    params.finish()?;
    let (page, has_more) = list::page(customers, &query, |c| match &email {
        Some(e) => c
            .email
            .as_deref()
            .is_some_and(|ce| ce.eq_ignore_ascii_case(e)),
        None => true,
    });
    list::reply(customers, &page, has_more, "/v1/customers")
}

/// `PATCH /customers/:id`: given fields replace; `metadata` merges, an empty string value
/// removes its key.
pub fn update(ctx: &mut Ctx, mut params: Params) -> Result<Reply, ApiError> {
    let id = ctx.path_id(0).to_owned();
    ctx.find::<Customer>(&id, "customer")?;
    let f = read_fields(&mut params)?;
    let default = params.id("defaultPaymentMethod", IdPrefix::PaymentMethod)?;
    params.finish()?;
    if let Some(pm) = &default {
        let method =
            ctx.find_param::<PaymentMethodRecord>(pm, "defaultPaymentMethod", "payment_method")?;
        if method.method.customer.as_deref() != Some(id.as_str()) {
            return Err(ApiError::invalid_param(
                "defaultPaymentMethod",
                "payment_method_not_attached",
                "the default payment method must be attached to this customer first",
            ));
        }
    }
    {
        let c = ctx.modify::<Customer>(&id)?;
        c.email = f.email.or(c.email.take());
        c.name = f.name.or(c.name.take());
        c.description = f.description.or(c.description.take());
        c.phone = f.phone.or(c.phone.take());
        for (k, v) in f.metadata.unwrap_or_default() {
            if v.is_empty() {
                c.metadata.remove(&k);
            } else {
                c.metadata.insert(k, v);
            }
        }
        if default.is_some() {
            c.default_payment_method = default;
        }
    }
    ctx.emit_stored::<Customer>("customer.updated", &id, None)?;
    ctx.reply::<Customer>(&id)
}

pub fn remove(ctx: &mut Ctx, params: Params) -> Result<Reply, ApiError> {
    params.finish()?;
    let id = ctx.path_id(0).to_owned();
    ctx.find::<Customer>(&id, "customer")?;
    let customer = ctx
        .store
        .remove::<Customer>(ctx.mode, &id)
        .ok_or_else(|| ApiError::not_found("customer", &id))?;
    ctx.emit("customer.deleted", &customer, &id, None)?;
    Reply::ok(&Deleted::new(&id, "customer"))
}

pub fn list_payment_methods(ctx: &mut Ctx, mut params: Params) -> Result<Reply, ApiError> {
    let id = ctx.path_id(0).to_owned();
    ctx.find::<Customer>(&id, "customer")?;
    let methods = &ctx.store.mode(ctx.mode).payment_methods;
    let query = list::read(&mut params, methods)?;
    params.finish()?;
    let (page, has_more) = list::page(methods, &query, |m| {
        m.method.customer.as_deref() == Some(id.as_str())
    });
    let url = format!("/v1/customers/{id}/payment_methods");
    list::reply(methods, &page, has_more, &url)
}

/// Attaches a card (`paymentMethod`); the first one, or one with `default: true`, becomes the
/// default.
pub fn attach_payment_method(ctx: &mut Ctx, mut params: Params) -> Result<Reply, ApiError> {
    let id = ctx.path_id(0).to_owned();
    ctx.find::<Customer>(&id, "customer")?;
    let pm = params.required_string("paymentMethod", 80)?;
    let pm = check_id("paymentMethod", &pm, IdPrefix::PaymentMethod)?;
    let make_default = params.boolean("default")?;
    params.finish()?;
    let method = ctx.find_param::<PaymentMethodRecord>(&pm, "paymentMethod", "payment_method")?;
    match method.method.customer.as_deref() {
        Some(owner) if owner != id => {
            return Err(ApiError::invalid_param(
                "paymentMethod",
                "payment_method_attached",
                "this payment method is attached to another customer",
            ))
        }
        _ => {}
    }
    ctx.modify::<PaymentMethodRecord>(&pm)?.method.customer = Some(id.clone());
    let has_default = ctx
        .find::<Customer>(&id, "customer")?
        .default_payment_method
        .is_some();
    if make_default.unwrap_or(!has_default) {
        ctx.modify::<Customer>(&id)?.default_payment_method = Some(pm.clone());
        ctx.emit_stored::<Customer>("customer.updated", &id, None)?;
    }
    ctx.emit_stored::<PaymentMethodRecord>("payment_method.attached", &pm, None)?;
    ctx.reply::<PaymentMethodRecord>(&pm)
}
