//! Sending one replay attempt: the captured method, headers and exact body
//! bytes to the target, within a time limit.

use futures::future::{select, Either};
use worker::js_sys::Uint8Array;
use worker::worker_sys::web_sys;
use worker::{AbortController, Date, Delay, Fetch, Request};

/// What one attempt got back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sent {
    /// The target's status code, if it answered.
    pub status: Option<u16>,
    /// Why there is no usable answer, or which status failed.
    pub error: Option<String>,
    /// The target's `Retry-After` header, if any.
    pub retry_after: Option<String>,
    /// Wall time of the attempt, in milliseconds.
    pub duration_ms: u64,
}

impl Sent {
    /// An attempt that never reached the target.
    pub fn failed(error: &str) -> Sent {
        Sent { status: None, error: Some(error.to_string()), retry_after: None, duration_ms: 0 }
    }
}

/// Sends `body` with `method` and `headers` to `target`, giving up after
/// `timeout_ms`. Redirects are not followed: a 3xx is the target's answer.
pub async fn send(target: &str, method: &str, headers: &[(String, String)], body: &[u8], timeout_ms: u64) -> Sent {
    let started = Date::now().as_millis();
    let (status, error, retry_after) = match attempt(target, method, headers, body, timeout_ms).await {
        Ok((status, retry_after)) => {
            let error = (!(200..300).contains(&status)).then(|| format!("target answered {status}"));
            (Some(status), error, retry_after)
        }
        Err(error) => (None, Some(error), None),
    };
    Sent { status, error, retry_after, duration_ms: Date::now().as_millis().saturating_sub(started) }
}

async fn attempt(
    target: &str,
    method: &str,
    headers: &[(String, String)],
    body: &[u8],
    timeout_ms: u64,
) -> Result<(u16, Option<String>), String> {
    let controller = AbortController::default();
    let signal = controller.signal();
    let fetch = Fetch::Request(build(target, method, headers, body)?);
    let sending = Box::pin(fetch.send_with_signal(&signal));
    let deadline = Box::pin(Delay::from(std::time::Duration::from_millis(timeout_ms)));
    let raced = select(sending, deadline).await;
    let answer = match raced {
        Either::Left((Ok(response), _)) => {
            let retry_after = response.headers().get("retry-after").ok().flatten();
            Ok((response.status_code(), retry_after))
        }
        Either::Left((Err(e), _)) => Err(format!("network error: {e}")),
        Either::Right(((), _)) => {
            controller.abort();
            Err(format!("timed out after {timeout_ms} ms"))
        }
    };
    answer
}

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
