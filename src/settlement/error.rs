//! The settlement engine's one error type.
//!
//! Every variant names the input field it is about (`field()`), so the sandbox can turn it
//! into a 400 with the right `param` through [`ApiError::from_field_error`], and carries a
//! stable snake_case [`FieldError::code`]. Messages never quote free-form input back.
//!
//! [`ApiError::from_field_error`]: crate::error::ApiError::from_field_error

use thiserror::Error;

use crate::calendar::CalendarError;
use crate::currency::Currency;
use crate::error::{ApiError, FieldError};
use crate::money::MoneyError;

#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum SettlementError {
    #[error("{field}: unknown currency; expected an ISO 4217 code such as EUR")]
    UnknownCurrency { field: &'static str },
    #[error("{field} must be greater than zero")]
    NonPositiveAmount { field: &'static str },
    #[error("{field} must not be negative")]
    NegativeAmount { field: &'static str },
    #[error("{field}: expected {expected}, got {found}")]
    CurrencyMismatch {
        field: &'static str,
        expected: Currency,
        found: Currency,
    },
    #[error("{field}: {message}")]
    InvalidId {
        field: &'static str,
        message: String,
    },
    #[error("{field}: '{id}' was already recorded")]
    DuplicateId { field: &'static str, id: String },
    #[error("{field}: no such {kind} '{id}'")]
    NotFound {
        field: &'static str,
        kind: &'static str,
        id: String,
    },
    /// Refunds plus disputes of a payment may not exceed what was captured.
    #[error(
        "{field}: {requested} exceeds the {available} minor units of payment {payment} \
         not yet refunded or disputed"
    )]
    ExceedsPayment {
        field: &'static str,
        payment: String,
        requested: i64,
        available: i64,
    },
    #[error("{field}: activity must not be earlier than the engine's clock ({clock})")]
    BeforeClock { field: &'static str, clock: String },
    #[error("{field}: dispute is already resolved")]
    DisputeResolved { field: &'static str },
    #[error("{field}: payout has already failed")]
    PayoutAlreadyFailed { field: &'static str },
    #[error("{field}: {message}")]
    InvalidConfig {
        field: &'static str,
        message: String,
    },
    #[error("no exchange rate from {from} to {to} on or before {on}")]
    FxRateMissing {
        from: Currency,
        to: Currency,
        on: String,
    },
    #[error("{field}: {source}")]
    Money {
        field: &'static str,
        source: MoneyError,
    },
    #[error("{field}: {source}")]
    Calendar {
        field: &'static str,
        source: CalendarError,
    },
    #[error("{field}: amount is out of range")]
    Overflow { field: &'static str },
    /// A statement CSV that does not parse. `line` and `column` are 1-based; `column` is the
    /// field's position in the record.
    #[error("CSV line {line}, column {column}: {message}")]
    Csv {
        line: usize,
        column: usize,
        message: String,
    },
    #[error("PDF could not be written: {message}")]
    Pdf { message: String },
}

impl SettlementError {
    /// The input field (request parameter) the error is about.
    pub fn field(&self) -> &str {
        match self {
            SettlementError::UnknownCurrency { field }
            | SettlementError::NonPositiveAmount { field }
            | SettlementError::NegativeAmount { field }
            | SettlementError::CurrencyMismatch { field, .. }
            | SettlementError::InvalidId { field, .. }
            | SettlementError::DuplicateId { field, .. }
            | SettlementError::NotFound { field, .. }
            | SettlementError::ExceedsPayment { field, .. }
            | SettlementError::BeforeClock { field, .. }
            | SettlementError::DisputeResolved { field }
            | SettlementError::PayoutAlreadyFailed { field }
            | SettlementError::InvalidConfig { field, .. }
            | SettlementError::Money { field, .. }
            | SettlementError::Calendar { field, .. }
            | SettlementError::Overflow { field } => field,
            SettlementError::FxRateMissing { .. } => "fxRates",
            SettlementError::Csv { .. } => "csv",
            SettlementError::Pdf { .. } => "format",
        }
    }

    /// As the API reports it: a 400 naming [`field`](Self::field).
    pub fn to_api_error(&self) -> ApiError {
        ApiError::from_field_error(self.field(), self)
    }

    pub(crate) fn money(field: &'static str) -> impl FnOnce(MoneyError) -> SettlementError {
        move |source| SettlementError::Money { field, source }
    }

    pub(crate) fn calendar(field: &'static str) -> impl FnOnce(CalendarError) -> SettlementError {
        move |source| SettlementError::Calendar { field, source }
    }
}

impl FieldError for SettlementError {
    fn code(&self) -> &'static str {
        match self {
            SettlementError::UnknownCurrency { .. } => "currency_unknown",
            SettlementError::NonPositiveAmount { .. } => "amount_not_positive",
            SettlementError::NegativeAmount { .. } => "amount_negative",
            SettlementError::CurrencyMismatch { .. } => "currency_mismatch",
            SettlementError::InvalidId { .. } => "id_invalid",
            SettlementError::DuplicateId { .. } => "id_duplicate",
            SettlementError::NotFound { .. } => "resource_missing",
            SettlementError::ExceedsPayment { .. } => "amount_exceeds_payment",
            SettlementError::BeforeClock { .. } => "activity_before_clock",
            SettlementError::DisputeResolved { .. } => "dispute_already_resolved",
            SettlementError::PayoutAlreadyFailed { .. } => "payout_already_failed",
            SettlementError::InvalidConfig { .. } => "settlement_config_invalid",
            SettlementError::FxRateMissing { .. } => "fx_rate_missing",
            SettlementError::Money { source, .. } => source.code(),
            SettlementError::Calendar { .. } => "date_out_of_range",
            SettlementError::Overflow { .. } => "amount_overflow",
            SettlementError::Csv { .. } => "csv_malformed",
            SettlementError::Pdf { .. } => "statement_failed",
        }
    }
}

/// `checked_add` on minor units with the field named on overflow.
pub(crate) fn add(a: i64, b: i64, field: &'static str) -> Result<i64, SettlementError> {
    a.checked_add(b).ok_or(SettlementError::Overflow { field })
}

pub(crate) fn neg(a: i64, field: &'static str) -> Result<i64, SettlementError> {
    a.checked_neg().ok_or(SettlementError::Overflow { field })
}
