//! `GET /account` and `PATCH /account`: the business profile, the bank account, and the
//! settlement configuration of one mode (seed 004's `account.settlement.schedule` and
//! `account.reserve`).
//!
//! The settings record also holds what the mode's settlement engine starts from (its first
//! configuration, start time and id seed); every later change to the engine is an op of the
//! ledger (`ledger.rs`), so that replaying them rebuilds the same settlements.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::currency::Currency;
use crate::error::ApiError;
use crate::sandbox::context::{Ctx, Reply};
use crate::sandbox::ledger::{self, Op};
use crate::sandbox::params::Params;
use crate::sandbox::store::stored_record;
use crate::settlement::{AccountConfig, Maturity, ReserveStatus, Schedule};

/// The key of the one settings record of a mode.
pub const SETTINGS_KEY: &str = "account";
const DEFAULT_BUSINESS_NAME: &str = "Sandbox Business";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct BankAccount {
    pub account_holder_name: String,
    /// ISO 3166-1 alpha-2, from the IBAN's first two letters.
    pub country: String,
    /// The last four characters of the IBAN: the number itself is never kept.
    pub last4: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AccountSettings {
    /// Always [`SETTINGS_KEY`].
    pub id: String,
    pub business_name: String,
    pub default_currency: Currency,
    pub bank_account: Option<BankAccount>,
    #[serde(with = "crate::sandbox::timefmt")]
    pub updated_at: DateTime<Utc>,
    /// Where the ledger's replay starts: the engine's first clock, configuration and seed.
    #[serde(with = "crate::sandbox::timefmt")]
    pub ledger_start: DateTime<Utc>,
    pub ledger_seed: u64,
    pub initial_config: AccountConfig,
    /// The key that signs statement URLs (`whsec_…` form).
    pub file_key: String,
}

stored_record!(AccountSettings, AccountSettings, settings, |this| key: &this.id, wire: itself);

impl AccountSettings {
    /// The settings a mode starts with: EUR, daily T+2, an established account (so that
    /// sandbox payouts follow the schedule at once; see `docs/sandbox.md`).
    pub fn initial(now: DateTime<Utc>, seed: u64, file_key: String) -> AccountSettings {
        let mut config = AccountConfig::new(Currency::EUR);
        config.maturity = Maturity::Established;
        AccountSettings {
            id: SETTINGS_KEY.to_owned(),
            business_name: DEFAULT_BUSINESS_NAME.to_owned(),
            default_currency: Currency::EUR,
            bank_account: None,
            updated_at: now,
            ledger_start: now,
            ledger_seed: seed,
            initial_config: config,
            file_key,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum AccountObject {
    Account,
}

#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct SettlementSettings {
    /// `{ interval, delayDays, anchor }`, as seed 004 prints it.
    #[cfg_attr(
        test,
        ts(
            type = "{ interval: 'daily' | 'weekly' | 'monthly'; delayDays: number; anchor: string | number | null }"
        )
    )]
    pub schedule: Schedule,
    /// A schedule requested with `PATCH /account`, in force from the next window.
    #[cfg_attr(
        test,
        ts(
            type = "{ interval: 'daily' | 'weekly' | 'monthly'; delayDays: number; anchor: string | number | null } | null"
        )
    )]
    pub next_schedule: Option<Schedule>,
    #[cfg_attr(test, ts(type = "string"))]
    pub payout_currency: Currency,
    /// Balances below this (minor units of the payout currency) roll forward.
    pub minimum_payout: i64,
    /// `new` (a longer initial delay while history builds) or `established`.
    #[cfg_attr(test, ts(type = "'new' | 'established'"))]
    pub maturity: &'static str,
}

/// The account as `GET /account` shows it.
#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Account {
    pub id: String,
    pub object: AccountObject,
    pub business_name: String,
    #[cfg_attr(test, ts(type = "string"))]
    pub default_currency: Currency,
    pub settlement: SettlementSettings,
    /// `{ type: 'rolling', percent, holdDays, currentlyHeld }`, or null without a reserve.
    #[cfg_attr(
        test,
        ts(
            type = "{ type: 'rolling'; percent: string; holdDays: number; currentlyHeld: number } | null"
        )
    )]
    pub reserve: Option<ReserveStatus>,
    pub bank_account: Option<BankAccount>,
    pub livemode: bool,
}

fn view(ctx: &mut Ctx) -> Result<Account, ApiError> {
    let settings = ledger::settings(ctx)?.clone();
    let id = ctx.store.account.id.clone();
    let livemode = ctx.livemode();
    let engine = ledger::engine(ctx)?;
    let config = engine.config();
    Ok(Account {
        id,
        object: AccountObject::Account,
        business_name: settings.business_name,
        default_currency: settings.default_currency,
        settlement: SettlementSettings {
            schedule: config.schedule,
            next_schedule: engine
                .next_config()
                .map(|c| c.schedule)
                .filter(|s| *s != config.schedule),
            payout_currency: config.payout_currency,
            minimum_payout: config.minimum_payout,
            maturity: if engine.is_mature() {
                "established"
            } else {
                "new"
            },
        },
        reserve: engine.reserve(config.payout_currency),
        bank_account: settings.bank_account,
        livemode,
    })
}

pub fn retrieve(ctx: &mut Ctx, params: Params) -> Result<Reply, ApiError> {
    params.finish()?;
    Reply::ok(&view(ctx)?)
}

/// Reads `settlement.schedule`: `interval` with `weeklyAnchor` or `monthlyAnchor`, and
/// `delayDays` (kept from the current schedule when absent).
fn read_schedule(params: &mut Params, current: &Schedule) -> Result<Option<Schedule>, ApiError> {
    let Some(mut settlement) = params.object("settlement")? else {
        return Ok(None);
    };
    let Some(mut s) = settlement.object("schedule")? else {
        settlement.finish()?;
        return Ok(None);
    };
    let interval = s
        .choice("interval", &["daily", "weekly", "monthly"])?
        .ok_or_else(|| {
            ApiError::invalid_param(
                "settlement.schedule.interval",
                "parameter_missing",
                "missing required parameter 'settlement.schedule.interval'",
            )
        })?;
    let delay = s
        .integer(
            "delayDays",
            0,
            i64::from(crate::settlement::schedule::MAX_DELAY_DAYS),
        )?
        .map_or(current.delay_days(), |d| d as u32);
    let weekly = s.choice(
        "weeklyAnchor",
        &[
            "monday",
            "tuesday",
            "wednesday",
            "thursday",
            "friday",
            "saturday",
            "sunday",
        ],
    )?;
    let monthly = s.integer("monthlyAnchor", 1, 28)?;
    s.finish()?;
    settlement.finish()?;
    let missing = |name: &str| {
        ApiError::invalid_param(
            &format!("settlement.schedule.{name}"),
            "parameter_missing",
            format!("a {interval} schedule needs 'settlement.schedule.{name}'"),
        )
    };
    let extra = |name: &str| {
        ApiError::invalid_param(
            &format!("settlement.schedule.{name}"),
            "parameter_unexpected",
            format!("'{name}' does not apply to a {interval} schedule"),
        )
    };
    let schedule = match interval.as_str() {
        "daily" => {
            if weekly.is_some() {
                return Err(extra("weeklyAnchor"));
            }
            if monthly.is_some() {
                return Err(extra("monthlyAnchor"));
            }
            Schedule::daily(delay)
        }
        "weekly" => {
            if monthly.is_some() {
                return Err(extra("monthlyAnchor"));
            }
            let day = weekly.ok_or_else(|| missing("weeklyAnchor"))?;
            let anchor = serde_json::from_value(serde_json::Value::String(day))
                .map_err(|e| ApiError::internal(e.to_string()))?;
            Schedule::weekly(anchor, delay)
        }
        _ => {
            if weekly.is_some() {
                return Err(extra("weeklyAnchor"));
            }
            let day = monthly.ok_or_else(|| missing("monthlyAnchor"))?;
            Schedule::monthly(day as u8, delay)
        }
    };
    schedule
        .map(Some)
        .map_err(|e| ledger::settlement_error(&e, "settlement."))
}

/// Reads `bankAccount: { accountHolderName, iban }`; keeps the country and last four only.
fn read_bank_account(params: &mut Params) -> Result<Option<BankAccount>, ApiError> {
    let Some(mut bank) = params.object("bankAccount")? else {
        return Ok(None);
    };
    let holder = bank.required_string("accountHolderName", 140)?;
    let iban: String = bank
        .required_string("iban", 64)?
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_uppercase();
    bank.finish()?;
    if !iban_is_valid(&iban) {
        return Err(ApiError::invalid_param(
            "bankAccount.iban",
            "iban_invalid",
            "the IBAN is not valid (its check digits do not match)",
        ));
    }
    Ok(Some(BankAccount {
        account_holder_name: holder,
        country: iban[..2].to_owned(),
        last4: iban[iban.len() - 4..].to_owned(),
    }))
}

/// ISO 13616: two letters, two check digits, up to 30 alphanumerics; mod 97 of the
/// rearranged number is 1.
fn iban_is_valid(iban: &str) -> bool {
    let bytes = iban.as_bytes();
    if !(15..=34).contains(&bytes.len())
        || !bytes[..2].iter().all(u8::is_ascii_uppercase)
        || !bytes[2..4].iter().all(u8::is_ascii_digit)
        || !bytes.iter().all(u8::is_ascii_alphanumeric)
    {
        return false;
    }
    let mut rest = 0u32;
    for &b in bytes[4..].iter().chain(&bytes[..4]) {
        let value = if b.is_ascii_digit() {
            u32::from(b - b'0')
        } else {
            u32::from(b - b'A') + 10
        };
        rest = if value >= 10 {
            (rest * 100 + value) % 97
        } else {
            (rest * 10 + value) % 97
        };
    }
    rest == 1
}

/// `PATCH /account`: `businessName`, `defaultCurrency`, `payoutCurrency`,
/// `settlement.schedule`, `bankAccount`. Schedule and payout currency apply from the next
/// window; new bank details apply at once (and clear a failed payout's stale flag).
pub fn update(ctx: &mut Ctx, mut params: Params) -> Result<Reply, ApiError> {
    let business_name = params.string("businessName", 100)?;
    let default_currency = params.currency("defaultCurrency")?;
    let payout_currency = params.currency("payoutCurrency")?;
    let engine = ledger::engine(ctx)?;
    let current = engine.config().clone();
    // A schedule given without `delayDays` keeps the one of the change already waiting.
    let base = engine.next_config().unwrap_or(&current).clone();
    let schedule = read_schedule(&mut params, &base.schedule)?;
    let bank_account = read_bank_account(&mut params)?;
    params.finish()?;
    if let Some(c) = payout_currency {
        if !ledger::has_reference_rate(c) {
            let known: Vec<&str> = ledger::REFERENCE_RATES.iter().map(|(c, _)| *c).collect();
            return Err(ApiError::invalid_param(
                "payoutCurrency",
                "payout_currency_unsupported",
                format!("the sandbox pays out in {}", known.join(", ")),
            ));
        }
    }
    if let Some(name) = &business_name {
        if name.trim().is_empty() {
            return Err(ApiError::invalid_param(
                "businessName",
                "parameter_invalid",
                "'businessName' cannot be empty",
            ));
        }
    }

    if schedule.is_some() || payout_currency.is_some() {
        let mut config = base;
        if let Some(s) = schedule {
            config.schedule = s;
        }
        if let Some(c) = payout_currency {
            config.payout_currency = c;
        }
        let at = ctx.now;
        ledger::apply(ctx, Op::Configure { config, at })?;
    }
    if bank_account.is_some() && current.bank_details_stale {
        ledger::apply(ctx, Op::BankDetailsStale { stale: false })?;
    }
    let now = ctx.now;
    let settings = ctx.modify::<AccountSettings>(SETTINGS_KEY)?;
    if let Some(name) = business_name {
        settings.business_name = name;
    }
    if let Some(c) = default_currency {
        settings.default_currency = c;
    }
    if bank_account.is_some() {
        settings.bank_account = bank_account;
    }
    settings.updated_at = now;
    let account = view(ctx)?;
    ctx.emit("account.updated", &account, &account.id.clone(), None)?;
    Reply::ok(&account)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iban_check_digits() {
        assert!(iban_is_valid("DE89370400440532013000"));
        assert!(iban_is_valid("GB82WEST12345698765432"));
        assert!(!iban_is_valid("DE89370400440532013001"));
        assert!(!iban_is_valid("DE8937"));
        assert!(!iban_is_valid("1289370400440532013000"));
    }
}
