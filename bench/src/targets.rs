//! Issue 28's targets, each a ratio to the runtime floor: the build before
//! that work (`bench/.before`), this one, the floor, and the floor's object
//! written in workers-rs (`bench/repro/`, what the `worker` crate costs by
//! itself), and the floor with polyhook's structure
//! (`bench/baseline/structured.js`: its creation path, its ingest and list
//! work, its retention and metrics shards, in JavaScript) are measured in
//! rounds (each figure on a fresh runtime, the five taking turns), and every
//! ratio is the median of the rounds' ratios, shown with its spread: these
//! figures move by ±20 % between runs here. Against the structured floor,
//! each figure is set against what the same work costs this runtime in
//! JavaScript.

use crate::coldstart;
use crate::figures::{ingest_with_cpu, Lengths};
use crate::ramp;
use crate::runtime::{Runtime, Target};
use crate::{client, Result};
use std::time::Duration;

/// Rounds of every figure.
const ROUNDS: usize = 3;
/// Ingest run per round: 6,000 webhooks at 200 req/s.
const INGEST: Duration = Duration::from_secs(30);

/// One target's figures in one round.
#[derive(Debug, Clone, Copy, Default)]
pub struct Side {
    /// Last ramp rate that held, req/s.
    pub capacity_rps: f64,
    /// workerd CPU per request in the ingest run, ms.
    pub cpu_ms: f64,
    /// Ingest p99 at 200 req/s, ms.
    pub p99_ms: f64,
    /// Listening → first 2xx ingest (bin creation first), ms.
    pub cold_ms: f64,
    /// Listening after a restart → first 2xx ingest into a bin made before it, ms.
    pub restart_ms: f64,
}

/// Every round's figures for before, after, the floor, the repro and the
/// structured floor.
#[derive(Default)]
pub struct Targets {
    pub rounds: Vec<[Side; 5]>,
    /// gzip -9 bytes of the loaded code, in [`ORDER`] (the structured floor's left out).
    pub code_gz: [u64; 4],
}

const ORDER: [Target; 5] = [Target::Before, Target::Rust, Target::Baseline, Target::Repro, Target::Structured];
/// Where the floor sits in [`ORDER`].
const FLOOR: usize = 2;
/// Where the structured floor sits in [`ORDER`].
const STRUCTURED: usize = 4;

/// Measures `ROUNDS` rounds (one, short, with `--quick`).
pub async fn measure(quick: bool) -> Result<Targets> {
    let mut t = Targets::default();
    let mut ingest = Lengths::new(quick);
    if !quick {
        ingest.ingest = INGEST;
    }
    for round in 0..if quick { 1 } else { ROUNDS } {
        let mut sides = [Side::default(); 5];
        for (side, target) in sides.iter_mut().zip(ORDER) {
            eprintln!("== targets round {}: {}", round + 1, target.name());
            *side = one(target, &ingest).await?;
        }
        t.rounds.push(sides);
    }
    for (gz, target) in t.code_gz.iter_mut().zip(&ORDER[..4]) {
        *gz = coldstart::code_size(*target)?.2;
    }
    Ok(t)
}

async fn one(target: Target, lengths: &Lengths) -> Result<Side> {
    let (run, cpu_ms) = ingest_with_cpu(target, lengths).await?;
    let rt = Runtime::start(target).await?;
    let steps = ramp::run(&client::new(), &rt.url, lengths.ramp_step).await;
    rt.stop().await;
    let start = coldstart::once(target).await?;
    Ok(Side {
        capacity_rps: ramp::capacity(&steps?),
        cpu_ms,
        p99_ms: run.ingest.summary().p99_ms,
        cold_ms: start.first_ingest_ms - start.listening_ms,
        restart_ms: coldstart::restart(target).await?,
    })
}

/// One row: its figure, the limit on the ratio to the floor, and whether
/// more is better (capacity) or worse (CPU, latency, time).
struct Row {
    measure: &'static str,
    unit: &'static str,
    pick: fn(&Side) -> f64,
    limit: Option<f64>,
    more_is_better: bool,
}

const ROWS: [Row; 5] = [
    Row {
        measure: "One-bin capacity",
        unit: "req/s",
        pick: |s| s.capacity_rps,
        limit: Some(0.8),
        more_is_better: true,
    },
    Row { measure: "CPU per request", unit: "ms", pick: |s| s.cpu_ms, limit: Some(1.25), more_is_better: false },
    Row { measure: "Ingest p99 at 200 req/s", unit: "ms", pick: |s| s.p99_ms, limit: Some(1.5), more_is_better: false },
    Row {
        measure: "Cold start: listening → first 2xx (bin created first)",
        unit: "ms",
        pick: |s| s.cold_ms,
        limit: Some(2.5),
        more_is_better: false,
    },
    Row {
        measure: "Cold start: restart → first 2xx into an existing bin",
        unit: "ms",
        pick: |s| s.restart_ms,
        limit: None,
        more_is_better: false,
    },
];

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(f64::NAN)
}

fn spread(v: &[f64]) -> String {
    let (lo, hi) = v.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), x| (l.min(*x), h.max(*x)));
    if v.len() < 2 {
        String::new()
    } else {
        format!(" ({lo:.2}–{hi:.2})")
    }
}

/// A side's figure per round, and its ratio to the floor per round.
fn per_round(t: &Targets, side: usize, pick: fn(&Side) -> f64) -> (Vec<f64>, Vec<f64>) {
    let values: Vec<f64> = t.rounds.iter().map(|r| pick(&r[side])).collect();
    let ratios = t.rounds.iter().map(|r| pick(&r[side]) / pick(&r[FLOOR])).collect();
    (values, ratios)
}

/// The targets table in Markdown: medians of the rounds, spreads in brackets.
pub fn table(t: &Targets, before_commit: &str) -> String {
    let mut out = format!(
        "| Figure | Target | before ({before_commit}) | after | JS floor | workers-rs floor | before / floor | after / floor | workers-rs floor / floor | |\n\
         | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n"
    );
    for r in &ROWS {
        let (b, rb) = per_round(t, 0, r.pick);
        let (a, ra) = per_round(t, 1, r.pick);
        let (f, _) = per_round(t, FLOOR, r.pick);
        let (w, rw) = per_round(t, 3, r.pick);
        let ratio = median(ra.clone());
        let (target, verdict) = match r.limit {
            Some(l) if r.more_is_better => (format!("≥ {l}×"), ratio >= l),
            Some(l) => (format!("≤ {l}×"), ratio <= l),
            None => ("reported".to_string(), true),
        };
        let verdict = if r.limit.is_none() {
            ""
        } else if verdict {
            "met"
        } else {
            "**missed**"
        };
        let cell = |v: &[f64]| format!("{:.2} {}{}", median(v.to_vec()), r.unit, spread(v));
        let times = |v: &[f64]| format!("{:.2}×{}", median(v.to_vec()), spread(v));
        out.push_str(&format!(
            "| {} | {target} | {} | {} | {} | {} | {} | {} | {} | {verdict} |\n",
            r.measure,
            cell(&b),
            cell(&a),
            cell(&f),
            cell(&w),
            times(&rb),
            times(&ra),
            times(&rw),
        ));
    }
    out.push_str(&structured_row(t));
    let kb = |b: u64| b as f64 / 1000.0;
    let [b, a, f, w] = t.code_gz;
    let met = if a <= 400_000 { "met" } else { "**missed**" };
    out.push_str(&format!(
        "| Code loaded, gzip -9 | wasm ≤ 400 KB | {:.1} KB | {:.1} KB | {:.1} KB (JS) | {:.1} KB | | | | {met} |\n",
        kb(b),
        kb(a),
        kb(f),
        kb(w)
    ));
    out.push_str(&format!(
        "\nMedian of {} rounds; in brackets the lowest and highest round. Each ratio is taken within one round, \
         then the median of those is shown.\n",
        t.rounds.len()
    ));
    out
}

/// The cold start again, against the floor with polyhook's creation path:
/// how much of the ratio is that path, which costs the runtime the same
/// in JavaScript.
fn structured_row(t: &Targets) -> String {
    let cold = |side: usize| -> Vec<f64> { t.rounds.iter().map(|r| r[side].cold_ms).collect() };
    let (b, a, s) = (cold(0), cold(1), cold(STRUCTURED));
    let over = |v: &[f64]| -> Vec<f64> { v.iter().zip(&s).map(|(x, f)| x / f).collect() };
    let cell = |v: &[f64]| format!("{:.2} ms{}", median(v.to_vec()), spread(v));
    let times = |v: &[f64]| format!("{:.2}×{}", median(v.to_vec()), spread(v));
    format!(
        "| Cold start against the JS floor with polyhook's creation path (limiter objects; the bin's object, schema and alarm made at creation) | reported | {} | {} | {} | | {} | {} | | |\n",
        cell(&b),
        cell(&a),
        cell(&s),
        times(&over(&b)),
        times(&over(&a)),
    )
}

/// Every figure against the structured floor: what polyhook-rs costs over
/// the same work in JavaScript on this runtime, beside what the same work
/// costs over the plain floor, and what workers-rs costs over it alone.
pub fn structured_table(t: &Targets) -> String {
    let mut out = String::from(
        "| Figure | structured floor | structured / floor | after / structured | workers-rs floor / floor |\n\
         | --- | --- | --- | --- | --- |\n",
    );
    for r in &ROWS {
        let (s, rs) = per_round(t, STRUCTURED, r.pick);
        let over: Vec<f64> = t.rounds.iter().map(|x| (r.pick)(&x[1]) / (r.pick)(&x[STRUCTURED])).collect();
        let (_, rw) = per_round(t, 3, r.pick);
        let times = |v: &[f64]| format!("{:.2}×{}", median(v.to_vec()), spread(v));
        out.push_str(&format!(
            "| {} | {:.2} {}{} | {} | {} | {} |\n",
            r.measure,
            median(s.clone()),
            r.unit,
            spread(&s),
            times(&rs),
            times(&over),
            times(&rw),
        ));
    }
    out
}
