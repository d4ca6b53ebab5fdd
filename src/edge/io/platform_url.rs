//! The runtime's own WHATWG URL parser, the one `fetch` uses: it is the
//! worker's [`ParseUrl`](crate::core::weburl::ParseUrl), so the wasm
//! carries no URL parser of its own, and hosts in any script come back in
//! their ASCII (punycode) form.

use crate::core::http::error::ApiError;
use crate::core::weburl::WebUrl;
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
    #[wasm_bindgen(method, getter)]
    fn protocol(this: &PlatformUrl) -> String;
    #[wasm_bindgen(method, getter)]
    fn username(this: &PlatformUrl) -> String;
    #[wasm_bindgen(method, getter)]
    fn password(this: &PlatformUrl) -> String;
    #[wasm_bindgen(method, getter)]
    fn hostname(this: &PlatformUrl) -> String;
    #[wasm_bindgen(method, getter)]
    fn port(this: &PlatformUrl) -> String;
}

/// `raw` parsed by the platform; `None` if it is not an absolute URL.
pub fn parse(raw: &str) -> Option<WebUrl> {
    let url = PlatformUrl::new(raw).ok()?;
    let href = url.href();
    // `search` and `hash` are "" both for none and for a bare `?` or `#`;
    // the serialisation tells them apart (a fragment may hold `?`, not the reverse).
    let (before_fragment, fragment) = href.split_once('#').map_or((href.as_str(), None), |(b, f)| (b, Some(f)));
    let (has_query, has_fragment) = (before_fragment.contains('?'), fragment.is_some());
    Some(WebUrl {
        scheme: url.protocol().trim_end_matches(':').to_string(),
        username: url.username(),
        password: url.password(),
        host: url.hostname(),
        port: url.port().parse().ok(),
        has_query,
        has_fragment,
        href,
    })
}

/// The URL a request came in on, as the runtime gave it: always absolute,
/// so a failure is the runtime's, reported as an internal error.
pub fn request_url(raw: &str) -> Result<WebUrl, ApiError> {
    parse(raw).ok_or_else(|| ApiError::internal(format!("url: {raw}")))
}
