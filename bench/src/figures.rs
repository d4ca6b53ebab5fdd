//! What the suite measures for one target, and the helpers every stage
//! reads it with. The suite fills it, the targets table and the report read
//! it; this module depends on none of them, so they form no circle.

use crate::client;
use crate::coldstart::Start;
use crate::fanout;
use crate::ingest;
use crate::ramp::Step;
use crate::runtime::{Runtime, Target};
use crate::Result;
use std::time::Duration;

/// Run lengths: the real ones, or short ones to check the tool.
pub struct Lengths {
    /// Ingest scenario duration.
    pub ingest: Duration,
    /// Duration of each ramp step.
    pub ramp_step: Duration,
    /// Subscriber counts for fan-out.
    pub fanout: Vec<usize>,
    /// Paced phase of fan-out.
    pub paced: Duration,
    /// Saturation phase of fan-out.
    pub burst: Duration,
    /// Cold starts per target.
    pub cold_starts: usize,
    /// List reads during the ingest scenario, requests/s.
    pub list_rps: f64,
}

impl Lengths {
    /// The figures, or a short smoke run.
    pub fn new(quick: bool) -> Lengths {
        if quick {
            let s = Duration::from_secs;
            return Lengths {
                ingest: s(3),
                ramp_step: s(1),
                fanout: vec![50],
                paced: s(2),
                burst: s(1),
                cold_starts: 1,
                list_rps: ingest::LIST_RPS,
            };
        }
        Lengths {
            ingest: Duration::from_secs(60),
            ramp_step: Duration::from_secs(5),
            fanout: vec![100, 1000, 5000],
            paced: Duration::from_secs(10),
            burst: Duration::from_secs(5),
            cold_starts: 3,
            list_rps: ingest::LIST_RPS,
        }
    }
}

/// Everything measured for one target.
pub struct TargetFigures {
    /// The ingest scenario.
    pub ingest: ingest::Figures,
    /// workerd CPU time per request during the ingest scenario, ms.
    pub cpu_per_request_ms: f64,
    /// The ramp's steps.
    pub ramp: Vec<Step>,
    /// Fan-out runs, one per subscriber count.
    pub fanout: Vec<fanout::Figures>,
    /// Cold starts.
    pub cold: Vec<Start>,
    /// Loaded code: (file, raw bytes, gzip bytes).
    pub code: (String, u64, u64),
}

/// The ingest scenario on a fresh Miniflare runtime, with workerd's CPU
/// time per request (ms) over the measured phase.
pub async fn ingest_with_cpu(target: Target, lengths: &Lengths) -> Result<(ingest::Figures, f64)> {
    eprintln!("== {}: ingest", target.name());
    let rt = Runtime::start(target).await?;
    let measured = ingest_measured(&client::new(), &rt.url, Some(&rt), lengths).await;
    rt.stop().await;
    let (run, cpu_per_request) = measured?;
    Ok((run, cpu_per_request.unwrap_or(0.0)))
}

/// The ingest scenario against `base`, and, when `rt` is the runtime
/// serving it, workerd's CPU time per request (ms) over the measured phase
/// only: the warm-up's one-time costs and the bins' creation are not
/// ingest work.
pub async fn ingest_measured(
    client: &client::Client,
    base: &str,
    rt: Option<&Runtime>,
    lengths: &Lengths,
) -> Result<(ingest::Figures, Option<f64>)> {
    let bins = ingest::prepare(client, base).await?;
    let before = rt.and_then(Runtime::cpu_ms);
    let run = ingest::load(client, base, &bins, lengths.ingest, lengths.list_rps).await;
    let cpu = rt.and_then(Runtime::cpu_ms).zip(before).map(|(after, before)| after - before);
    let requests = (run.ingest.scheduled + run.list.scheduled).max(1) as f64;
    Ok((run, cpu.map(|c| c / requests)))
}

/// Memory added per subscriber during a fan-out run, KB.
pub fn kb_per_subscriber(f: &fanout::Figures) -> Option<f64> {
    let (before, after) = f.rss_kb?;
    (f.subscribers > 0).then(|| (after as f64 - before as f64) * 1.024 / f.subscribers as f64)
}

/// The median of `pick` over `starts`.
pub fn median(starts: &[Start], pick: fn(&Start) -> f64) -> f64 {
    let mut v: Vec<f64> = starts.iter().map(pick).collect();
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(0.0)
}
