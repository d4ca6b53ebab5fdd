//! Reading a request body whole, without ever holding more than the cap.

use crate::core::capture::build::too_large;
use crate::core::http::error::ApiError;
use futures::StreamExt;
use worker::Request;

fn unreadable(e: worker::Error) -> ApiError {
    ApiError::bad_request("request body unreadable").with_details(e.to_string())
}

/// Reads the body of `req`, failing with 413 as soon as it passes
/// `max_bytes`. A request without a body reads as empty.
pub async fn read_limited(req: &mut Request, max_bytes: u64) -> Result<Vec<u8>, ApiError> {
    if req.inner().body().is_none() {
        return Ok(Vec::new());
    }
    let declared = req.headers().get("content-length").ok().flatten().and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|n| n <= max_bytes) {
        // HTTP framing ends the body at its declared length, so one read is
        // bounded; it costs one promise instead of one per chunk.
        return req.bytes().await.map_err(unreadable);
    }
    let mut stream = req.stream().map_err(unreadable)?;
    let mut body = Vec::new();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(unreadable)?;
        if (body.len() + chunk.len()) as u64 > max_bytes {
            return Err(too_large(max_bytes));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// Most bytes read off an unconsumed body before answering anyway.
const DRAIN_MAX_BYTES: usize = 2 * 1024 * 1024;

/// Reads and discards what is left of a request body that a handler did not
/// consume (an early 404 or 400). Answering with the body unread makes the
/// runtime drop the connection, which breaks the client's next request on
/// a kept-alive socket. A body larger than 2 MiB is left to that fate.
pub async fn drain(req: &worker::worker_sys::web_sys::Request) {
    if req.body_used() || req.body().is_none() {
        return;
    }
    let Ok(mut stream) = Request::from(Clone::clone(req)).stream() else { return };
    let mut seen = 0;
    while let Some(Ok(chunk)) = stream.next().await {
        seen += chunk.len();
        if seen > DRAIN_MAX_BYTES {
            return;
        }
    }
}
