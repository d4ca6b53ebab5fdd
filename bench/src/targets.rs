//! Issue 17's targets: each a ratio to the runtime floor in the same run,
//! for the older build (`bench/.before`) and for this one. The older build
//! gets its own Miniflare ingest, fan-out at 1,000 and cold starts; all
//! three get an ingest run under `wrangler dev`, the path `npm run dev`
//! users take.

use crate::client;
use crate::coldstart;
use crate::fanout::{self, Channel, Plan};
use crate::figures::{ingest_with_cpu, kb_per_subscriber, median, Lengths, TargetFigures};
use crate::ingest;
use crate::runtime::{Host, Runtime, Target};
use crate::Result;

/// Subscribers of the fan-out run the targets compare.
const FANOUT_AT: usize = 1000;

/// The figures a target row needs, for one side.
#[derive(Debug, Clone, Copy, Default)]
pub struct Side {
    /// workerd CPU per request in the Miniflare ingest run, ms.
    pub cpu_ms: f64,
    /// Ingest p99 under Miniflare, ms.
    pub mf_p99_ms: f64,
    /// Ingest p50 and p99 under `wrangler dev`, ms.
    pub wd_p50_ms: f64,
    pub wd_p99_ms: f64,
    /// Errors in the `wrangler dev` ingest run.
    pub wd_errors: u64,
    /// Median listening → first 2xx ingest, ms.
    pub cold_ms: f64,
    /// Fan-out ceiling at 1,000 subscribers, deliveries/s.
    pub ceiling: f64,
    /// Memory per subscriber at 1,000 subscribers, KB.
    pub kb_per_sub: f64,
}

/// Before, after and floor.
pub struct Targets {
    pub before: Side,
    pub after: Side,
    pub floor: Side,
}

/// The side of a target the main suite already measured.
fn from_suite(t: &TargetFigures) -> Side {
    let f = t.fanout.iter().find(|f| f.subscribers == FANOUT_AT).or(t.fanout.last());
    Side {
        cpu_ms: t.cpu_per_request_ms,
        mf_p99_ms: t.ingest.ingest.summary().p99_ms,
        cold_ms: median(&t.cold, |s| s.first_ingest_ms - s.listening_ms),
        ceiling: f.map_or(0.0, |f| f.deliveries_per_s),
        kb_per_sub: f.and_then(kb_per_subscriber).unwrap_or(0.0),
        ..Side::default()
    }
}

/// Measures what the suite did not: the older build everywhere, and every
/// side's ingest under `wrangler dev`.
pub async fn measure(lengths: &Lengths, rust: &TargetFigures, floor: &TargetFigures) -> Result<Targets> {
    let mut before = before_on_miniflare(lengths).await?;
    let mut after = from_suite(rust);
    let mut js = from_suite(floor);
    for (target, side) in [(Target::Before, &mut before), (Target::Rust, &mut after), (Target::Baseline, &mut js)] {
        eprintln!("== {}: ingest under wrangler dev", target.name());
        let rt = Runtime::start_on(target, Host::WranglerDev).await?;
        let run = ingest::run(&client::new(), &rt.url, lengths.ingest).await;
        rt.stop().await;
        let s = run?.ingest;
        (side.wd_p50_ms, side.wd_p99_ms) = (s.summary().p50_ms, s.summary().p99_ms);
        side.wd_errors = s.errors.values().sum();
    }
    Ok(Targets { before, after, floor: js })
}

async fn before_on_miniflare(lengths: &Lengths) -> Result<Side> {
    let (run, cpu_ms) = ingest_with_cpu(Target::Before, lengths).await?;
    eprintln!("== before: fanout with {FANOUT_AT} subscribers");
    let rt = Runtime::start(Target::Before).await?;
    let plan = Plan { channel: Channel::Sse, subscribers: FANOUT_AT, paced: lengths.paced, burst: lengths.burst };
    let f = fanout::run(&client::new(), &rt.url, &plan, &|| rt.rss_kb()).await;
    rt.stop().await;
    let f = f?;
    eprintln!("== before: cold start");
    let mut cold = Vec::new();
    for _ in 0..lengths.cold_starts {
        cold.push(coldstart::once(Target::Before).await?);
    }
    Ok(Side {
        cpu_ms,
        mf_p99_ms: run.ingest.summary().p99_ms,
        cold_ms: median(&cold, |s| s.first_ingest_ms - s.listening_ms),
        ceiling: f.deliveries_per_s,
        kb_per_sub: kb_per_subscriber(&f).unwrap_or(0.0),
        ..Side::default()
    })
}

/// One row: a measure, its limit as a ratio to the floor, and whether a
/// higher ratio is worse (latency, CPU, memory) or better (throughput).
struct Row {
    measure: &'static str,
    unit: &'static str,
    pick: fn(&Side) -> f64,
    limit: f64,
    lower_is_better: bool,
}

const ROWS: [Row; 7] = [
    Row { measure: "workerd CPU per request", unit: "ms", pick: |s| s.cpu_ms, limit: 1.25, lower_is_better: true },
    Row { measure: "Ingest p99 under Miniflare", unit: "ms", pick: |s| s.mf_p99_ms, limit: 1.5, lower_is_better: true },
    Row {
        measure: "Ingest p50 under `wrangler dev`",
        unit: "ms",
        pick: |s| s.wd_p50_ms,
        limit: 1.2,
        lower_is_better: true,
    },
    Row {
        measure: "Ingest p99 under `wrangler dev`",
        unit: "ms",
        pick: |s| s.wd_p99_ms,
        limit: 1.5,
        lower_is_better: true,
    },
    Row {
        measure: "Cold start, listening → first 2xx",
        unit: "ms",
        pick: |s| s.cold_ms,
        limit: 2.0,
        lower_is_better: true,
    },
    Row {
        measure: "Fan-out ceiling, 1,000 subscribers",
        unit: "/s",
        pick: |s| s.ceiling,
        limit: 1.1,
        lower_is_better: false,
    },
    Row { measure: "Memory per SSE subscriber", unit: "KB", pick: |s| s.kb_per_sub, limit: 1.1, lower_is_better: true },
];

fn ratio(ours: f64, floor: f64) -> f64 {
    if floor == 0.0 {
        f64::NAN
    } else {
        ours / floor
    }
}

/// The targets table in Markdown.
pub fn table(t: &Targets, before_commit: &str) -> String {
    let mut out = format!(
        "| Measure | Target (× floor) | before ({before_commit}) | after | JS floor | before / floor | after / floor | |\n| --- | --- | --- | --- | --- | --- | --- | --- |\n"
    );
    for r in &ROWS {
        let (b, a, f) = ((r.pick)(&t.before), (r.pick)(&t.after), (r.pick)(&t.floor));
        let (rb, ra) = (ratio(b, f), ratio(a, f));
        // Throughput: the ceiling may be at most 1.1× lower, i.e. floor/ours ≤ 1.1.
        let met = if r.lower_is_better { ra <= r.limit } else { ra >= 1.0 / r.limit };
        let target =
            if r.lower_is_better { format!("≤ {:.2}×", r.limit) } else { format!("≥ {:.2}×", 1.0 / r.limit) };
        let verdict = if met { "met" } else { "**missed**" };
        out.push_str(&format!(
            "| {} | {target} | {b:.2} {u} | {a:.2} {u} | {f:.2} {u} | {rb:.2}× | {ra:.2}× | {verdict} |\n",
            r.measure,
            u = r.unit
        ));
    }
    let errors = [t.before.wd_errors, t.after.wd_errors, t.floor.wd_errors];
    out.push_str(&format!("\nErrors in the `wrangler dev` ingest runs (before, after, floor): {errors:?}.\n"));
    out
}
