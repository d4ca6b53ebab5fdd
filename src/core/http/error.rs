//! The one error type of the service and its one mapping to HTTP.
//!
//! Every failure a handler can meet, from a malformed cursor to a storage
//! fault, becomes an [`ApiError`]; `Reply::error` is the only place that
//! turns one into a status code and a contract-shaped JSON body. A platform
//! failure keeps its detail for the log line only: clients see a generic
//! message and the code.

use serde::Serialize;

/// What went wrong, as a stable machine-readable kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// The request is malformed (bad cursor, limit, JSON, URL...). HTTP 400.
    BadRequest,
    /// A credential is required but missing. HTTP 401.
    Unauthorized,
    /// A credential was given but is wrong. HTTP 403.
    Forbidden,
    /// No such bin, capture or route. HTTP 404.
    NotFound,
    /// The route exists but not for this method. HTTP 405.
    MethodNotAllowed,
    /// The resource is not in a state that allows this. HTTP 409.
    Conflict,
    /// The request body is larger than the configured cap. HTTP 413.
    PayloadTooLarge,
    /// The caller is over its rate limit. HTTP 429.
    RateLimited,
    /// The deployment's configuration is invalid. HTTP 500.
    Misconfigured,
    /// The platform (storage, runtime) failed. HTTP 500.
    Internal,
}

impl ErrorKind {
    /// The HTTP status code for this kind.
    pub fn status(self) -> u16 {
        match self {
            ErrorKind::BadRequest => 400,
            ErrorKind::Unauthorized => 401,
            ErrorKind::Forbidden => 403,
            ErrorKind::NotFound => 404,
            ErrorKind::MethodNotAllowed => 405,
            ErrorKind::Conflict => 409,
            ErrorKind::PayloadTooLarge => 413,
            ErrorKind::RateLimited => 429,
            ErrorKind::Misconfigured | ErrorKind::Internal => 500,
        }
    }

    /// The stable snake_case code sent as the additive `code` field.
    pub fn code(self) -> &'static str {
        match self {
            ErrorKind::BadRequest => "bad_request",
            ErrorKind::Unauthorized => "unauthorized",
            ErrorKind::Forbidden => "forbidden",
            ErrorKind::NotFound => "not_found",
            ErrorKind::MethodNotAllowed => "method_not_allowed",
            ErrorKind::Conflict => "conflict",
            ErrorKind::PayloadTooLarge => "payload_too_large",
            ErrorKind::RateLimited => "rate_limited",
            ErrorKind::Misconfigured => "misconfigured",
            ErrorKind::Internal => "internal",
        }
    }
}

/// The error code a status stands for, to label answers whose `ApiError`
/// was built elsewhere (a bin object's answer, seen from the Worker).
pub fn code_for_status(status: u16) -> Option<&'static str> {
    use ErrorKind::*;
    [BadRequest, Unauthorized, Forbidden, NotFound, MethodNotAllowed, Conflict, PayloadTooLarge, RateLimited, Internal]
        .into_iter()
        .find(|k| k.status() == status)
        .map(ErrorKind::code)
}

/// A failure, with a short message for people and optional details.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// The kind, which fixes the status code.
    pub kind: ErrorKind,
    /// A short, human-readable summary (the contract's `error` field).
    pub message: String,
    /// More specific context (the contract's nullable `details` field).
    pub details: Option<String>,
    /// Extra response headers, such as `Allow` on a 405 or `Retry-After`.
    pub headers: Vec<(String, String)>,
    /// What failed inside, for the log; never sent to the client.
    pub internal: Option<String>,
}

#[derive(Serialize)]
struct ErrorBody<'a> {
    error: &'a str,
    details: Option<&'a str>,
    code: &'static str,
}

impl ApiError {
    /// An error of `kind` with a message and no details.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        ApiError { kind, message: message.into(), details: None, headers: Vec::new(), internal: None }
    }

    /// Adds details to the error.
    pub fn with_details(mut self, details: impl Into<String>) -> Self {
        self.details = Some(details.into());
        self
    }

    /// Adds a response header to the error.
    pub fn with_header(mut self, name: &str, value: impl Into<String>) -> Self {
        self.headers.push((name.to_string(), value.into()));
        self
    }

    /// 400 with a message.
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::BadRequest, message)
    }

    /// 404 with a message.
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::NotFound, message)
    }

    /// 404 for a bin that does not exist, was deleted or has expired.
    pub fn bin_not_found() -> Self {
        Self::not_found("bin not found").with_details("no such bin, or it was deleted or has expired")
    }

    /// 405 with the `Allow` header listing what the route accepts.
    pub fn method_not_allowed(allow: &str) -> Self {
        Self::new(ErrorKind::MethodNotAllowed, "method not allowed")
            .with_details(format!("this route accepts {allow}"))
            .with_header("allow", allow)
    }

    /// 500 for a platform failure. `context` (storage or runtime error text)
    /// goes to the log line; the client learns only that it failed.
    pub fn internal(context: impl Into<String>) -> Self {
        let mut err = Self::new(ErrorKind::Internal, "internal error");
        err.internal = Some(context.into());
        err
    }

    /// The HTTP status code.
    pub fn status(&self) -> u16 {
        self.kind.status()
    }

    /// The contract's `Error` JSON body: `{"error", "details", "code"}`.
    pub fn body_json(&self) -> Vec<u8> {
        let body = ErrorBody { error: &self.message, details: self.details.as_deref(), code: self.kind.code() };
        // Serialising a struct of strings cannot fail; fall back to a fixed body regardless.
        serde_json::to_vec(&body).unwrap_or_else(|_| br#"{"error":"internal error"}"#.to_vec())
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({})", self.message, self.kind.code())?;
        for detail in [&self.details, &self.internal].into_iter().flatten() {
            write!(f, ": {detail}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ApiError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_kinds_to_statuses() {
        assert_eq!(ApiError::bad_request("x").status(), 400);
        assert_eq!(ApiError::bin_not_found().status(), 404);
        assert_eq!(ApiError::new(ErrorKind::PayloadTooLarge, "big").status(), 413);
        assert_eq!(ApiError::internal("db").status(), 500);
    }

    #[test]
    fn body_has_contract_shape() {
        let e = ApiError::bad_request("invalid cursor").with_details("not base64");
        let v: serde_json::Value = serde_json::from_slice(&e.body_json()).unwrap();
        assert_eq!(v["error"], "invalid cursor");
        assert_eq!(v["details"], "not base64");
        assert_eq!(v["code"], "bad_request");
    }

    #[test]
    fn details_serialise_as_null_when_absent() {
        let v: serde_json::Value = serde_json::from_slice(&ApiError::not_found("x").body_json()).unwrap();
        assert!(v["details"].is_null());
    }

    #[test]
    fn codes_for_statuses() {
        assert_eq!(code_for_status(403), Some("forbidden"));
        assert_eq!(code_for_status(500), Some("internal"));
        assert_eq!(code_for_status(202), None);
    }

    #[test]
    fn method_not_allowed_carries_allow() {
        let e = ApiError::method_not_allowed("GET, HEAD");
        assert_eq!(e.status(), 405);
        assert_eq!(e.headers, [("allow".to_string(), "GET, HEAD".to_string())]);
    }

    #[test]
    fn internal_detail_is_logged_not_sent() {
        let e = ApiError::internal("storage: SQLITE_FULL at /do/abc");
        let v: serde_json::Value = serde_json::from_slice(&e.body_json()).unwrap();
        assert_eq!(v, serde_json::json!({"error": "internal error", "details": null, "code": "internal"}));
        assert!(e.to_string().contains("SQLITE_FULL"));
    }
}
