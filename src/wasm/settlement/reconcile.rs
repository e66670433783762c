//! Reconciliation for JS: settlements or a statement CSV against the user's held items.

use serde_json::Value;
use wasm_bindgen::prelude::*;

use super::{invalid, to_json};
use crate::settlement::{
    parse_statement_csv, reconcile_settlements, reconcile_statement, HeldItem, Holdings, Settlement,
};
use crate::wasm::error;

/// The held payments, refunds or disputes of `param`, each checked, errors naming the item
/// (`payments[2]`).
fn held_items(param: &str, json: &str) -> Result<Vec<HeldItem>, JsValue> {
    let values: Vec<Value> = serde_json::from_str(json).map_err(|_| {
        invalid(
            param,
            "parameter_invalid",
            format!("{param} must be an array"),
        )
    })?;
    values
        .into_iter()
        .enumerate()
        .map(|(i, v)| {
            let name = format!("{param}[{i}]");
            let item: HeldItem = serde_json::from_value(v)
                .map_err(|e| invalid(&name, "parameter_invalid", format!("{name}: {e}")))?;
            if item.amount < 0 {
                return Err(invalid(
                    &format!("{name}.amount"),
                    "amount_negative",
                    format!("{name}.amount must not be negative"),
                ));
            }
            Ok(item)
        })
        .collect()
}

fn holdings(payments: &str, refunds: &str, disputes: &str) -> Result<Holdings, JsValue> {
    Ok(Holdings {
        payments: held_items("payments", payments)?,
        refunds: held_items("refunds", refunds)?,
        disputes: held_items("disputes", disputes)?,
    })
}

/// Reconciles settlements (a JSON array, as the engine or the API returns them) against the
/// held payments, refunds and disputes (JSON arrays of `{ id, amount, currency }`).
#[wasm_bindgen(js_name = reconcileSettlements)]
pub fn reconcile_settlements_js(
    settlements: &str,
    payments: &str,
    refunds: &str,
    disputes: &str,
) -> Result<String, JsValue> {
    let settlements: Vec<Settlement> = serde_json::from_str(settlements).map_err(|e| {
        invalid(
            "settlement",
            "parameter_invalid",
            format!("settlement: {e}"),
        )
    })?;
    let report = reconcile_settlements(&settlements, &holdings(payments, refunds, disputes)?);
    to_json(&report)
}

/// Reconciles the rows of a statement CSV against the held items. A malformed CSV is `csv_malformed` naming
/// `statementCsv`, with the line and column in the message.
#[wasm_bindgen(js_name = reconcileStatementCsv)]
pub fn reconcile_statement_csv_js(
    csv: &str,
    payments: &str,
    refunds: &str,
    disputes: &str,
) -> Result<String, JsValue> {
    let rows = parse_statement_csv(csv).map_err(|e| error::field("statementCsv", &e))?;
    let report = reconcile_statement(&rows, &holdings(payments, refunds, disputes)?);
    to_json(&report)
}
