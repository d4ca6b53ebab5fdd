//! Turning core [`Reply`]s and [`ApiError`]s into runtime responses, with
//! the CORS headers every answer carries.

use super::runtime_response;
use crate::core::http::cors;
use crate::core::http::error::ApiError;
use crate::core::http::header_block::header_block;
use crate::core::http::reply::Reply;
use worker::worker_sys::web_sys;
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
    Ok(if reply.is_bodiless() { builder.empty() } else { builder.fixed(reply.body) })
}

/// Builds the runtime's own response for `reply`, with CORS headers, in one
/// call into the runtime and with no `worker::Response` in between: for the
/// Worker entry and the bin object, which answer every capture.
pub fn to_runtime(reply: Reply) -> Result<web_sys::Response, ApiError> {
    let pairs = reply.headers.iter().map(|(n, v)| (n.as_str(), v.as_str()));
    // A line break or a colon in a name is no valid header: the runtime would refuse it too.
    let block = header_block(cors::response_headers().into_iter().chain(pairs))
        .ok_or_else(|| ApiError::internal("response header with a line break, or a colon in its name"))?;
    let body = if reply.is_bodiless() { None } else { Some(reply.body.as_slice()) };
    runtime_response::response(reply.status, &block, body).map_err(|e| ApiError::internal(format!("response: {e:?}")))
}

/// Server-side failures are logged; the client sees only the error's code.
fn log_failure(err: &ApiError) {
    if err.status() >= 500 {
        console_error!("{}", err);
    }
}

/// The runtime's response for a failed request (see [`error_response`]).
pub fn runtime_error(err: &ApiError) -> worker::Result<web_sys::Response> {
    log_failure(err);
    to_runtime(Reply::error(err)).or_else(|_| Response::error("internal error", 500).map(Into::into))
}

/// The response for a failed request. Server-side failures are logged; a
/// response that cannot even be built falls back to a bare 500.
pub fn error_response(err: &ApiError) -> worker::Result<Response> {
    log_failure(err);
    to_response(Reply::error(err)).or_else(|_| Response::error("internal error", 500))
}

/// Maps a runtime error into the service's error type.
pub fn platform(context: &str) -> impl Fn(worker::Error) -> ApiError + '_ {
    move |e| ApiError::internal(format!("{context}: {e}"))
}
