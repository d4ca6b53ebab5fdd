//! Handing a request to its bin's Durable Object untouched: the runtime's
//! own request and response objects pass straight through, so the Worker
//! entry never wraps them (wrapping a request reads its `cf` properties,
//! and wrapping a response re-builds it, both measurable per ingest).

use super::abort::aborted;
use super::internal::internal_request;
use super::respond::platform;
use super::sse_stream;
use crate::core::bin::ids::random_bytes;
use crate::core::hex::hex;
use crate::core::http::error::ApiError;
use crate::core::http::route::BinRoute;
use crate::core::wait::{KEY_HEADER, LEAVE_PATH};
use futures::channel::oneshot;
use futures::future::{select, Either};
use worker::js_sys::Reflect;
use worker::wasm_bindgen::{JsCast, JsValue};
use worker::wasm_bindgen_futures::JsFuture;
use worker::worker_sys::web_sys;
use worker::worker_sys::DurableObjectNamespace;
use worker::{console_error, Context, Env};

/// Binding name of the bin objects' namespace in wrangler.toml.
const BINS: &str = "BINS";

fn js(context: &'static str) -> impl Fn(JsValue) -> ApiError {
    move |e| ApiError::internal(format!("{context}: {e:?}"))
}

/// The bins' namespace, read off `env` in one lookup: `Env::durable_object`
/// also reads the binding's constructor name, on every request. A binding
/// of another kind fails at `getByName`, which is caught.
fn bins(env: &Env) -> Result<DurableObjectNamespace, ApiError> {
    let binding = Reflect::get(env, &JsValue::from_str(BINS)).map_err(js("bin namespace"))?;
    if binding.is_undefined() {
        return Err(ApiError::internal(format!("no binding {BINS}")));
    }
    Ok(binding.unchecked_into())
}

/// Hands `req` to bin `bin`'s object and returns its answer.
pub async fn to_bin(env: &Env, bin: &str, req: &web_sys::Request) -> Result<web_sys::Response, ApiError> {
    let stub = bins(env)?.get_by_name(bin).map_err(js("bin stub"))?;
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

/// Forwards a wait under a fresh key. If its client disconnects first, the
/// bin is told so the waiter leaves at once (workerd gives the object no
/// signal of its own). The watch runs under `wait_until`, which outlives a
/// request whose client is gone. (Miniflare never aborts the signal, so
/// locally a waiter whose client left stays until its own time is up.)
pub async fn forward_wait(
    env: &Env,
    ctx: &Context,
    bin: &str,
    req: &web_sys::Request,
) -> Result<web_sys::Response, ApiError> {
    let mut bytes = [0u8; 16];
    random_bytes(&mut bytes)?;
    let key = hex(&bytes);
    let headers = web_sys::Headers::new_with_headers(&req.headers()).map_err(js("wait headers"))?;
    headers.set(KEY_HEADER, &key).map_err(js("wait headers"))?;
    let init = web_sys::RequestInit::new();
    init.set_headers(&headers);
    let keyed = web_sys::Request::new_with_request_and_init(req, &init).map_err(js("wait request"))?;
    let (answered, answered_rx) = oneshot::channel::<()>();
    let (env2, bin2, signal) = (env.clone(), bin.to_string(), req.signal());
    ctx.wait_until(async move {
        if let Either::Right(_) = select(answered_rx, Box::pin(aborted(&signal))).await {
            leave(&env2, &bin2, &key).await;
        }
    });
    let answer = to_bin(env, bin, &keyed).await;
    let _ = answered.send(());
    answer
}

/// Tells bin `bin` that the client of waiter `key` left.
async fn leave(env: &Env, bin: &str, key: &str) {
    let result = async {
        let url = format!("https://bin{LEAVE_PATH}");
        let req = internal_request(&url, "POST", None, Some((KEY_HEADER, key))).map_err(platform("leave"))?;
        to_bin(env, bin, &req).await
    }
    .await;
    if let Err(err) = result {
        console_error!("wait leave: {}", err);
    }
}
