//! Sending one request to the target until it answers: network errors,
//! timeouts, 408, 429 and 5xx are retried with backoff, honouring
//! `Retry-After`; any other answer is the local app's and is final.

use std::time::{Duration, Instant};

use polyhook_rs::core::replay::backoff::{classify, retry_after_s, Outcome};
use reqwest::header::{HeaderMap, HeaderName, HeaderValue, RETRY_AFTER};
use reqwest::{Client, Method};

use crate::forward::Outgoing;

/// First retry wait, in milliseconds; it doubles per retry.
const BASE_MS: u64 = 500;
/// Longest backoff wait, in milliseconds.
const MAX_BACKOFF_MS: u64 = 30_000;
/// Longest wait a `Retry-After` can ask for, in seconds.
const RETRY_AFTER_CAP_S: u64 = 300;

/// How a delivery ended.
#[derive(Debug, Clone, Default)]
pub struct Delivery {
    /// The target's final status, if it answered.
    pub status: Option<u16>,
    /// Attempts made.
    pub attempts: u32,
    /// Time of the last attempt, in milliseconds.
    pub ms: u64,
    /// Why it failed, when it did.
    pub error: Option<String>,
    /// The target's final answer, when [`Policy::answer_bytes`] asked for it.
    pub answer: Option<Answer>,
}

/// A target's answer, kept to pass on to the sender.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    /// Its status.
    pub status: u16,
    /// Its headers, in order, repeats kept.
    pub headers: Vec<(String, String)>,
    /// Its body, when it was within the bytes asked for.
    pub body: Option<Vec<u8>>,
    /// Its body's size in bytes (counted up to [`READ_CAP_BYTES`]).
    pub body_size: u64,
}

/// How far a body is read to learn its size.
pub const READ_CAP_BYTES: u64 = 16 * 1024 * 1024;

/// How one delivery goes.
#[derive(Debug, Clone, Copy, Default)]
pub struct Policy {
    /// Retries allowed; `None`: no limit.
    pub max_retries: Option<u32>,
    /// Until then every answer is final, 5xx too (a sender waits for it and
    /// decides about retrying itself), if its body can be passed on.
    pub final_until: Option<Instant>,
    /// Keep the final answer, with its body when it has at most this many bytes.
    pub answer_bytes: Option<u64>,
}

/// One failed attempt that will be retried.
#[derive(Debug, Clone)]
pub struct Retry {
    pub attempt: u32,
    pub reason: String,
    pub wait_ms: u64,
}

/// The wait before retry number `retry` (1-based), in milliseconds: the
/// backoff, or the target's longer `Retry-After` (capped).
pub fn wait_ms(retry: u32, retry_after_s: Option<u64>) -> u64 {
    let backoff = BASE_MS.saturating_mul(1u64 << retry.saturating_sub(1).min(16)).min(MAX_BACKOFF_MS);
    let asked = retry_after_s.map_or(0, |s| s.min(RETRY_AFTER_CAP_S).saturating_mul(1000));
    backoff.max(asked)
}

/// Sends `out` with `client` until the target answers something final, or
/// the policy's retries are used. `on_retry` hears of each retry before its wait.
pub async fn deliver(client: &Client, out: &Outgoing, policy: Policy, mut on_retry: impl FnMut(&Retry)) -> Delivery {
    let request = match prepare(out) {
        Ok(r) => r,
        Err(e) => return Delivery { error: Some(e), ..Delivery::default() },
    };
    let mut attempt = 0u32;
    loop {
        attempt += 1;
        let started = Instant::now();
        let sent =
            client.request(request.0.clone(), &out.url).headers(request.1.clone()).body(out.body.clone()).send().await;
        let ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
        let (status, asked, reason) = match &sent {
            Ok(res) => {
                let asked = retry_after_s(res.headers().get(RETRY_AFTER).and_then(|v| v.to_str().ok()));
                (Some(res.status().as_u16()), asked, format!("target answered {}", res.status().as_u16()))
            }
            Err(e) => (None, None, describe(e)),
        };
        let outcome = classify(status);
        let waited_for = policy.final_until.filter(|t| status.is_some() && Instant::now() < *t);
        if outcome != Outcome::Retryable || waited_for.is_some() {
            let answer = match (sent, policy.answer_bytes) {
                (Ok(res), Some(keep)) => Some(read_answer(res, keep).await),
                _ => None,
            };
            // A retryable answer that can no longer reach its sender (too late, too large) is retried as any other.
            let reaches = |t: Instant| Instant::now() < t && answer.as_ref().is_some_and(|a| a.body.is_some());
            if outcome != Outcome::Retryable || waited_for.is_some_and(reaches) {
                return Delivery { status, attempts: attempt, ms, error: None, answer };
            }
        }
        if policy.max_retries.is_some_and(|m| attempt > m) {
            let error = Some(format!("{reason}; gave up"));
            return Delivery { status, attempts: attempt, ms, error, answer: None };
        }
        let retry = Retry { attempt, reason, wait_ms: wait_ms(attempt, asked) };
        on_retry(&retry);
        tokio::time::sleep(Duration::from_millis(retry.wait_ms)).await;
    }
}

/// The answer `res`, its body kept if it has at most `keep` bytes. A body
/// that breaks off is kept as far as it came.
async fn read_answer(mut res: reqwest::Response, keep: u64) -> Answer {
    let status = res.status().as_u16();
    let headers = res
        .headers()
        .iter()
        .filter_map(|(n, v)| Some((n.as_str().to_string(), v.to_str().ok()?.to_string())))
        .collect();
    let (mut body, mut size) = (Vec::new(), 0u64);
    while let Ok(Some(chunk)) = res.chunk().await {
        size = size.saturating_add(chunk.len() as u64);
        if size <= keep {
            body.extend_from_slice(&chunk);
        }
        if size > READ_CAP_BYTES {
            break;
        }
    }
    Answer { status, headers, body: (size <= keep).then_some(body), body_size: size }
}

fn prepare(out: &Outgoing) -> Result<(Method, HeaderMap), String> {
    let method =
        Method::from_bytes(out.method.as_bytes()).map_err(|_| format!("method {:?} cannot be sent", out.method))?;
    let mut headers = HeaderMap::new();
    for (name, value) in &out.headers {
        // A name or value HTTP cannot carry is skipped rather than altered.
        if let (Ok(n), Ok(v)) = (HeaderName::from_bytes(name.as_bytes()), HeaderValue::from_bytes(value.as_bytes())) {
            headers.append(n, v);
        }
    }
    Ok((method, headers))
}

fn describe(e: &reqwest::Error) -> String {
    if e.is_timeout() {
        "timed out".into()
    } else if e.is_connect() {
        "connection refused or unreachable".into()
    } else {
        format!("request failed: {e}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backs_off_doubling_to_a_cap_and_honours_longer_retry_after() {
        assert_eq!([1, 2, 3, 4].map(|r| wait_ms(r, None)), [500, 1000, 2000, 4000]);
        assert_eq!(wait_ms(12, None), MAX_BACKOFF_MS);
        assert_eq!(wait_ms(1, Some(7)), 7000);
        assert_eq!(wait_ms(4, Some(1)), 4000, "a shorter Retry-After does not shorten the backoff");
        assert_eq!(wait_ms(1, Some(86_400)), RETRY_AFTER_CAP_S * 1000);
    }

    #[test]
    fn refuses_methods_http_cannot_carry() {
        let out = Outgoing { method: "BAD METHOD".into(), url: "http://h/".into(), headers: vec![], body: vec![] };
        assert!(prepare(&out).is_err());
        let ok = Outgoing {
            method: "PROPFIND".into(),
            headers: vec![("x-a".into(), "1".into()), ("x-a".into(), "2".into())],
            ..out
        };
        let (m, h) = prepare(&ok).unwrap_or((Method::GET, HeaderMap::new()));
        assert_eq!(m.as_str(), "PROPFIND");
        assert_eq!(h.get_all("x-a").iter().count(), 2);
    }
}
