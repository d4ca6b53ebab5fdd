//! Running scenarios: one (JSON to stdout) or all of them against both
//! targets, each run on a fresh runtime, then the report.

use crate::channels;
use crate::client;
use crate::coldstart;
use crate::fanout::{self, Channel, Plan};
use crate::figures::{ingest_measured, ingest_with_cpu, Lengths, TargetFigures};
use crate::ramp;
use crate::report;
use crate::runtime::{root, Host, Runtime, Target};
use crate::scale;
use crate::targets;
use crate::{Args, Result};
use serde_json::json;
use std::path::Path;
use std::time::Duration;

/// Subscribers in the SSE / WebSocket comparison.
const CHANNELS_AT: usize = 1000;

async fn measure(target: Target, lengths: &Lengths) -> Result<TargetFigures> {
    let (ingest, cpu_per_request_ms) = ingest_with_cpu(target, lengths).await?;
    eprintln!("== {}: ramp", target.name());
    let rt = Runtime::start(target).await?;
    let ramp = ramp::run(&client::new(), &rt.url, lengths.ramp_step).await;
    rt.stop().await;
    let mut fanouts = Vec::new();
    for &subscribers in &lengths.fanout {
        eprintln!("== {}: fanout with {subscribers} subscribers", target.name());
        let rt = Runtime::start(target).await?;
        let plan = Plan { channel: Channel::Sse, subscribers, paced: lengths.paced, burst: lengths.burst };
        let figures = fanout::run(&client::new(), &rt.url, &plan, &|| rt.rss_kb()).await;
        rt.stop().await;
        fanouts.push(figures?);
    }
    eprintln!("== {}: cold start", target.name());
    let mut cold = Vec::new();
    for _ in 0..lengths.cold_starts {
        cold.push(coldstart::once(target).await?);
    }
    Ok(TargetFigures {
        ingest,
        cpu_per_request_ms,
        ramp: ramp?,
        fanout: fanouts,
        cold,
        code: coldstart::code_size(target)?,
    })
}

/// The scale scenario with 1 and then 8 metrics shards: 2,000 bins at
/// 0.2 captures a second each for 30 s (a smoke run: 100 bins for 3 s).
async fn scale_runs(
    target: Target,
    bins: Option<usize>,
    seconds: Option<u64>,
    quick: bool,
) -> Result<(scale::Plan, Vec<scale::Figures>)> {
    let bins = bins.unwrap_or(if quick { 100 } else { 2000 });
    let duration = Duration::from_secs(seconds.unwrap_or(if quick { 3 } else { 30 }));
    let plan = scale::Plan { bins, rate_per_s: bins as f64 * 0.2, duration };
    let mut runs = Vec::new();
    for shards in [1, 8] {
        eprintln!("== {}: scale, {bins} bins, {shards} metrics shard(s)", target.name());
        runs.push(scale::run(&client::new(), target, shards, &plan).await?);
    }
    Ok((plan, runs))
}

/// Runs every scenario on both targets and writes the report to `out`.
pub async fn run_all(out: &Path, quick: bool) -> Result<()> {
    let lengths = Lengths::new(quick);
    let rust = measure(Target::Rust, &lengths).await?;
    let baseline = measure(Target::Baseline, &lengths).await?;
    let targets = targets::measure(quick).await?;
    let compared = channels::run(Target::Rust, CHANNELS_AT, &lengths).await?;
    let (plan, scaled) = scale_runs(Target::Rust, None, None, quick).await?;
    let scale_text = format!("{}\n{}", scale::table(&plan, &scaled), crate::model::model(&plan, &scaled));
    let commit = std::fs::read_to_string(root().join("bench/.before/COMMIT")).unwrap_or_default();
    let table = format!(
        "{}\n### Against the structured floor\n\nThe structured floor (`bench/baseline/structured.js`) does polyhook's work in JavaScript on the same workerd: its creation path (limiter objects; the bin's object, schema and alarm), its ingest (the client's token bucket, the size checks, the header map, one insert of the 16-column capture row and its body, the usage kept, metrics counted and flushed to a shard each second, the rate-limit and CORS headers) and its list reads (13 columns, the JSON columns parsed, a checked cursor, a SHA-256 ETag). Against it, polyhook-rs's ratio is what Rust and workers-rs add to the same work; the floor's object in workers-rs shows what the `worker` crate adds by itself. Same rounds as above.\n\n{}",
        targets::table(&targets, commit.trim().get(..7).unwrap_or("unknown")),
        targets::structured_table(&targets)
    );
    report::write(out, &rust, &baseline, &[&table, &channels::table(&compared), &scale_text], quick)?;
    eprintln!("wrote {}", out.display());
    Ok(())
}

/// Runs one scenario and prints its figures as JSON.
pub async fn run_one(args: &Args, target: Target, url: Option<String>) -> Result<()> {
    let (scenario, mut lengths) = (args.scenario.as_str(), Lengths::new(args.quick));
    if let Some(seconds) = args.seconds {
        (lengths.ingest, lengths.ramp_step) = (Duration::from_secs(seconds), Duration::from_secs(seconds));
    }
    if let Some(rate) = args.list_rps {
        lengths.list_rps = rate;
    }
    if scenario == "channels" {
        let compared = channels::run(target, args.subscribers.unwrap_or(CHANNELS_AT), &lengths).await?;
        eprintln!("{}", channels::table(&compared));
        println!("{:#}", channels::json(&compared));
        return Ok(());
    }
    if scenario == "scale" {
        let (plan, runs) = scale_runs(target, args.bins, args.seconds, args.quick).await?;
        eprintln!("{}\n{}", scale::table(&plan, &runs), crate::model::model(&plan, &runs));
        println!("{:#}", scale::json(&runs));
        return Ok(());
    }
    if scenario == "coldstart" {
        let start = coldstart::once(target).await?;
        let restart_ms = coldstart::restart(target).await?;
        let (file, raw, gz) = coldstart::code_size(target)?;
        let value = json!({ "listening_ms": start.listening_ms, "first_ingest_ms": start.first_ingest_ms,
            "restart_first_ingest_ms": restart_ms, "code": file, "raw_bytes": raw, "gzip_bytes": gz });
        println!("{value:#}");
        return Ok(());
    }
    let runtime = match &url {
        Some(_) if scenario == "memory" => return Err("memory needs a runtime the tool starts; drop --url".into()),
        Some(_) => None,
        None => Some(Runtime::start_on(target, if args.wrangler { Host::WranglerDev } else { Host::Miniflare }).await?),
    };
    let base = url.or_else(|| runtime.as_ref().map(|r| r.url.clone())).unwrap_or_default();
    let rss = || runtime.as_ref().and_then(Runtime::rss_kb);
    let client = client::new();
    let value = match scenario {
        "ingest" => {
            let (f, cpu_per_request) = ingest_measured(&client, &base, runtime.as_ref(), &lengths).await?;
            json!({ "ingest": f.ingest.json(), "list": f.list.json(), "workerd_cpu_ms_per_request": cpu_per_request })
        }
        "ramp" => ramp::json(&ramp::run(&client, &base, lengths.ramp_step).await?),
        "fanout" | "memory" => {
            let burst = if scenario == "memory" { Duration::ZERO } else { lengths.burst };
            let default = if scenario == "memory" { 1000 } else { *lengths.fanout.last().unwrap_or(&100) };
            let n = args.subscribers.unwrap_or(default);
            let plan = Plan { channel: Channel::Sse, subscribers: n, paced: lengths.paced, burst };
            report::fanout_json(&fanout::run(&client, &base, &plan, &rss).await?)
        }
        other => return Err(format!("unknown scenario {other}").into()),
    };
    if let Some(runtime) = runtime {
        runtime.stop().await;
    }
    println!("{value:#}");
    Ok(())
}
