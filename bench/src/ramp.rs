//! `ramp`: one bin, the ingest rate stepped up until p99 passes 100 ms or
//! errors pass 1%. The bin's capacity is the last rate that held.

use crate::client::{create_bin, Client};
use crate::ingest::webhook;
use crate::open_loop;
use crate::Result;
use hyper::Method;
use serde_json::{json, Value};
use std::time::Duration;

/// Rates tried, requests/s.
const STEPS: [f64; 12] = [250.0, 500.0, 750.0, 1000.0, 1250.0, 1500.0, 2000.0, 2500.0, 3000.0, 4000.0, 5000.0, 6000.0];
/// A step fails above this p99, ms.
const P99_LIMIT_MS: f64 = 100.0;
/// A step fails above this error share.
const ERROR_LIMIT: f64 = 0.01;

/// One step's figures.
#[derive(Debug, Clone, Copy)]
pub struct Step {
    /// Rate asked for, requests/s.
    pub rate: f64,
    /// Rate achieved, 2xx/s.
    pub achieved: f64,
    /// p99 latency, ms.
    pub p99_ms: f64,
    /// Error share.
    pub error_rate: f64,
}

impl Step {
    /// True if the step met both limits.
    pub fn held(&self) -> bool {
        self.p99_ms <= P99_LIMIT_MS && self.error_rate <= ERROR_LIMIT
    }
}

/// Runs the ramp on one fresh bin, after a warm-up; each step lasts `step`.
pub async fn run(client: &Client, base: &str, step: Duration) -> Result<Vec<Step>> {
    crate::ingest::warm_up(client, base).await?;
    let bin = create_bin(client, base).await?;
    let url = format!("{base}/v1/bins/{bin}/in/ramp");
    let mut steps = Vec::new();
    for rate in STEPS {
        let outcome = open_loop::run(client, rate, step, |i| (Method::POST, url.clone(), webhook(i))).await;
        let s = Step {
            rate,
            achieved: outcome.achieved_rps(),
            p99_ms: outcome.summary().p99_ms,
            error_rate: outcome.error_rate(),
        };
        eprintln!("  ramp {rate:>5} req/s: p99 {:.1} ms, errors {:.2}%", s.p99_ms, s.error_rate * 100.0);
        steps.push(s);
        if !s.held() {
            break;
        }
        // Let queues drain so one step does not tax the next.
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    Ok(steps)
}

/// The last rate that held, requests/s.
pub fn capacity(steps: &[Step]) -> f64 {
    steps.iter().take_while(|s| s.held()).last().map_or(0.0, |s| s.rate)
}

/// As JSON.
pub fn json(steps: &[Step]) -> Value {
    let rows: Vec<Value> = steps
        .iter()
        .map(|s| json!({"rate": s.rate, "achieved": s.achieved, "p99_ms": s.p99_ms, "error_rate": s.error_rate}))
        .collect();
    json!({ "capacity_rps": capacity(steps), "steps": rows })
}
