//! Settlement netting: balance entries, schedules, business-day payout dates, FX, dispute
//! holds, rolling reserves, minimum-payout roll-forward, settlements, payouts, statements and
//! reconciliation.
//!
//! Seed 004 is the specification. The engine is pure and deterministic, driven the way the
//! sandbox drives it: activity in ([`Engine::record_payment`] and friends), simulated time
//! advanced ([`Engine::advance_to`]), settlements, payouts and events out.

pub mod account;
pub mod activity;
pub mod csv;
pub mod entry;
pub mod error;
pub mod fx;
pub mod netting;
pub mod objects;
pub mod payout_calendar;
pub mod pdf;
pub mod reconcile;
pub mod reserve;
pub mod schedule;
pub mod tracking;

mod config_change;
mod engine;
mod query;
mod record;

pub use account::{
    config_from_json, AccountConfig, Anchor, FeeModel, Interval, Maturity, ReserveConfig, Schedule,
    WeeklyAnchor,
};
pub use activity::{parse_activity, Activity, Outcome};
pub use csv::{parse_statement_csv, statement_csv, StatementRow};
pub use engine::{DisputeOutcome, Engine};
pub use entry::{BalanceEntry, EntryConversion, EntryType};
pub use error::SettlementError;
pub use fx::{ConversionRecord, FxRate, FxTable};
pub use netting::{net_compact, sum_amounts, CompactEntry, NettingError, NettingTable};
pub use objects::{Event, EventData, Payout, PayoutStatus, Settlement, Summary};
pub use pdf::statement_pdf;
pub use query::Tracking;
pub use reconcile::{
    reconcile_settlements, reconcile_statement, Difference, HeldItem, Holdings,
    ReconciliationReport,
};
pub use reserve::ReserveStatus;
pub use tracking::TrackingView;

#[cfg(test)]
mod tests;
