//! `channels`: the same fan-out (N subscribers, the paced phase at
//! 10 events/s, then the senders flat out) over SSE and over WebSockets,
//! each on a fresh runtime, in one run: delivery p99, the fan-out ceiling
//! and memory per subscriber side by side, as ratios WebSocket / SSE.

use crate::client;
use crate::fanout::{self, Channel, Figures, Plan};
use crate::figures::{kb_per_subscriber, Lengths};
use crate::report::fanout_json;
use crate::runtime::{Runtime, Target};
use crate::Result;
use serde_json::{json, Value};
use std::fmt::Write;

/// Both channels' figures.
pub struct Compared {
    /// Over `GET /v1/bins/{id}/stream`.
    pub sse: Figures,
    /// Over `GET /v1/bins/{id}/ws`.
    pub socket: Figures,
}

/// Runs the fan-out with `subscribers` on `target` over each channel.
pub async fn run(target: Target, subscribers: usize, lengths: &Lengths) -> Result<Compared> {
    let mut runs = Vec::new();
    for channel in [Channel::Sse, Channel::Socket] {
        eprintln!("== {}: fan-out over {} with {subscribers} subscribers", target.name(), channel.name());
        let rt = Runtime::start(target).await?;
        let plan = Plan { channel, subscribers, paced: lengths.paced, burst: lengths.burst };
        let figures = fanout::run(&client::new(), &rt.url, &plan, &|| rt.rss_kb()).await;
        rt.stop().await;
        runs.push(figures?);
    }
    let socket = runs.pop().ok_or("no WebSocket run")?;
    let sse = runs.pop().ok_or("no SSE run")?;
    Ok(Compared { sse, socket })
}

/// Both runs as JSON.
pub fn json(c: &Compared) -> Value {
    json!({ "sse": fanout_json(&c.sse), "websocket": fanout_json(&c.socket) })
}

/// The side-by-side table (Markdown).
pub fn table(c: &Compared) -> String {
    let mut out = String::from("| Measure | SSE | WebSocket | WebSocket / SSE |\n| --- | --- | --- | --- |\n");
    let mut row = |measure: &str, sse: f64, ws: f64, unit: &str| {
        let ratio = if sse == 0.0 { "n/a".to_string() } else { format!("{:.2}", ws / sse) };
        let _ = writeln!(out, "| {measure} | {sse:.1} {unit} | {ws:.1} {unit} | {ratio} |");
    };
    row("delivery p50 at 10 events/s", c.sse.latency.p50_ms, c.socket.latency.p50_ms, "ms");
    row("delivery p99 at 10 events/s", c.sse.latency.p99_ms, c.socket.latency.p99_ms, "ms");
    row("fan-out ceiling", c.sse.deliveries_per_s, c.socket.deliveries_per_s, "deliveries/s");
    let kb = |f: &Figures| kb_per_subscriber(f).unwrap_or(0.0);
    row("memory per subscriber (workerd RSS)", kb(&c.sse), kb(&c.socket), "KB");
    let counts = |f: &Figures| format!("{} / {} / {}", f.missing, f.duplicates, f.ended_early);
    let _ = writeln!(out, "| missing / duplicates / ended by server | {} | {} | |", counts(&c.sse), counts(&c.socket));
    out
}
