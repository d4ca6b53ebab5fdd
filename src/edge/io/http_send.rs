//! Sending one replay attempt: the captured method, headers and exact body
//! bytes to the target, within a time limit. What the answer means is the
//! core's decision (`core::replay::runner`).

use super::clock::now_ms;
use crate::core::replay::runner::Sent;
use futures::future::{select, Either};
use worker::js_sys::Uint8Array;
use worker::worker_sys::web_sys;
use worker::{AbortController, Delay, Fetch, Request, ResponseBody};

/// Sends `body` with `method` and `headers` to `target`, giving up after
/// `timeout_ms`. Redirects are not followed: a 3xx is the target's answer.
/// Returns how it went and how long it took, in ms. The body is copied into
/// the outgoing request and dropped before the wait, so an attempt in
/// flight holds its bytes once, in the runtime, not again in wasm memory.
pub async fn send(
    target: &str,
    method: &str,
    headers: &[(String, String)],
    body: Vec<u8>,
    timeout_ms: u64,
) -> (Sent, u64) {
    let started = now_ms();
    let built = build(target, method, headers, &body);
    drop(body);
    let sent = match built {
        Ok(request) => attempt(request, timeout_ms).await,
        Err(error) => Sent::Impossible(error),
    };
    (sent, now_ms().saturating_sub(started))
}

async fn attempt(request: Request, timeout_ms: u64) -> Sent {
    let controller = AbortController::default();
    let signal = controller.signal();
    let fetch = Fetch::Request(request);
    let sending = Box::pin(fetch.send_with_signal(&signal));
    let deadline = Box::pin(Delay::from(std::time::Duration::from_millis(timeout_ms)));
    let raced = select(sending, deadline).await;
    let sent = match raced {
        Either::Left((Ok(response), _)) => {
            let retry_after = response.headers().get("retry-after").ok().flatten();
            let status = response.status_code();
            // The answer's body is never read: cancel it so the connection is freed.
            if let ResponseBody::Stream(body) = response.body() {
                drop(body.cancel());
            }
            Sent::Answered { status, retry_after }
        }
        Either::Left((Err(e), _)) => Sent::NoAnswer(format!("network error: {e}")),
        Either::Right(((), _)) => {
            controller.abort();
            Sent::NoAnswer(format!("timed out after {timeout_ms} ms"))
        }
    };
    sent
}

/// The outgoing request; an error here means it can never be sent.
fn build(target: &str, method: &str, headers: &[(String, String)], body: &[u8]) -> Result<Request, String> {
    let js_headers = web_sys::Headers::new().map_err(|e| format!("headers: {e:?}"))?;
    for (name, value) in headers {
        // A header the runtime refuses to send is skipped, not fatal.
        let _ = js_headers.append(name, value);
    }
    let init = web_sys::RequestInit::new();
    init.set_method(method);
    init.set_headers(&js_headers.into());
    init.set_redirect(web_sys::RequestRedirect::Manual);
    // Fetch forbids a body on GET and HEAD.
    if !body.is_empty() && !matches!(method, "GET" | "HEAD") {
        init.set_body(&Uint8Array::from(body).into());
    }
    web_sys::Request::new_with_str_and_init(target, &init)
        .map(Request::from)
        .map_err(|e| format!("invalid request: {}", e.as_string().unwrap_or_else(|| format!("{e:?}"))))
}
