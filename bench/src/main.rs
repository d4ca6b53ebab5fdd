//! polyhook-bench: a native load tool for polyhook backends over loopback
//! HTTP. `all` runs every scenario against polyhook-rs and the JavaScript
//! runtime-floor baseline (each on its own fresh workerd) and writes
//! `bench/RESULTS.md`; a single scenario prints its figures as JSON.

mod channels;
mod client;
mod coldstart;
mod fanout;
mod figures;
mod ingest;
mod model;
mod open_loop;
mod ramp;
mod report;
mod runtime;
mod scale;
mod sse;
mod stats;
mod suite;
mod targets;
mod ws;

use runtime::Target;
use std::path::PathBuf;

/// Any failure of the tool.
pub type Error = Box<dyn std::error::Error + Send + Sync>;
/// Result with the tool's error.
pub type Result<T> = std::result::Result<T, Error>;

const USAGE: &str = "usage: polyhook-bench all [--quick] [--out FILE]
       polyhook-bench ingest|ramp|fanout|channels|scale|memory|coldstart [--target rust|baseline|before|repro|structured] [--wrangler] [--url URL] [--quick]
                      [--subscribers N]   (fanout, channels and memory; default 5,000, 1,000 and 1,000)
                      [--seconds N]       (length of the ingest run, each ramp step, or the scale load)
                      [--bins N]          (scale; default 2,000)
                      [--list-rps R]      (ingest: list reads per second beside the webhooks; default 20, 0 for none)
  --target  which runtime to start (default rust; before: bench/.before); --url uses a running service instead
  --wrangler  serve it with `wrangler dev` (as `npm run dev` does) instead of bare Miniflare
            (ingest, ramp and fanout only: memory and cold start need the process)
  --quick   short runs, to check the tool itself; figures are not comparable
  channels: the fan-out over SSE, then over WebSockets, each on a fresh runtime, side by side
  scale: 2,000 bins (or --bins N) capturing at a low rate, metrics over 1 and then 8 shards";

/// Parsed command line.
pub struct Args {
    scenario: String,
    target: Target,
    url: Option<String>,
    quick: bool,
    wrangler: bool,
    subscribers: Option<usize>,
    bins: Option<usize>,
    seconds: Option<u64>,
    list_rps: Option<f64>,
    out: PathBuf,
}

fn parse_args() -> Result<Args> {
    let mut args = std::env::args().skip(1);
    let scenario = args.next().ok_or(USAGE)?;
    let mut parsed = Args {
        scenario,
        target: Target::Rust,
        url: None,
        quick: false,
        wrangler: false,
        subscribers: None,
        bins: None,
        seconds: None,
        list_rps: None,
        out: runtime::root().join("bench/RESULTS.md"),
    };
    while let Some(flag) = args.next() {
        match flag.as_str() {
            "--quick" => parsed.quick = true,
            "--wrangler" => parsed.wrangler = true,
            "--target" => parsed.target = Target::parse(&args.next().ok_or(USAGE)?).ok_or(USAGE)?,
            "--url" => parsed.url = Some(args.next().ok_or(USAGE)?.trim_end_matches('/').to_string()),
            "--out" => parsed.out = PathBuf::from(args.next().ok_or(USAGE)?),
            "--subscribers" => parsed.subscribers = Some(args.next().ok_or(USAGE)?.parse()?),
            "--bins" => parsed.bins = Some(args.next().ok_or(USAGE)?.parse()?),
            "--seconds" => parsed.seconds = Some(args.next().ok_or(USAGE)?.parse()?),
            "--list-rps" => parsed.list_rps = Some(args.next().ok_or(USAGE)?.parse()?),
            _ => return Err(USAGE.into()),
        }
    }
    Ok(parsed)
}

#[tokio::main]
async fn main() {
    let result = match parse_args() {
        Ok(args) if args.scenario == "all" => suite::run_all(&args.out, args.quick).await,
        Ok(args) => suite::run_one(&args, args.target, args.url.clone()).await,
        Err(err) => Err(err),
    };
    if let Err(err) = result {
        eprintln!("polyhook-bench: {err}");
        std::process::exit(1);
    }
}
