//! `ingest`: the twins' k6 scenario. Ten bins; webhooks at a constant 200
//! requests/s round-robin over them, plus list reads at 20/s, open-loop.

use crate::client::{create_bin, Client};
use crate::open_loop::{self, Outcome};
use crate::Result;
use bytes::Bytes;
use hyper::Method;
use std::time::Duration;

/// Bins in the pool.
const BINS: usize = 10;
/// Ingest rate, requests/s.
pub const INGEST_RPS: f64 = 200.0;
/// List-read rate, requests/s, unless `--list-rps` says otherwise.
pub const LIST_RPS: f64 = 20.0;

/// The webhook body of the i-th request.
pub fn webhook(i: u64) -> Bytes {
    let body = format!(
        r#"{{"event":"order.created","id":"evt_bench_{:05}","data":{{"amount":4200,"currency":"usd"}}}}"#,
        i % 100_000
    );
    Bytes::from(body)
}

/// The ingest and list outcomes of one run.
pub struct Figures {
    /// Ingest requests.
    pub ingest: Outcome,
    /// List reads.
    pub list: Outcome,
}

/// Sends 2 s of webhooks at 100/s to a throwaway bin and discards the
/// figures, so a fresh runtime's one-time costs (compiling the code,
/// creating the first objects) are not read as steady-state latency; cold
/// start is its own scenario.
pub async fn warm_up(client: &Client, base: &str) -> Result<()> {
    let url = format!("{base}/v1/bins/{}/in/warm-up", create_bin(client, base).await?);
    open_loop::run(client, 100.0, Duration::from_secs(2), |i| (Method::POST, url.clone(), webhook(i))).await;
    Ok(())
}

/// The warm-up, then the scenario's bins. Kept apart from [`load`] so that
/// workerd's CPU can be read between them (`figures::ingest_measured`).
pub async fn prepare(client: &Client, base: &str) -> Result<Vec<String>> {
    warm_up(client, base).await?;
    let mut bins = Vec::with_capacity(BINS);
    for _ in 0..BINS {
        bins.push(create_bin(client, base).await?);
    }
    Ok(bins)
}

/// The measured phase: webhooks round-robin over `bins` for `duration`,
/// with list reads at `list_rps` requests/s.
pub async fn load(client: &Client, base: &str, bins: &[String], duration: Duration, list_rps: f64) -> Figures {
    let ingest_url = |i: u64| format!("{base}/v1/bins/{}/in/orders", bins[i as usize % bins.len()]);
    let list_url = |i: u64| format!("{base}/v1/bins/{}/requests?limit=20", bins[i as usize % bins.len()]);
    let (ingest, list) = tokio::join!(
        open_loop::run(client, INGEST_RPS, duration, |i| (Method::POST, ingest_url(i), webhook(i))),
        open_loop::run(client, list_rps, duration, |i| (Method::GET, list_url(i), Bytes::new())),
    );
    trace(&ingest);
    Figures { ingest, list }
}

/// With `POLYHOOK_BENCH_TRACE=FILE`, writes each webhook's scheduled start
/// and latency (`start_ms latency_ms`, in schedule order, after a `# start_unix_ms` line) to FILE, so a tail
/// can be told apart as periodic stalls, bursts or spread-out queueing.
fn trace(ingest: &Outcome) {
    let Ok(path) = std::env::var("POLYHOOK_BENCH_TRACE") else { return };
    let mut rows: Vec<(u64, u64)> = ingest.indices.iter().copied().zip(ingest.latencies_us.iter().copied()).collect();
    rows.sort_unstable();
    let head = format!("# start_unix_ms {:.3}\n", ingest.start_unix_ms);
    let text: String = std::iter::once(head)
        .chain(
            rows.iter().map(|(i, us)| format!("{:.1} {:.3}\n", *i as f64 * 1000.0 / INGEST_RPS, *us as f64 / 1000.0)),
        )
        .collect();
    if let Err(e) = std::fs::write(&path, text) {
        eprintln!("POLYHOOK_BENCH_TRACE: {path}: {e}");
    }
}
