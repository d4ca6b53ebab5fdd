//! Requests the worker sends its own objects, built on the runtime's
//! `Request` directly. `worker::Request::new_with_init` converts a whole
//! `worker::RequestInit` (cf options, redirect mode, every body kind):
//! 11 KB of wasm for calls that set only a method, a body and a header.

use worker::worker_sys::web_sys;
use worker::Error;

/// A request to `url` with `method`, and `body` and one `header` if given.
pub fn internal_request(
    url: &str,
    method: &str,
    body: Option<&str>,
    header: Option<(&str, &str)>,
) -> Result<web_sys::Request, Error> {
    let init = web_sys::RequestInit::new();
    init.set_method(method);
    if let Some(body) = body {
        init.set_body(&body.into());
    }
    if let Some((name, value)) = header {
        let headers = web_sys::Headers::new()?;
        headers.set(name, value)?;
        init.set_headers(&headers.into());
    }
    Ok(web_sys::Request::new_with_str_and_init(url, &init)?)
}
