//! A runtime `Response` built in one call: status, the headers as one
//! block ([`crate::core::http::header_block`]) and the body bytes. Setting
//! headers one at a time from wasm costs a crossing each; this small
//! JavaScript function does the loop on the other side. The headers go to
//! the constructor as name/value pairs: a `Headers` object there would be
//! copied into the response's own and left to the garbage collector, whose
//! pauses run the runtime's finalizer for it and each of its strings.

use worker::js_sys::Uint8Array;
use worker::wasm_bindgen::{self, prelude::wasm_bindgen, JsValue};
use worker::worker_sys::web_sys;

#[wasm_bindgen(inline_js = r#"
export function polyhookResponse(status, block, body) {
  const headers = [];
  for (const line of block.split("\n")) {
    if (line === "") continue;
    const colon = line.indexOf(":");
    headers.push([line.slice(0, colon), line.slice(colon + 1)]);
  }
  return new Response(body, { status, headers });
}
"#)]
extern "C" {
    #[wasm_bindgen(catch, js_name = polyhookResponse)]
    fn polyhook_response(status: u16, block: &str, body: Option<Uint8Array>) -> Result<web_sys::Response, JsValue>;
}

/// The response with `status`, the headers of `block` and `body` (`None`:
/// a null body, which 204, 205 and 304 must have).
pub fn response(status: u16, block: &str, body: Option<&[u8]>) -> Result<web_sys::Response, JsValue> {
    // A copy the runtime owns: a view into wasm memory would not outlive the call.
    polyhook_response(status, block, body.map(Uint8Array::from))
}
