//! How one var's text becomes a value of the [`Config`](crate::core::config::Config),
//! and the error that names a var that cannot be used.

use crate::core::http::error::{ApiError, ErrorKind};
use crate::core::log::RequestLogging;
use crate::core::weburl::{ParseUrl, WebUrl};

/// The error a var that cannot be used is reported with, by name.
pub fn misconfigured(details: impl Into<String>) -> ApiError {
    ApiError::new(ErrorKind::Misconfigured, "service misconfigured").with_details(details)
}

/// `LOG_REQUESTS`.
pub fn logging(raw: &str) -> Result<RequestLogging, ApiError> {
    RequestLogging::parse(raw)
        .ok_or_else(|| misconfigured(format!("LOG_REQUESTS={raw:?} must be one of all, errors, off")))
}

/// An integer var in `min..=max`, or `default` when unset.
pub fn number(name: &str, raw: Option<String>, default: u64, min: u64, max: u64) -> Result<u64, ApiError> {
    let Some(raw) = raw else { return Ok(default) };
    match raw.parse::<u64>() {
        Ok(v) if (min..=max).contains(&v) => Ok(v),
        _ => Err(misconfigured(format!("{name}={raw:?} must be an integer from {min} to {max}"))),
    }
}

/// Validates `PUBLIC_URL`: an absolute http(s) URL with a host and no
/// query or fragment.
pub fn public_url(raw: &str, parse: ParseUrl) -> Result<WebUrl, ApiError> {
    let bad = || {
        misconfigured(format!("PUBLIC_URL={raw:?} must be an absolute http(s) URL such as https://hooks.example.com"))
    };
    let url = parse(raw).ok_or_else(bad)?;
    if !url.is_http() || url.host.is_empty() || url.has_query || url.has_fragment {
        return Err(bad());
    }
    Ok(url)
}
