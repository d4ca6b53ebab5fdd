//! `fanout` and `memory`: one bin, N subscribers over SSE or WebSockets.
//! Events are sent at a fixed pace, then as fast as a few senders can;
//! every subscriber records every delivery. workerd's RSS is read before
//! and after the subscribers connect.

use crate::client::{create_bin, epoch_us, send, Client};
use crate::open_loop;
use crate::sse::{self, Report};
use crate::stats::{summarize, Summary};
use crate::ws;
use crate::Result;
use bytes::Bytes;
use hyper::Method;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::{watch, Semaphore};

/// Paced event rate, events/s.
pub const PACED_RPS: f64 = 10.0;
/// Senders in the saturation phase.
const BURST_SENDERS: usize = 4;
/// Streams being opened at once.
const OPENING: usize = 64;
/// Longest wait for subscribers to receive what was sent.
const DRAIN_LIMIT: Duration = Duration::from_secs(60);
/// A pause in deliveries this long means the queues are drained; shorter
/// pauses happen while a saturated runtime collects garbage.
const QUIET: Duration = Duration::from_secs(3);

/// How subscribers follow the bin.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    /// `GET /v1/bins/{id}/stream`.
    Sse,
    /// `GET /v1/bins/{id}/ws`, acking as our clients do.
    Socket,
}

impl Channel {
    /// Its name in reports.
    pub fn name(self) -> &'static str {
        match self {
            Channel::Sse => "SSE",
            Channel::Socket => "WebSocket",
        }
    }
}

/// What to run.
pub struct Plan {
    /// How subscribers connect.
    pub channel: Channel,
    /// Subscribers.
    pub subscribers: usize,
    /// Length of the paced phase.
    pub paced: Duration,
    /// Length of the saturation phase (zero: memory only).
    pub burst: Duration,
}

/// The figures of one run.
#[derive(Debug, Default)]
pub struct Figures {
    /// Subscribers connected.
    pub subscribers: usize,
    /// Delivery latency of paced events over every subscriber.
    pub latency: Summary,
    /// Paced or burst events a subscriber never received.
    pub missing: u64,
    /// Events a subscriber received twice.
    pub duplicates: u64,
    /// Subscribers whose stream the server ended.
    pub ended_early: usize,
    /// Deliveries per second while senders went flat out.
    pub deliveries_per_s: f64,
    /// workerd RSS before and after the subscribers connected, KiB.
    pub rss_kb: Option<(u64, u64)>,
}

fn stamped(base: &str, bin: &str) -> (Method, String, Bytes) {
    (Method::POST, format!("{base}/v1/bins/{bin}/in/fanout"), Bytes::from(format!(r#"{{"t":{}}}"#, epoch_us())))
}

/// Runs `plan` on `base`; `rss` reads the runtime's resident memory, KiB.
pub async fn run(client: &Client, base: &str, plan: &Plan, rss: &dyn Fn() -> Option<u64>) -> Result<Figures> {
    let bin = create_bin(client, base).await?;
    let (method, url, body) = stamped(base, &bin);
    send(client, method, &url, body).await?; // warms the object: seq 1
    tokio::time::sleep(Duration::from_millis(500)).await;
    let before = rss();
    let (stop_tx, stop_rx) = watch::channel(false);
    let delivered = Arc::new(AtomicU64::new(0));
    let url = match plan.channel {
        Channel::Sse => format!("{base}/v1/bins/{bin}/stream"),
        Channel::Socket => format!("{}/v1/bins/{bin}/ws", base.replacen("http", "ws", 1)),
    };
    let readers = connect(client, &url, plan, &delivered, stop_rx).await?;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let after = rss();
    let mut figures = Figures { subscribers: readers.len(), rss_kb: before.zip(after), ..Figures::default() };
    if plan.burst.is_zero() {
        let _ = stop_tx.send(true);
        return Ok(figures);
    }
    let paced = open_loop::run(client, PACED_RPS, plan.paced, |_| stamped(base, &bin)).await;
    quiet(&delivered).await;
    let burst_start = Instant::now();
    let burst_sent = burst(client, base, &bin, plan.burst).await;
    quiet(&delivered).await;
    let _ = stop_tx.send(true);
    let mut reports = Vec::with_capacity(readers.len());
    for reader in readers {
        reports.push(reader.await?);
    }
    let last_paced = 1 + paced.scheduled;
    tally(&mut figures, &reports, last_paced, last_paced + burst_sent, burst_start);
    Ok(figures)
}

/// Waits until no delivery arrived for `QUIET` (queues drained), at most
/// `DRAIN_LIMIT`; what has not arrived by then counts as missing.
async fn quiet(delivered: &AtomicU64) {
    let deadline = Instant::now() + DRAIN_LIMIT;
    let mut last = delivered.load(Ordering::Relaxed);
    while Instant::now() < deadline {
        tokio::time::sleep(QUIET).await;
        let now = delivered.load(Ordering::Relaxed);
        if now == last {
            return;
        }
        last = now;
    }
}

async fn connect(
    client: &Client,
    url: &str,
    plan: &Plan,
    delivered: &Arc<AtomicU64>,
    stop: watch::Receiver<bool>,
) -> Result<Vec<tokio::task::JoinHandle<Report>>> {
    let opening = Arc::new(Semaphore::new(OPENING));
    let mut pending = Vec::with_capacity(plan.subscribers);
    for _ in 0..plan.subscribers {
        let (client, url, stop, opening) = (client.clone(), url.to_string(), stop.clone(), Arc::clone(&opening));
        let (delivered, channel) = (Arc::clone(delivered), plan.channel);
        pending.push(tokio::spawn(async move {
            let _slot = opening.acquire_owned().await;
            match channel {
                Channel::Sse => sse::subscribe(&client, &url, delivered, stop).await,
                Channel::Socket => ws::subscribe(&url, delivered, stop).await,
            }
        }));
    }
    let mut readers = Vec::with_capacity(plan.subscribers);
    for p in pending {
        readers.push(p.await??);
    }
    Ok(readers)
}

/// Sends flat out from a few senders for `duration`; returns events sent.
async fn burst(client: &Client, base: &str, bin: &str, duration: Duration) -> u64 {
    let deadline = Instant::now() + duration;
    let mut senders = Vec::new();
    for _ in 0..BURST_SENDERS {
        let (client, base, bin) = (client.clone(), base.to_string(), bin.to_string());
        senders.push(tokio::spawn(async move {
            let mut sent = 0u64;
            while Instant::now() < deadline {
                let (method, url, body) = stamped(&base, &bin);
                if matches!(send(&client, method, &url, body).await, Ok((202, _))) {
                    sent += 1;
                }
            }
            sent
        }));
    }
    let mut total = 0;
    for s in senders {
        total += s.await.unwrap_or(0);
    }
    total
}

/// Fills in latency, gaps, duplicates and saturation throughput. Events
/// 2..=`last_paced` are paced; up to `last_seq` came from the burst.
fn tally(f: &mut Figures, reports: &[Report], last_paced: u64, last_seq: u64, burst_start: Instant) {
    let mut latencies = Vec::new();
    let (mut burst_deliveries, mut last_delivery) = (0u64, burst_start);
    for report in reports {
        let mut seen = vec![0u32; last_seq as usize + 1];
        for e in &report.events {
            if let Some(count) = seen.get_mut(e.seq as usize) {
                *count += 1;
            }
            if (2..=last_paced).contains(&e.seq) {
                latencies.push(e.latency_us);
            } else if e.seq > last_paced {
                burst_deliveries += 1;
                last_delivery = last_delivery.max(e.at);
            }
        }
        f.missing += seen[2..].iter().filter(|c| **c == 0).count() as u64;
        f.duplicates += seen.iter().map(|c| u64::from(c.saturating_sub(1))).sum::<u64>();
        f.ended_early += usize::from(report.ended_early);
    }
    f.latency = summarize(latencies);
    let window = last_delivery.duration_since(burst_start).as_secs_f64();
    f.deliveries_per_s = if window > 0.0 { burst_deliveries as f64 / window } else { 0.0 };
}
