//! Reading a request body whole, without ever holding more than the cap.

use crate::core::capture::build::too_large;
use crate::core::http::error::ApiError;
use futures::StreamExt;
use worker::js_sys::Uint8Array;
use worker::wasm_bindgen::JsValue;
use worker::wasm_bindgen_futures::JsFuture;
use worker::worker_sys::web_sys;
use worker::{ByteStream, Headers};

fn unreadable(e: JsValue) -> ApiError {
    ApiError::bad_request("request body unreadable").with_details(format!("{e:?}"))
}

/// Reads the body of `req`, failing with 413 as soon as it passes
/// `max_bytes`. A request without a body reads as empty.
pub async fn read_limited(req: &web_sys::Request, max_bytes: u64) -> Result<Vec<u8>, ApiError> {
    let Some(body) = req.body() else {
        return Ok(Vec::new());
    };
    let declared = Headers(req.headers()).get("content-length").ok().flatten();
    if declared.and_then(|v| v.trim().parse::<u64>().ok()).is_some_and(|n| n <= max_bytes) {
        // HTTP framing ends the body at its declared length, so one read is
        // bounded; it costs one promise instead of one per chunk.
        let buffer = JsFuture::from(req.array_buffer().map_err(unreadable)?).await.map_err(unreadable)?;
        return Ok(Uint8Array::new(&buffer).to_vec());
    }
    let mut stream = ByteStream::from(body);
    let mut bytes = Vec::new();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|e| unreadable(e.into()))?;
        if (bytes.len() + chunk.len()) as u64 > max_bytes {
            return Err(too_large(max_bytes));
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(bytes)
}

/// Most bytes read off an unconsumed body before answering anyway.
const DRAIN_MAX_BYTES: usize = 2 * 1024 * 1024;

/// Reads and discards what is left of a request body that a handler did not
/// consume (an early 404 or 400). Answering with the body unread makes the
/// runtime drop the connection, which breaks the client's next request on
/// a kept-alive socket. A body larger than 2 MiB is left to that fate.
pub async fn drain(req: &web_sys::Request) {
    let Some(body) = req.body().filter(|_| !req.body_used()) else { return };
    let mut stream = ByteStream::from(body);
    let mut seen = 0;
    while let Some(Ok(chunk)) = stream.next().await {
        seen += chunk.len();
        if seen > DRAIN_MAX_BYTES {
            return;
        }
    }
}
