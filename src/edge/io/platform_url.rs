//! The runtime's own WHATWG URL parser, for the one job the `url` crate is
//! built without: international host names (see
//! [`crate::core::idna::ToAscii`]).

use worker::wasm_bindgen::{self, prelude::wasm_bindgen, JsValue};

#[wasm_bindgen]
extern "C" {
    /// The global `URL` class.
    #[wasm_bindgen(js_name = URL)]
    type PlatformUrl;

    #[wasm_bindgen(constructor, js_class = "URL", catch)]
    fn new(url: &str) -> Result<PlatformUrl, JsValue>;

    #[wasm_bindgen(method, getter)]
    fn href(this: &PlatformUrl) -> String;
}

/// `raw` serialised by the platform, hosts in their ASCII (punycode) form;
/// `None` if the platform does not take it as a URL either.
pub fn to_ascii(raw: &str) -> Option<String> {
    PlatformUrl::new(raw).ok().map(|url| url.href())
}
