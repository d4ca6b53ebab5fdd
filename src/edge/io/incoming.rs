//! The request a bin's object receives, taken as the runtime hands it
//! over. `worker::Request` reads `request.cf` on construction (the runtime
//! builds that object for every read) and copies the method and path;
//! the object needs neither, so it keeps the runtime's request and its
//! headers, and nothing else.

use worker::worker_sys::web_sys;
use worker::Headers;

/// An incoming request: the runtime's own object and its headers.
#[derive(Debug)]
pub struct Incoming {
    raw: web_sys::Request,
    headers: Headers,
}

impl Incoming {
    /// Wraps the runtime's request without reading anything from it.
    pub fn new(raw: web_sys::Request) -> Self {
        let headers = Headers(raw.headers());
        Incoming { raw, headers }
    }

    /// The request's headers.
    pub fn headers(&self) -> &Headers {
        &self.headers
    }

    /// The runtime's request (method, URL, body, signal).
    pub fn inner(&self) -> &web_sys::Request {
        &self.raw
    }
}
