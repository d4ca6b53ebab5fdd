//! `scale`: many bins, each capturing at a low rate, with the service's
//! metrics spread over 1 and then 8 aggregator shards, each on a fresh
//! runtime in one run. Measures what reaches each shard (batches a second,
//! from the shards' own counters), how long a source's flush takes, what a
//! `/metrics` scrape costs, and whether every capture is counted once.

use crate::client::{create_bin, send, Client};
use crate::open_loop;
use crate::runtime::{Host, Runtime, Target};
use crate::stats::{summarize, Summary};
use crate::Result;
use bytes::Bytes;
use hyper::Method;
use serde_json::{json, Value};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// What to run.
pub struct Plan {
    /// Bins (objects) capturing.
    pub bins: usize,
    /// Captures a second over all bins.
    pub rate_per_s: f64,
    /// How long they capture.
    pub duration: Duration,
}

/// The figures for one shard count.
#[derive(Debug, Default)]
pub struct Figures {
    /// `METRICS_SHARDS`.
    pub shards: u32,
    /// Captures sent and answered 2xx.
    pub sent: u64,
    /// Captures `/metrics` counted at the end.
    pub counted: u64,
    /// Batches a second the shards applied, in all and at the busiest.
    pub batches_per_s: f64,
    /// The busiest shard's batches a second.
    pub busiest_per_s: f64,
    /// Mean round trip of a source's flush, ms.
    pub flush_ms: f64,
    /// `/metrics` scrapes during the load.
    pub scrape: Summary,
    /// From the last capture's answer until `/metrics` counted every one, ms.
    pub complete_after_ms: f64,
}

/// Runs `plan` with `shards` metrics shards on a fresh runtime.
pub async fn run(client: &Client, target: Target, shards: u32, plan: &Plan) -> Result<Figures> {
    // The scrape cache off: every scrape here reads the shards, which is what is measured.
    let vars = [format!("METRICS_SHARDS={shards}"), "METRICS_CACHE_MS=0".to_string()];
    let rt = Runtime::start_with(target, Host::Miniflare, &vars).await?;
    let result = measure(client, &rt.url, shards, plan).await;
    rt.stop().await;
    result
}

async fn measure(client: &Client, base: &str, shards: u32, plan: &Plan) -> Result<Figures> {
    let bins = create_bins(client, base, plan.bins).await?;
    tokio::time::sleep(Duration::from_secs(2)).await; // the creates' own batches land
    let before = per_shard(client, base, shards).await?;
    let scrapes = scraping(client, base);
    let started = Instant::now();
    let load = open_loop::run(client, plan.rate_per_s, plan.duration, |i| {
        let bin = &bins[i as usize % bins.len()];
        (Method::POST, format!("{base}/v1/bins/{bin}/in/scale"), Bytes::from_static(b"{}"))
    })
    .await;
    let ended = Instant::now();
    let counted = until_counted(client, base, load.ok).await?;
    let complete_after_ms = ended.elapsed().as_secs_f64() * 1000.0;
    let window_s = started.elapsed().as_secs_f64();
    let scrape = scrapes.stop().await;
    let after = per_shard(client, base, shards).await?;
    let deltas: Vec<(f64, f64)> = after.iter().zip(&before).map(|(a, b)| (a.0 - b.0, a.1 - b.1)).collect();
    let batches: f64 = deltas.iter().map(|d| d.0).sum();
    let busiest = deltas.iter().map(|d| d.0).fold(0.0, f64::max);
    let flush_s: f64 = deltas.iter().map(|d| d.1).sum();
    Ok(Figures {
        shards,
        sent: load.ok,
        counted,
        batches_per_s: batches / window_s,
        busiest_per_s: busiest / window_s,
        flush_ms: if batches > 0.0 { flush_s * 1000.0 / batches } else { 0.0 },
        scrape,
        complete_after_ms,
    })
}

async fn create_bins(client: &Client, base: &str, n: usize) -> Result<Vec<String>> {
    let mut bins = Vec::with_capacity(n);
    for chunk in (0..n).collect::<Vec<_>>().chunks(32) {
        let made = futures_util::future::join_all(chunk.iter().map(|_| twice(|| create_bin(client, base)))).await;
        for bin in made {
            bins.push(bin?);
        }
    }
    Ok(bins)
}

/// Each shard's (batches applied, flush seconds) so far.
async fn per_shard(client: &Client, base: &str, shards: u32) -> Result<Vec<(f64, f64)>> {
    let mut out = Vec::new();
    for k in 0..shards {
        let text = scrape_text(client, &format!("{base}/metrics?shard={k}")).await?;
        out.push((
            metric(&text, "polyhook_metrics_batches_total"),
            metric(&text, "polyhook_metrics_flush_seconds_total"),
        ));
    }
    Ok(out)
}

/// Polls `/metrics` until it counts `sent` captures (at most 60 s).
async fn until_counted(client: &Client, base: &str, sent: u64) -> Result<u64> {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let counted = metric(&scrape_text(client, &format!("{base}/metrics")).await?, "polyhook_ingest_total") as u64;
        if counted >= sent || Instant::now() > deadline {
            return Ok(counted);
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// `make()` again once if it failed: a pooled connection the runtime had
/// just closed fails the send, not the service.
async fn twice<T, F, Fut>(make: F) -> Result<T>
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = Result<T>>,
{
    match make().await {
        Ok(v) => Ok(v),
        Err(_) => make().await,
    }
}

async fn scrape_text(client: &Client, url: &str) -> Result<String> {
    let (status, body) = twice(|| send(client, Method::GET, url, Bytes::new())).await?;
    if status != 200 {
        return Err(format!("{url} answered {status}").into());
    }
    Ok(String::from_utf8_lossy(&body).into_owned())
}

/// An unlabelled sample's value in an exposition, 0 if absent.
fn metric(text: &str, name: &str) -> f64 {
    text.lines().find_map(|l| l.strip_prefix(name)?.strip_prefix(' ')?.parse().ok()).unwrap_or(0.0)
}

/// Scrapes `/metrics` once a second until stopped, timing each.
struct Scraper {
    stop: Arc<AtomicBool>,
    task: tokio::task::JoinHandle<Vec<u64>>,
}

fn scraping(client: &Client, base: &str) -> Scraper {
    let stop = Arc::new(AtomicBool::new(false));
    let (flag, client, url) = (Arc::clone(&stop), client.clone(), format!("{base}/metrics"));
    let task = tokio::spawn(async move {
        let mut took = Vec::new();
        while !flag.load(Ordering::Relaxed) {
            let at = Instant::now();
            if scrape_text(&client, &url).await.is_ok() {
                took.push(at.elapsed().as_micros() as u64);
            }
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
        took
    });
    Scraper { stop, task }
}

impl Scraper {
    async fn stop(self) -> Summary {
        self.stop.store(true, Ordering::Relaxed);
        summarize(self.task.await.unwrap_or_default())
    }
}

/// Both runs as JSON.
pub fn json(runs: &[Figures]) -> Value {
    Value::Array(
        runs.iter()
            .map(|f| {
                json!({ "shards": f.shards, "sent": f.sent, "counted": f.counted,
        "batches_per_s": f.batches_per_s, "busiest_shard_per_s": f.busiest_per_s, "flush_ms": f.flush_ms,
        "scrape": f.scrape.json(), "complete_after_ms": f.complete_after_ms })
            })
            .collect(),
    )
}

/// The runs side by side (Markdown).
pub fn table(plan: &Plan, runs: &[Figures]) -> String {
    let mut out = format!(
        "{} bins, {:.0} captures/s in all ({:.2} per bin per second) for {} s.\n\n| METRICS_SHARDS | batches/s, all shards | busiest shard | flush round trip | /metrics p50 / p99 | counted / sent | all counted after |\n| --- | --- | --- | --- | --- | --- | --- |\n",
        plan.bins, plan.rate_per_s, plan.rate_per_s / plan.bins as f64, plan.duration.as_secs()
    );
    for f in runs {
        out.push_str(&format!(
            "| {} | {:.0} | {:.0}/s | {:.1} ms | {:.1} / {:.1} ms | {} / {} | {:.0} ms |\n",
            f.shards,
            f.batches_per_s,
            f.busiest_per_s,
            f.flush_ms,
            f.scrape.p50_ms,
            f.scrape.p99_ms,
            f.counted,
            f.sent,
            f.complete_after_ms
        ));
    }
    out
}
