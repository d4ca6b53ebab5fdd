//! The request a bin's object receives, taken as the runtime hands it
//! over. `worker::Request` reads `request.cf` on construction (the runtime
//! builds that object for every read) and copies the method and path;
//! the object needs neither, so it keeps the runtime's request and its
//! headers, and nothing else.

use crate::core::http::header_block::parse_block;
use worker::wasm_bindgen::{self, prelude::wasm_bindgen};
use worker::worker_sys::web_sys;
use worker::Headers;

#[wasm_bindgen(inline_js = r#"
export function polyhookHeaderBlock(headers) {
  let block = "";
  for (const [name, value] of headers) block += name + ":" + value + "\n";
  return block;
}
"#)]
extern "C" {
    /// Every header as `name:value` lines (names lowercase, in the
    /// runtime's order), in one call: iterating from wasm costs several
    /// crossings per header.
    #[wasm_bindgen(js_name = polyhookHeaderBlock)]
    fn header_block(headers: &web_sys::Headers) -> String;
}

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

    /// Every header as `(name, value)`, in one call into the runtime.
    pub fn header_pairs(&self) -> Vec<(String, String)> {
        parse_block(&header_block(&self.headers.0))
    }

    /// The runtime's request (method, URL, body, signal).
    pub fn inner(&self) -> &web_sys::Request {
        &self.raw
    }
}
