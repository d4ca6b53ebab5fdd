//! A model of the service at 100,000 active bins and 1,000 creates a
//! second, built from the scale scenario's measured costs: which object of
//! each kind is busiest, the shard counts that keep every object under a
//! quarter of the ~1,000 requests a second one object handles, and what a
//! scrape costs then. Measured figures are marked as such; the rest is
//! arithmetic on them.

use crate::scale::{Figures, Plan};
use std::fmt::Write;

/// Active bins in the model.
const BINS: f64 = 100_000.0;
/// Creates a second in the model.
const CREATES_PER_S: f64 = 1_000.0;
/// The most requests a second one object should take: a quarter of ~1,000.
const PER_OBJECT: f64 = 250.0;
/// `METRICS_SHARDS` in wrangler.toml.
const DEFAULT_SHARDS: f64 = 128.0;

/// The model (Markdown), from the runs with 1 and 8 shards.
pub fn model(plan: &Plan, runs: &[Figures]) -> String {
    let (Some(one), Some(eight)) = (runs.iter().find(|f| f.shards == 1), runs.iter().find(|f| f.shards == 8)) else {
        return "The scale runs are missing; no model.\n".to_string();
    };
    let per_bin = plan.rate_per_s / plan.bins as f64;
    // Measured: batches the shards applied per capture, at this per-bin rate.
    let batches_per_capture = eight.batches_per_s / plan.rate_per_s.max(f64::MIN_POSITIVE);
    let batches = BINS * per_bin * batches_per_capture;
    let metrics_shards = (batches / PER_OBJECT).ceil().max(1.0);
    let create_shards = (CREATES_PER_S / PER_OBJECT).ceil().max(1.0);
    // Measured: scrape time per shard read, from the difference between 8 shards and 1.
    let per_shard_ms = ((eight.scrape.p50_ms - one.scrape.p50_ms) / 7.0).max(0.0);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "At {BINS:.0} active bins each capturing {per_bin:.2} times a second ({:.0} captures/s), and {CREATES_PER_S:.0} creates/s:\n",
        BINS * per_bin
    );
    out.push_str("| Object | Busiest one takes | Shards for ≤ 250 req/s each | Source of the figure |\n| --- | --- | --- | --- |\n");
    let _ = writeln!(out, "| a bin | its own captures ({per_bin:.2}/s here), acks and replays; bounded per client by `RATE_LIMIT_PER_SECOND`, whatever the number of bins | one per bin | by design |");
    let _ = writeln!(
        out,
        "| a client's limiter | its own replays: at most `REPLAY_LIMIT_*` | one per client | by design |"
    );
    let _ = writeln!(out, "| a network's limiter | its clients' creates, refused ones included: each client's `CREATE_LIMIT_*` and the network's `CREATE_PREFIX_*` | one per IPv4 /24 or IPv6 /48 | by design |");
    let _ = writeln!(
        out,
        "| a creation-ceiling shard | {:.0} req/s at the default 8 shards | {create_shards:.0} | extrapolated: one check per create |",
        CREATES_PER_S / 8.0
    );
    let _ = writeln!(
        out,
        "| a metrics shard | {batches:.0} batches/s in all, {:.0}/s each at {metrics_shards:.0} shards ({DEFAULT_SHARDS:.0}, the default: {:.0}/s) | {metrics_shards:.0} | measured {batches_per_capture:.3} batches per capture at this rate (8 shards, {} bins), extrapolated |",
        batches / metrics_shards,
        batches / DEFAULT_SHARDS,
        plan.bins
    );
    let scrape_ms = one.scrape.p50_ms + per_shard_ms * (metrics_shards - 1.0);
    let _ = writeln!(
        out,
        "\nA scrape reads every shard at once: {metrics_shards:.0} requests. Measured here (one machine, shards read concurrently on its one workerd thread): p50 {:.1} ms with 1 shard and {:.1} ms with 8, about {per_shard_ms:.1} ms per extra shard; at {metrics_shards:.0} shards that extrapolates to about {scrape_ms:.0} ms on one thread, and less on the edge, where shards run on many machines. Every capture was counted once in both runs ({} of {} and {} of {}).",
        one.scrape.p50_ms, eight.scrape.p50_ms, one.counted, one.sent, eight.counted, eight.sent
    );
    out
}
