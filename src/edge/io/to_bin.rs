//! Handing a request to its bin's Durable Object untouched: the runtime's
//! own request and response objects pass straight through, so the Worker
//! entry never wraps them (wrapping a request reads its `cf` properties,
//! and wrapping a response re-builds it, both measurable per ingest).

use super::respond::platform;
use super::sse_stream;
use crate::core::http::error::ApiError;
use crate::core::http::route::BinRoute;
use worker::wasm_bindgen::{JsCast, JsValue};
use worker::wasm_bindgen_futures::JsFuture;
use worker::worker_sys::web_sys;
use worker::worker_sys::DurableObjectNamespace;
use worker::{console_error, Env};

/// Binding name of the bin objects' namespace in wrangler.toml.
pub const BINS: &str = "BINS";

fn js(context: &'static str) -> impl Fn(JsValue) -> ApiError {
    move |e| ApiError::internal(format!("{context}: {e:?}"))
}

async fn to_bin(env: &Env, bin: &str, req: &web_sys::Request) -> Result<web_sys::Response, ApiError> {
    let namespace = env.durable_object(BINS).map_err(platform("bin namespace"))?;
    let namespace: &DurableObjectNamespace = namespace.as_ref().unchecked_ref();
    let stub = namespace.get_by_name(bin).map_err(js("bin stub"))?;
    let answer =
        JsFuture::from(stub.fetch_with_request(req).map_err(js("bin object"))?).await.map_err(js("bin object"))?;
    answer.dyn_into::<web_sys::Response>().map_err(js("bin answer"))
}

/// Forwards `req` for `route` to bin `bin`'s object. A stream that cannot
/// be forwarded gets a retry hint: an EventSource gives up for good on a 5xx.
pub async fn forward(
    env: &Env,
    bin: &str,
    route: &BinRoute,
    req: &web_sys::Request,
) -> Result<web_sys::Response, ApiError> {
    match (to_bin(env, bin, req).await, route) {
        (Err(err), BinRoute::Stream) => {
            console_error!("stream: {}", err);
            sse_stream::refuse("temporarily unavailable").map(Into::into).map_err(platform("stream response"))
        }
        (result, _) => result,
    }
}
