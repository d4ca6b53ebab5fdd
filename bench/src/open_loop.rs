//! Open-loop load: requests start on a fixed schedule whatever the server
//! does, and each latency is measured from its scheduled start, so a stall
//! shows up in the figures instead of silently slowing the sender down
//! (coordinated omission).

use crate::client::{send, Client};
use crate::stats::{summarize, Summary};
use bytes::Bytes;
use hyper::Method;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::{mpsc, Semaphore};

/// Requests in flight at most; later ones wait (and their wait counts).
const MAX_IN_FLIGHT: usize = 512;

/// What one run did.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Latency of every completed request, from its scheduled start, µs.
    pub latencies_us: Vec<u64>,
    /// The schedule index of each entry of `latencies_us` (its start is
    /// `index / rate` after the first), for a latency trace over time.
    pub indices: Vec<u64>,
    /// Failures by status code, or `io` for transport errors and timeouts.
    pub errors: BTreeMap<String, u64>,
    /// Requests answered 2xx.
    pub ok: u64,
    /// Requests scheduled.
    pub scheduled: u64,
    /// From the first scheduled start to the last answer, s.
    pub elapsed_s: f64,
    /// The first scheduled start on the wall clock, ms since the Unix epoch,
    /// to line a trace up with a profiler's timestamps.
    pub start_unix_ms: f64,
}

impl Outcome {
    /// Latency percentiles.
    pub fn summary(&self) -> Summary {
        summarize(self.latencies_us.clone())
    }

    /// Share of requests that failed, 0..1.
    pub fn error_rate(&self) -> f64 {
        let failed: u64 = self.errors.values().sum();
        if self.scheduled == 0 {
            0.0
        } else {
            failed as f64 / self.scheduled as f64
        }
    }

    /// 2xx answers per second achieved.
    pub fn achieved_rps(&self) -> f64 {
        if self.elapsed_s > 0.0 {
            self.ok as f64 / self.elapsed_s
        } else {
            0.0
        }
    }

    /// As JSON.
    pub fn json(&self) -> Value {
        json!({ "latency": self.summary().json(), "achieved_rps": self.achieved_rps(), "scheduled": self.scheduled,
                "ok": self.ok, "errors": self.errors })
    }
}

/// Sends `rate_per_s` requests a second for `duration`; `make(i)` builds
/// the i-th request.
pub async fn run<F>(client: &Client, rate_per_s: f64, duration: Duration, make: F) -> Outcome
where
    F: Fn(u64) -> (Method, String, Bytes),
{
    let total = (rate_per_s * duration.as_secs_f64()).round() as u64;
    let start = Instant::now() + Duration::from_millis(20);
    let start_unix = std::time::SystemTime::now() + Duration::from_millis(20);
    let (tx, mut rx) = mpsc::unbounded_channel();
    let permits = Arc::new(Semaphore::new(MAX_IN_FLIGHT));
    for i in 0..total {
        let at = start + Duration::from_secs_f64(i as f64 / rate_per_s);
        tokio::time::sleep_until(at.into()).await;
        let (method, url, body) = make(i);
        let (client, tx, permits) = (client.clone(), tx.clone(), Arc::clone(&permits));
        tokio::spawn(async move {
            let _permit = permits.acquire_owned().await;
            let result = send(&client, method, &url, body).await.map(|(status, _)| status);
            let _ = tx.send((i, result, at.elapsed().as_micros() as u64));
        });
    }
    drop(tx);
    let start_unix_ms = start_unix.duration_since(std::time::UNIX_EPOCH).map_or(0.0, |d| d.as_secs_f64() * 1000.0);
    let mut outcome = Outcome { scheduled: total, start_unix_ms, ..Outcome::default() };
    while let Some((i, result, latency_us)) = rx.recv().await {
        outcome.latencies_us.push(latency_us);
        outcome.indices.push(i);
        match result {
            Ok(status) if (200..300).contains(&status) => outcome.ok += 1,
            Ok(status) => *outcome.errors.entry(status.to_string()).or_default() += 1,
            Err(_) => *outcome.errors.entry("io".into()).or_default() += 1,
        }
    }
    outcome.elapsed_s = start.elapsed().as_secs_f64().max(duration.as_secs_f64());
    outcome
}
