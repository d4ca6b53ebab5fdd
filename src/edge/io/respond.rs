//! Turning core [`Reply`]s and [`ApiError`]s into runtime responses, with
//! the CORS headers every answer carries.

use super::runtime_response;
use crate::core::http::cors;
use crate::core::http::error::ApiError;
use crate::core::http::header_block::header_block;
use crate::core::http::reply::Reply;
use worker::wasm_bindgen::JsValue;
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
    // 204, 205 and 304 must have a null body, not an empty one (a body
    // there makes the runtime's Response constructor throw).
    let bodiless = reply.body.is_empty() || matches!(reply.status, 204 | 205 | 304);
    Ok(if bodiless { builder.empty() } else { builder.fixed(reply.body) })
}

/// Builds the runtime's own response for `reply`, with CORS headers, with
/// no `worker::Response` in between, in one call into the runtime when the
/// headers fit a block. For the bin object, which answers every capture.
pub fn to_runtime(reply: Reply) -> Result<web_sys::Response, ApiError> {
    let bodiless = reply.body.is_empty() || matches!(reply.status, 204 | 205 | 304);
    let body = if bodiless { None } else { Some(reply.body.as_slice()) };
    let pairs = reply.headers.iter().map(|(n, v)| (n.as_str(), v.as_str()));
    let failed = |e: JsValue| ApiError::internal(format!("response: {e:?}"));
    if let Some(block) = header_block(cors::response_headers().into_iter().chain(pairs.clone())) {
        return runtime_response::response(reply.status, &block, body).map_err(failed);
    }
    let headers = headers_with_cors(pairs).map_err(platform("response headers"))?;
    let init = web_sys::ResponseInit::new();
    init.set_status(reply.status);
    init.set_headers(&headers.0);
    let mut owned = reply.body;
    // The constructor copies the bytes it is given (Fetch, "extract a body").
    web_sys::Response::new_with_opt_u8_array_and_init(if bodiless { None } else { Some(&mut owned) }, &init)
        .map_err(failed)
}

/// The runtime's response for a failed request (see [`error_response`]).
pub fn runtime_error(err: &ApiError) -> worker::Result<web_sys::Response> {
    if err.status() >= 500 {
        console_error!("{}", err);
    }
    match to_runtime(Reply::error(err)) {
        Ok(response) => Ok(response),
        Err(_) => Response::error("internal error", 500).map(Into::into),
    }
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
