//! Currencies and amounts for JS.

use wasm_bindgen::prelude::*;

use super::error;
use crate::currency::Currency;
use crate::error::ApiError;
use crate::money::Money;

/// Largest integer a JS number holds exactly (2^53 - 1).
const MAX_SAFE_INTEGER: f64 = 9_007_199_254_740_991.0;

/// Parses a currency code (any case) for the parameter `param`.
pub fn currency(param: &str, code: &str) -> Result<Currency, JsValue> {
    Currency::from_code(code).map_err(|e| error::field(param, &e))
}

/// A JS number that must be an amount in minor units. JS has only doubles, so this is the
/// one place a float meets an amount: it is checked to be an exact integer within JS's safe
/// range and converted at once; no arithmetic ever happens on the float.
pub fn amount(param: &str, value: f64) -> Result<i64, JsValue> {
    if value.is_finite() && value.trunc() == value && value.abs() <= MAX_SAFE_INTEGER {
        Ok(value as i64)
    } else {
        Err(error::to_js(&ApiError::invalid_param(
            param,
            "amount_invalid",
            "amount must be an integer number of minor units (e.g. 1050 for 10.50 EUR) \
             between -(2^53 - 1) and 2^53 - 1",
        )))
    }
}

/// `{"code":"JPY","exponent":0}` for a currency code in any case.
#[wasm_bindgen(js_name = currencyInfo)]
pub fn currency_info(code: &str) -> Result<String, JsValue> {
    let c = currency("currency", code)?;
    Ok(format!(
        r#"{{"code":"{}","exponent":{}}}"#,
        c.code(),
        c.exponent()
    ))
}

/// Every supported currency as JSON: `[{"code":"AED","exponent":2}, …]`.
#[wasm_bindgen(js_name = currencyList)]
pub fn currency_list() -> String {
    let items: Vec<String> = Currency::all()
        .map(|c| format!(r#"{{"code":"{}","exponent":{}}}"#, c.code(), c.exponent()))
        .collect();
    format!("[{}]", items.join(","))
}

/// Minor units as a decimal string in major units: `(1050, "EUR")` → `"10.50"`.
#[wasm_bindgen(js_name = formatAmount)]
pub fn format_amount(value: f64, code: &str) -> Result<String, JsValue> {
    let money = Money::new(amount("amount", value)?, currency("currency", code)?);
    Ok(money.format_major())
}

/// A decimal string in major units to minor units: `("10.50", "EUR")` → `1050`. Never
/// parses through a float; more decimals than the currency has is an error, not a rounding.
#[wasm_bindgen(js_name = parseAmount)]
pub fn parse_amount(text: &str, code: &str) -> Result<f64, JsValue> {
    let c = currency("currency", code)?;
    let money = Money::parse_major(text, c).map_err(|e| error::field("amount", &e))?;
    to_js_number(money.amount())
}

/// An amount back to a JS number, refusing values JS cannot hold exactly.
pub fn to_js_number(value: i64) -> Result<f64, JsValue> {
    if (value as f64).abs() <= MAX_SAFE_INTEGER {
        Ok(value as f64)
    } else {
        Err(error::to_js(&ApiError::invalid_param(
            "amount",
            "amount_overflow",
            "amount is beyond 2^53 - 1 minor units, which a JS number cannot hold exactly",
        )))
    }
}
