//! Turning core [`Reply`]s and [`ApiError`]s into runtime responses, with
//! the CORS headers every answer carries.

use crate::core::http::cors;
use crate::core::http::error::ApiError;
use crate::core::http::reply::Reply;
use worker::{console_error, Headers, Response};

/// `extra` headers plus the CORS headers every answer carries.
pub fn with_cors(extra: &[(&str, &str)]) -> worker::Result<Headers> {
    headers_with_cors(extra.iter().copied())
}

/// `extra` headers, given as pairs, plus the CORS headers.
pub fn headers_with_cors<'a>(extra: impl IntoIterator<Item = (&'a str, &'a str)>) -> worker::Result<Headers> {
    let headers = Headers::new();
    for (name, value) in cors::response_headers() {
        headers.set(name, value)?;
    }
    for (name, value) in extra {
        headers.append(name, value)?;
    }
    Ok(headers)
}

/// Builds the runtime response for `reply`, adding CORS headers.
pub fn to_response(reply: Reply) -> worker::Result<Response> {
    let headers = headers_with_cors(reply.headers.iter().map(|(n, v)| (n.as_str(), v.as_str())))?;
    let builder = Response::builder().with_status(reply.status).with_headers(headers);
    // 204, 205 and 304 must have a null body, not an empty one (a body
    // there makes the runtime's Response constructor throw).
    let bodiless = reply.body.is_empty() || matches!(reply.status, 204 | 205 | 304);
    Ok(if bodiless { builder.empty() } else { builder.fixed(reply.body) })
}

/// The response for a failed request. Server-side failures are logged; a
/// response that cannot even be built falls back to a bare 500.
pub fn error_response(err: &ApiError) -> worker::Result<Response> {
    if err.status() >= 500 {
        console_error!("{}", err);
    }
    to_response(Reply::error(err)).or_else(|_| Response::error("internal error", 500))
}

/// Maps a runtime error into the service's error type.
pub fn platform(context: &str) -> impl Fn(worker::Error) -> ApiError + '_ {
    move |e| ApiError::internal(format!("{context}: {e}"))
}
