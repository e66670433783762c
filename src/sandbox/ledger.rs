//! The books of a mode: #4's settlement engine, fed by the sandbox's captures, refunds and
//! disputes, advanced by the mode's clock, and rebuilt on restore by replaying its ops.
//!
//! The engine is derived state, like the clock's jobs: what is stored is the mode's settings
//! (the engine's first configuration, start time and id seed, in `account_settings.rs`) and
//! one `ledger_op` record per change made to the engine, in order. The engine is
//! deterministic and draws its ids from its own generator seeded from the settings, so
//! replaying the ops gives the same settlements, payouts and ids. The events the engine emits
//! (`settlement.created`, `payout.paid`, `payout.failed`) become sandbox events when they
//! happen; a replay drops them, as the sandbox's events are stored already.

use std::str::FromStr;

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::currency::Currency;
use crate::error::ApiError;
use crate::host::{RandomSource, SeededRandom};
use crate::keys::Mode;
use crate::sandbox::account_settings::{AccountSettings, SETTINGS_KEY};
use crate::sandbox::context::{to_json, Ctx};
use crate::sandbox::events;
use crate::sandbox::json_out;
use crate::sandbox::payouts::PayoutView;
use crate::sandbox::settlements::SettlementView;
use crate::sandbox::store::{stored_record, Store};
use crate::settlement::{AccountConfig, Activity, Engine, EventData, FxTable, SettlementError};
use crate::webhook::WebhookSecret;

/// The engine of a mode and the generator its ids come from. The engine changes only through
/// [`apply`] (and a restore's replay).
#[derive(Debug)]
pub struct Books {
    engine: Engine,
    rng: SeededRandom,
}

/// One change made to the engine.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case", rename_all_fields = "camelCase")]
pub enum Op {
    /// A capture, refund, dispute, dispute outcome or payout failure.
    Apply {
        activity: Activity,
    },
    /// The clock reached `to`: windows closed and payouts paid on the way.
    Advance {
        #[serde(with = "crate::sandbox::timefmt")]
        to: DateTime<Utc>,
    },
    /// `PATCH /account`: a configuration for the next window.
    Configure {
        config: AccountConfig,
        #[serde(with = "crate::sandbox::timefmt")]
        at: DateTime<Utc>,
    },
    BankDetailsStale {
        stale: bool,
    },
    /// Activity in `currency`, for which the sandbox has no reference rate, settles in itself.
    SettleInOwnCurrency {
        #[serde(with = "currency_code")]
        currency: Currency,
    },
}

mod currency_code {
    use crate::currency::Currency;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<S: Serializer>(c: &Currency, s: S) -> Result<S::Ok, S::Error> {
        c.code().serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Currency, D::Error> {
        let code = String::deserialize(d)?;
        Currency::from_code(&code).map_err(serde::de::Error::custom)
    }
}

/// The sandbox's reference rates: units of each currency per euro (rounded ECB reference
/// rates, fixed so that sandbox settlements are reproducible). Every pair among these
/// converts, through the euro; a payout currency must be one of them.
pub const REFERENCE_RATES: [(&str, &str); 11] = [
    ("EUR", "1"),
    ("USD", "1.08"),
    ("GBP", "0.85"),
    ("CHF", "0.95"),
    ("JPY", "162"),
    ("CAD", "1.47"),
    ("AUD", "1.64"),
    ("SEK", "11.4"),
    ("NOK", "11.6"),
    ("DKK", "7.46"),
    ("PLN", "4.30"),
];

/// Whether the sandbox has a reference rate for `currency`.
pub fn has_reference_rate(currency: Currency) -> bool {
    REFERENCE_RATES.iter().any(|(c, _)| *c == currency.code())
}

fn reference_rates() -> Result<FxTable, SettlementError> {
    let mut table = FxTable::new();
    let since =
        NaiveDate::from_ymd_opt(2000, 1, 1).ok_or(SettlementError::Overflow { field: "asOf" })?;
    let parsed: Vec<(Currency, Decimal)> = REFERENCE_RATES
        .iter()
        .filter_map(|(c, r)| Some((Currency::from_code(c).ok()?, Decimal::from_str(r).ok()?)))
        .collect();
    for (from, per_euro_from) in &parsed {
        for (to, per_euro_to) in &parsed {
            if from != to {
                let rate = per_euro_to
                    .checked_div(*per_euro_from)
                    .ok_or(SettlementError::Overflow { field: "rate" })?;
                table.set_rate(*from, *to, since, rate)?;
            }
        }
    }
    Ok(table)
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LedgerOp {
    /// `op_` and the op's position, zero-padded: the records sort in replay order.
    pub id: String,
    #[serde(flatten)]
    pub op: Op,
}

stored_record!(LedgerOp, LedgerOp, ledger_ops, |this| key: &this.id, {
    fn wire_json(&self) -> Result<String, ApiError> {
        to_json(self)
    }
    fn write_stored(&self, _wire: Option<&str>, out: &mut Vec<u8>) -> Result<(), ApiError> {
        crate::sandbox::stored_json::ledger_op(self, out)
    }
});

/// A settlement error met while applying what the sandbox already validated: a broken
/// invariant, reported as the API's 400 with the field prefixed by `prefix`.
pub fn settlement_error(e: &SettlementError, prefix: &str) -> ApiError {
    ApiError::from_field_error(&format!("{prefix}{}", e.field()), e)
}

fn engine_error(e: SettlementError) -> ApiError {
    ApiError::internal(format!("the settlement engine refused a change: {e}"))
}

/// The mode's settings, made on first use.
pub fn settings<'a>(ctx: &'a mut Ctx) -> Result<&'a AccountSettings, ApiError> {
    if ctx.get::<AccountSettings>(SETTINGS_KEY).is_none() {
        let mut seed = [0u8; 8];
        ctx.rng.fill_bytes(&mut seed);
        let key = WebhookSecret::generate(&mut |buf| ctx.rng.secrets().fill_bytes(buf)).encode();
        let settings = AccountSettings::initial(ctx.now, u64::from_le_bytes(seed), key);
        ctx.insert(settings);
    }
    ctx.find::<AccountSettings>(SETTINGS_KEY, "account")
}

/// The mode's settlement engine, to read (changes go through [`apply`]).
pub fn engine<'a>(ctx: &'a mut Ctx) -> Result<&'a Engine, ApiError> {
    Ok(&books(ctx)?.engine)
}

/// The mode's books, opened on first use.
fn books<'a>(ctx: &'a mut Ctx) -> Result<&'a mut Books, ApiError> {
    if ctx.store.mode(ctx.mode).books.is_none() {
        let settings = settings(ctx)?.clone();
        let books = open(&settings, ctx.livemode())?;
        ctx.store.mode_mut(ctx.mode).books = Some(Box::new(books));
    }
    ctx.store
        .mode_mut(ctx.mode)
        .books
        .as_deref_mut()
        .ok_or_else(|| ApiError::internal("the books vanished"))
}

fn open(settings: &AccountSettings, livemode: bool) -> Result<Books, ApiError> {
    let mut engine = Engine::new(settings.initial_config.clone(), settings.ledger_start)
        .map_err(engine_error)?;
    engine.set_livemode(livemode);
    *engine.fx_mut() = reference_rates().map_err(engine_error)?;
    Ok(Books {
        engine,
        rng: SeededRandom::new(settings.ledger_seed),
    })
}

impl Books {
    fn run(&mut self, op: &Op) -> Result<(), SettlementError> {
        let rng = &mut self.rng;
        match op {
            Op::Apply { activity } => self.engine.apply(rng, activity),
            Op::Advance { to } => self.engine.advance_to(rng, *to),
            Op::Configure { config, at } => self.engine.change_config(config.clone(), *at),
            Op::BankDetailsStale { stale } => {
                self.engine.set_bank_details_stale(*stale);
                Ok(())
            }
            Op::SettleInOwnCurrency { currency } => {
                self.engine.settle_in_own_currency(*currency);
                Ok(())
            }
        }
    }
}

/// Applies `op` to the mode's books, stores it, and records the events it caused.
pub fn apply(ctx: &mut Ctx, op: Op) -> Result<(), ApiError> {
    let books = books(ctx)?;
    // The engine checks everything before it changes anything: an error changes nothing.
    books.run(&op).map_err(|e| match &op {
        Op::Configure { .. } => settlement_error(&e, "settlement."),
        _ => engine_error(e),
    })?;
    let happened = books.engine.take_events();
    let position = ctx.store.mode(ctx.mode).ledger_ops.len() + 1;
    ctx.insert(LedgerOp {
        id: op_id(position),
        op,
    });
    let now = ctx.now;
    for event in happened {
        // Each event happened at its own time (a window's close, a payout's date).
        ctx.now = event.created_at;
        let event_type = event.event_type.into();
        let result = match &event.data {
            EventData::Settlement(s) => {
                let json = to_json(&SettlementView::of(s, ctx.livemode()))?;
                events::record(ctx, event_type, json.into(), s.id.as_str(), None)
            }
            EventData::Payout(p) => {
                let json = to_json(&PayoutView::of(p, ctx.livemode()))?;
                events::record(ctx, event_type, json.into(), p.id.as_str(), None)
            }
        };
        ctx.now = now;
        result?;
    }
    Ok(())
}

/// `op_` and `position` zero-padded to 12 digits (`format!("op_{position:012}")`, without the
/// formatting machinery: one is made for every capture and refund).
fn op_id(position: usize) -> String {
    let mut digits = Vec::with_capacity(20);
    json_out::push_uint(&mut digits, position as u64);
    let mut id = String::with_capacity(3 + digits.len().max(12));
    id.push_str("op_");
    for _ in digits.len()..12 {
        id.push('0');
    }
    id.extend(digits.into_iter().map(char::from));
    id
}

/// Records a capture, refund or dispute change on the books. A capture in a currency the
/// sandbox has no rate for settles in its own currency from then on, so that no window ever
/// fails to convert.
pub fn record(ctx: &mut Ctx, activity: Activity) -> Result<(), ApiError> {
    if let Activity::Payment { currency, .. } = &activity {
        let currency = Currency::from_code(currency)
            .map_err(|e| ApiError::from_field_error("currency", &e))?;
        let target = engine(ctx)?.config().payout_currency_for(currency);
        if target != currency && !has_reference_rate(currency) {
            apply(ctx, Op::SettleInOwnCurrency { currency })?;
        }
    }
    apply(ctx, Op::Apply { activity })
}

/// When the mode's books next have something to do, if they are open.
pub fn next_due(store: &Store, mode: Mode) -> Option<DateTime<Utc>> {
    store.mode(mode).books.as_ref()?.engine.next_due()
}

/// Rebuilds every mode's books from its settings and ops, after a restore.
pub fn rebuild(store: &mut Store) -> Result<(), String> {
    for mode in [Mode::Live, Mode::Test] {
        let state = store.mode(mode);
        let Some(settings) = state.settings.get(SETTINGS_KEY) else {
            continue;
        };
        let mut books = open(settings, mode.is_live()).map_err(|e| e.message)?;
        let mut ops: Vec<&LedgerOp> = state.ledger_ops.iter().map(|(_, op)| op).collect();
        ops.sort_by(|a, b| a.id.cmp(&b.id));
        for op in ops {
            books
                .run(&op.op)
                .map_err(|e| format!("ledger op {} does not replay: {e}", op.id))?;
        }
        books.engine.take_events();
        store.mode_mut(mode).books = Some(Box::new(books));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn op_ids_are_zero_padded_positions() {
        for position in [
            0,
            1,
            9,
            10,
            123_456,
            999_999_999_999,
            1_000_000_000_000,
            usize::MAX,
        ] {
            assert_eq!(super::op_id(position), format!("op_{position:012}"));
        }
    }
}
