//! The API error: one type and one body shape for every failure the API (and the sandbox)
//! answers with, and that the client turns back into a typed error.
//!
//! Wire shape, per DESIGN.md:
//! `{"error": {"type", "code", "message", "param"?, "requestId"}}`.

use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use thiserror::Error;

/// An error of one input field that knows its stable, machine-readable code.
///
/// Implemented by the primitives' errors so a handler can say *which* parameter failed
/// (`ApiError::from_field_error("amount", &err)`); the parameter name is context the
/// primitive cannot know, which is why there are no blanket `From` conversions.
pub trait FieldError: std::error::Error {
    /// Stable snake_case code, part of the public API: clients branch on it.
    fn code(&self) -> &'static str;
}

/// The `type` of an API error: the broad class a client branches on first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorType {
    InvalidRequestError,
    AuthenticationError,
    PermissionError,
    IdempotencyError,
    RateLimitError,
    /// A card was declined (402); the body also names the failed payment.
    CardError,
    ApiError,
}

impl ErrorType {
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorType::InvalidRequestError => "invalid_request_error",
            ErrorType::AuthenticationError => "authentication_error",
            ErrorType::PermissionError => "permission_error",
            ErrorType::IdempotencyError => "idempotency_error",
            ErrorType::RateLimitError => "rate_limit_error",
            ErrorType::CardError => "card_error",
            ErrorType::ApiError => "api_error",
        }
    }

    pub const ALL: [ErrorType; 7] = [
        ErrorType::InvalidRequestError,
        ErrorType::AuthenticationError,
        ErrorType::PermissionError,
        ErrorType::IdempotencyError,
        ErrorType::RateLimitError,
        ErrorType::CardError,
        ErrorType::ApiError,
    ];

    fn from_wire(s: &str) -> Option<ErrorType> {
        ErrorType::ALL.into_iter().find(|t| t.as_str() == s)
    }
}

impl fmt::Display for ErrorType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An error as the API reports it: HTTP status plus the body's fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub status: u16,
    pub error_type: ErrorType,
    pub code: String,
    pub message: String,
    /// The offending request parameter, for 400s.
    pub param: Option<String>,
    pub request_id: Option<String>,
    /// The payment a card error refers to (it is stored, with status `failed`).
    pub payment_id: Option<String>,
    /// For 429: whole seconds to wait, sent as the `Retry-After` header (not in the body).
    pub retry_after: Option<u64>,
}

/// Why a response body could not be read as an [`ApiError`].
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum ErrorBodyError {
    #[error("error body has no \"error\" object")]
    MissingErrorObject,
    #[error("error body field \"{field}\" is missing or not a string")]
    MissingField { field: &'static str },
    #[error("error body has an unknown error type")]
    UnknownType,
}

impl ApiError {
    fn new(status: u16, error_type: ErrorType, code: &str, message: String) -> ApiError {
        ApiError {
            status,
            error_type,
            code: code.to_owned(),
            message,
            param: None,
            request_id: None,
            payment_id: None,
            retry_after: None,
        }
    }

    /// 400: a request parameter is missing or invalid.
    pub fn invalid_param(param: &str, code: &str, message: impl Into<String>) -> ApiError {
        ApiError {
            param: Some(param.to_owned()),
            ..ApiError::new(400, ErrorType::InvalidRequestError, code, message.into())
        }
    }

    /// 400 from a primitive's error, naming the parameter it came from.
    pub fn from_field_error(param: &str, err: &dyn FieldError) -> ApiError {
        ApiError::invalid_param(param, err.code(), err.to_string())
    }

    /// 404: also what an object of the other mode answers, so modes never leak into each
    /// other.
    pub fn not_found(resource: &str, id: &str) -> ApiError {
        ApiError {
            param: Some("id".to_owned()),
            ..ApiError::new(
                404,
                ErrorType::InvalidRequestError,
                "resource_missing",
                format!("No such {resource}: '{id}'"),
            )
        }
    }

    /// 401: missing, malformed, rolled or revoked API key. The message must never contain
    /// the key itself.
    pub fn unauthorized(message: impl Into<String>) -> ApiError {
        ApiError::new(
            401,
            ErrorType::AuthenticationError,
            "unauthorized",
            message.into(),
        )
    }

    /// 403: the key or role is valid but not allowed to do this.
    pub fn forbidden(message: impl Into<String>) -> ApiError {
        ApiError::new(403, ErrorType::PermissionError, "forbidden", message.into())
    }

    /// 409: the same `Idempotency-Key` was reused with different parameters.
    pub fn idempotency_conflict(key: &str) -> ApiError {
        ApiError::new(
            409,
            ErrorType::IdempotencyError,
            "idempotency_key_reused",
            format!(
                "Idempotency-Key '{key}' was already used with different parameters; \
                 use a new key for a new request"
            ),
        )
    }

    /// 401 with a specific code (`api_key_missing`, `api_key_malformed`, …), so a client can
    /// tell a missing key from a revoked one. The message must never contain the key.
    pub fn unauthenticated(code: &str, message: impl Into<String>) -> ApiError {
        ApiError::new(401, ErrorType::AuthenticationError, code, message.into())
    }

    /// 403 with a specific code (`test_mode_only`, `role_exceeds_creator`, …).
    pub fn permission(code: &str, message: impl Into<String>) -> ApiError {
        ApiError::new(403, ErrorType::PermissionError, code, message.into())
    }

    /// 404 for a path that names no route.
    pub fn route_unknown(message: impl Into<String>) -> ApiError {
        ApiError::new(
            404,
            ErrorType::InvalidRequestError,
            "route_unknown",
            message.into(),
        )
    }

    /// A request-level failure that no single parameter explains (405, 413, a malformed
    /// body): `status` and `code` as given, type `invalid_request_error`.
    pub fn invalid_request(status: u16, code: &str, message: impl Into<String>) -> ApiError {
        ApiError::new(status, ErrorType::InvalidRequestError, code, message.into())
    }

    /// 409: the first request with this `Idempotency-Key` is still being handled (its
    /// changes are not yet durable). Safe to retry.
    pub fn idempotency_in_progress(key: &str) -> ApiError {
        ApiError::new(
            409,
            ErrorType::IdempotencyError,
            "idempotency_request_in_progress",
            format!(
                "a request with Idempotency-Key '{key}' is still being handled; retry it shortly"
            ),
        )
    }

    /// 402: the card was declined; `code` is the decline reason.
    pub fn card_declined(code: &str, message: impl Into<String>, payment_id: &str) -> ApiError {
        ApiError {
            payment_id: Some(payment_id.to_owned()),
            ..ApiError::new(402, ErrorType::CardError, code, message.into())
        }
    }

    /// 429.
    pub fn rate_limited() -> ApiError {
        ApiError::new(
            429,
            ErrorType::RateLimitError,
            "rate_limited",
            "Too many requests; retry after a short delay".to_owned(),
        )
    }

    /// 500.
    pub fn internal(message: impl Into<String>) -> ApiError {
        ApiError::new(500, ErrorType::ApiError, "internal_error", message.into())
    }

    pub fn with_retry_after(mut self, seconds: u64) -> ApiError {
        self.retry_after = Some(seconds);
        self
    }

    pub fn with_request_id(mut self, request_id: impl Into<String>) -> ApiError {
        self.request_id = Some(request_id.into());
        self
    }

    /// The response body. `param` is left out when there is none; `requestId` is always
    /// present (null when unknown) so clients can read it without checking for the key.
    pub fn to_body_json(&self) -> Value {
        let mut inner = Map::new();
        inner.insert("type".into(), Value::from(self.error_type.as_str()));
        inner.insert("code".into(), Value::from(self.code.as_str()));
        inner.insert("message".into(), Value::from(self.message.as_str()));
        if let Some(param) = &self.param {
            inner.insert("param".into(), Value::from(param.as_str()));
        }
        if let Some(payment) = &self.payment_id {
            inner.insert("paymentId".into(), Value::from(payment.as_str()));
        }
        inner.insert(
            "requestId".into(),
            self.request_id.as_deref().map_or(Value::Null, Value::from),
        );
        let mut outer = Map::new();
        outer.insert("error".into(), Value::Object(inner));
        Value::Object(outer)
    }

    /// Reads an error body received by the client. `param` and `requestId` may be absent or
    /// null; `type`, `code` and `message` are required.
    pub fn from_body_json(status: u16, body: &Value) -> Result<ApiError, ErrorBodyError> {
        let inner = body
            .get("error")
            .and_then(Value::as_object)
            .ok_or(ErrorBodyError::MissingErrorObject)?;
        let text = |field: &'static str| {
            inner
                .get(field)
                .and_then(Value::as_str)
                .ok_or(ErrorBodyError::MissingField { field })
        };
        let error_type = ErrorType::from_wire(text("type")?).ok_or(ErrorBodyError::UnknownType)?;
        let optional = |field: &str| inner.get(field).and_then(Value::as_str).map(str::to_owned);
        Ok(ApiError {
            status,
            error_type,
            code: text("code")?.to_owned(),
            message: text("message")?.to_owned(),
            param: optional("param"),
            request_id: optional("requestId"),
            payment_id: optional("paymentId"),
            retry_after: None,
        })
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} ({} {}): {}",
            self.error_type, self.status, self.code, self.message
        )?;
        if let Some(param) = &self.param {
            write!(f, " [param: {param}]")?;
        }
        if let Some(id) = &self.request_id {
            write!(f, " [request: {id}]")?;
        }
        Ok(())
    }
}

impl std::error::Error for ApiError {}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[derive(Debug, Error)]
    #[error("bad thing")]
    struct Bad;

    impl FieldError for Bad {
        fn code(&self) -> &'static str {
            "bad_thing"
        }
    }

    #[test]
    fn constructors_set_status_type_and_code() {
        let cases = [
            (
                ApiError::invalid_param("amount", "amount_invalid", "x"),
                400,
                ErrorType::InvalidRequestError,
                "amount_invalid",
            ),
            (
                ApiError::not_found("payment", "pay_123"),
                404,
                ErrorType::InvalidRequestError,
                "resource_missing",
            ),
            (
                ApiError::unauthorized("Invalid API key"),
                401,
                ErrorType::AuthenticationError,
                "unauthorized",
            ),
            (
                ApiError::forbidden("Role Analyst cannot refund"),
                403,
                ErrorType::PermissionError,
                "forbidden",
            ),
            (
                ApiError::idempotency_conflict("k1"),
                409,
                ErrorType::IdempotencyError,
                "idempotency_key_reused",
            ),
            (
                ApiError::rate_limited(),
                429,
                ErrorType::RateLimitError,
                "rate_limited",
            ),
            (
                ApiError::internal("boom"),
                500,
                ErrorType::ApiError,
                "internal_error",
            ),
        ];
        for (err, status, ty, code) in cases {
            assert_eq!(err.status, status);
            assert_eq!(err.error_type, ty);
            assert_eq!(err.code, code);
            assert_eq!(err.request_id, None);
        }
    }

    #[test]
    fn not_found_names_id_param() {
        let e = ApiError::not_found("payment", "pay_123");
        assert_eq!(e.param.as_deref(), Some("id"));
        assert_eq!(e.message, "No such payment: 'pay_123'");
    }

    #[test]
    fn body_shape_with_param() {
        let e = ApiError::invalid_param("currency", "currency_unknown", "unknown currency")
            .with_request_id("req_abc");
        assert_eq!(
            e.to_body_json(),
            json!({"error": {
                "type": "invalid_request_error",
                "code": "currency_unknown",
                "message": "unknown currency",
                "param": "currency",
                "requestId": "req_abc"
            }})
        );
    }

    #[test]
    fn body_omits_param_when_none_and_keeps_request_id() {
        let body = ApiError::rate_limited().to_body_json();
        let inner = body["error"].as_object().unwrap();
        assert!(!inner.contains_key("param"));
        assert_eq!(inner["requestId"], Value::Null);
        let keys: Vec<&str> = inner.keys().map(String::as_str).collect();
        let mut sorted = keys.clone();
        sorted.sort();
        assert_eq!(sorted, ["code", "message", "requestId", "type"]);
    }

    #[test]
    fn body_round_trips() {
        for e in [
            ApiError::invalid_param("amount", "amount_too_precise", "m").with_request_id("req_1"),
            ApiError::not_found("refund", "re_1"),
            ApiError::idempotency_conflict("key").with_request_id("req_2"),
            ApiError::internal("x"),
            ApiError::card_declined("card_declined", "declined", "pay_12345678"),
        ] {
            let back = ApiError::from_body_json(e.status, &e.to_body_json()).unwrap();
            assert_eq!(back, e);
        }
    }

    #[test]
    fn from_body_tolerates_missing_optionals() {
        let body =
            json!({"error": {"type": "permission_error", "code": "forbidden", "message": "no"}});
        let e = ApiError::from_body_json(403, &body).unwrap();
        assert_eq!(e.param, None);
        assert_eq!(e.request_id, None);
        assert_eq!(e.error_type, ErrorType::PermissionError);
    }

    #[test]
    fn from_body_rejects_malformed() {
        assert_eq!(
            ApiError::from_body_json(500, &json!({"message": "x"})),
            Err(ErrorBodyError::MissingErrorObject)
        );
        assert_eq!(
            ApiError::from_body_json(500, &json!("oops")),
            Err(ErrorBodyError::MissingErrorObject)
        );
        assert_eq!(
            ApiError::from_body_json(
                400,
                &json!({"error": {"type": "api_error", "message": "x"}})
            ),
            Err(ErrorBodyError::MissingField { field: "code" })
        );
        assert_eq!(
            ApiError::from_body_json(
                400,
                &json!({"error": {"type": "weird", "code": "c", "message": "m"}})
            ),
            Err(ErrorBodyError::UnknownType)
        );
        assert_eq!(
            ApiError::from_body_json(
                400,
                &json!({"error": {"type": 3, "code": "c", "message": "m"}})
            ),
            Err(ErrorBodyError::MissingField { field: "type" })
        );
    }

    #[test]
    fn from_field_error_uses_code_and_message() {
        let e = ApiError::from_field_error("amount", &Bad);
        assert_eq!(e.status, 400);
        assert_eq!(e.code, "bad_thing");
        assert_eq!(e.message, "bad thing");
        assert_eq!(e.param.as_deref(), Some("amount"));
    }

    #[test]
    fn error_type_serde_matches_wire_names() {
        for t in ErrorType::ALL {
            let json = serde_json::to_value(t).unwrap();
            assert_eq!(json, Value::from(t.as_str()));
            assert_eq!(serde_json::from_value::<ErrorType>(json).unwrap(), t);
            assert_eq!(ErrorType::from_wire(t.as_str()), Some(t));
        }
    }

    #[test]
    fn display_is_informative() {
        let e = ApiError::invalid_param("amount", "amount_invalid", "not a number")
            .with_request_id("req_9");
        assert_eq!(
            e.to_string(),
            "invalid_request_error (400 amount_invalid): not a number [param: amount] [request: req_9]"
        );
        let boxed: Box<dyn std::error::Error> = Box::new(e);
        assert!(boxed.to_string().contains("amount_invalid"));
    }
}
