//! A request's abort signal as a future: with the `enable_request_signal`
//! compatibility flag, workerd aborts it when the client disconnects.

use worker::js_sys;
use worker::wasm_bindgen_futures::JsFuture;
use worker::worker_sys::web_sys::AbortSignal;

/// Resolves once `signal` is aborted (never, if it never is).
pub async fn aborted(signal: &AbortSignal) {
    if signal.aborted() {
        return;
    }
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let _ = signal.add_event_listener_with_callback("abort", &resolve);
    });
    let _ = JsFuture::from(promise).await;
}
