//! The service's metrics: the catalogue of families and the [`Delta`] a
//! source (a bin's object, a limiter) accumulates between two flushes to
//! the aggregator. Totals are sums of deltas, so they only ever grow.

use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::collections::BTreeMap;

/// Requests captured into a bin (the twins' name).
pub const INGEST: &str = "polyhook_ingest_total";
/// Captures by HTTP method.
pub const CAPTURES: &str = "polyhook_captures_total";
/// Body bytes captured.
pub const CAPTURED_BYTES: &str = "polyhook_captured_bytes_total";
/// Requests answered 429, by route.
pub const RATE_LIMITED: &str = "polyhook_rate_limited_total";
/// Bins created.
pub const BINS_CREATED: &str = "polyhook_bins_created_total";
/// Bins deleted by their owner.
pub const BINS_DELETED: &str = "polyhook_bins_deleted_total";
/// Bins that reached the end of their lifetime.
pub const BINS_EXPIRED: &str = "polyhook_bins_expired_total";
/// Bins alive now: created minus deleted minus expired.
pub const BINS_LIVE: &str = "polyhook_bins_live";
/// Replay attempts sent (the twins' name).
pub const REPLAY_ATTEMPTS: &str = "polyhook_replay_attempts_total";
/// Replays that reached a final outcome, by outcome.
pub const REPLAYS: &str = "polyhook_replays_total";
/// Open SSE streams (the twins' name).
pub const SSE_CLIENTS: &str = "polyhook_sse_clients";
/// Open WebSocket subscribers, counted while their bins sleep.
pub const WS_CLIENTS: &str = "polyhook_ws_clients";
/// SSE events written to subscribers (comments and keep-alives excluded).
pub const SSE_EVENTS_SENT: &str = "polyhook_sse_events_sent_total";
/// Subscribers cut off for falling too far behind.
pub const SSE_CUT: &str = "polyhook_sse_subscribers_cut_total";
/// Stream connections turned away for load, told to retry later.
pub const SSE_REFUSED: &str = "polyhook_sse_refused_total";
/// Durable Objects started (constructed), by class: a bin that slept and woke counts again.
pub const OBJECT_STARTS: &str = "polyhook_object_starts_total";
/// Object classes that count their starts.
pub const OBJECT_CLASSES: [&str; 1] = ["bin"];
/// Metric batches the aggregator shards applied.
pub const METRICS_BATCHES: &str = "polyhook_metrics_batches_total";
/// Time sources spent delivering metric batches to their shard.
pub const METRICS_FLUSH_SECONDS: &str = "polyhook_metrics_flush_seconds_total";
/// Requests that reached the service-wide creation budget's object.
pub const CREATE_GLOBAL_CHECKS: &str = "polyhook_create_global_checks_total";
/// Senders' waits for a bin's responder (`listen --reply`), by outcome.
pub const LISTENER_ANSWERS: &str = "polyhook_listener_answers_total";
/// Time inside a bin's object to capture one request.
pub const INGEST_SECONDS: &str = "polyhook_ingest_duration_seconds";
/// Its series, spelled out once so an ingest builds no strings.
const INGEST_BUCKET: &str = "polyhook_ingest_duration_seconds_bucket";
const INGEST_SUM: &str = "polyhook_ingest_duration_seconds_sum";
const INGEST_COUNT: &str = "polyhook_ingest_duration_seconds_count";
/// `le` labels of the ingest buckets, in order, then `+Inf`.
const INGEST_BUCKET_LABELS: [&str; 13] =
    ["0.0005", "0.001", "0.0025", "0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "+Inf"];

/// What a family's samples mean to Prometheus.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Only grows.
    Counter,
    /// Goes up and down.
    Gauge,
    /// Cumulative buckets plus `_sum` and `_count`.
    Histogram,
}

/// One metric family: name, help text, kind, and its label with the values
/// shown at zero before anything happens (so `rate()` works from the start).
#[derive(Debug, Clone, Copy)]
pub struct Family {
    /// Metric name.
    pub name: &'static str,
    /// `# HELP` text.
    pub help: &'static str,
    /// `# TYPE`.
    pub kind: Kind,
    /// Label name and its known values, for labelled families.
    pub label: Option<(&'static str, &'static [&'static str])>,
}

/// Methods that get their own label value; any other counts as `OTHER`, so
/// senders cannot blow up the series count with invented methods.
pub const METHODS: [&str; 8] = ["DELETE", "GET", "HEAD", "OPTIONS", "OTHER", "PATCH", "POST", "PUT"];
/// Routes that answer 429.
pub const LIMITED_ROUTES: [&str; 5] = ["create_bin", "export", "ingest", "replay", "search"];
/// Final outcomes of a replay.
pub const OUTCOMES: [&str; 2] = ["failed", "succeeded"];
/// Upper bounds of the ingest histogram's buckets, in seconds.
pub const INGEST_BUCKETS_S: [f64; 12] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5];

const fn family(name: &'static str, help: &'static str, kind: Kind) -> Family {
    Family { name, help, kind, label: None }
}

/// Every family, in exposition order.
pub const FAMILIES: [Family; 21] = [
    family(INGEST, "Requests captured into a bin.", Kind::Counter),
    Family {
        label: Some(("method", &METHODS)),
        ..family(CAPTURES, "Captured requests by HTTP method.", Kind::Counter)
    },
    family(CAPTURED_BYTES, "Body bytes captured.", Kind::Counter),
    family(INGEST_SECONDS, "Time inside a bin's object to capture one request.", Kind::Histogram),
    Family {
        label: Some(("route", &LIMITED_ROUTES)),
        ..family(RATE_LIMITED, "Requests refused with 429.", Kind::Counter)
    },
    family(BINS_CREATED, "Bins created.", Kind::Counter),
    family(CREATE_GLOBAL_CHECKS, "Requests that reached the service-wide creation budget.", Kind::Counter),
    family(BINS_DELETED, "Bins deleted by their owner.", Kind::Counter),
    family(BINS_EXPIRED, "Bins that reached the end of their lifetime.", Kind::Counter),
    family(BINS_LIVE, "Bins alive: created minus deleted minus expired.", Kind::Gauge),
    family(REPLAY_ATTEMPTS, "Replay attempts sent to targets.", Kind::Counter),
    Family {
        label: Some(("outcome", &OUTCOMES)),
        ..family(REPLAYS, "Replays that reached an outcome.", Kind::Counter)
    },
    Family {
        label: Some(("outcome", &crate::core::reply::outcome::COUNTED)),
        ..family(LISTENER_ANSWERS, "Senders that waited for a bin's responder, by outcome.", Kind::Counter)
    },
    family(SSE_CLIENTS, "Open SSE streams.", Kind::Gauge),
    family(WS_CLIENTS, "Open WebSocket subscribers, counted while their bins sleep.", Kind::Gauge),
    family(SSE_EVENTS_SENT, "SSE events written to subscribers.", Kind::Counter),
    family(SSE_CUT, "Subscribers cut off for falling too far behind.", Kind::Counter),
    family(SSE_REFUSED, "Stream connections turned away for load.", Kind::Counter),
    family(METRICS_BATCHES, "Metric batches the aggregator shards applied.", Kind::Counter),
    family(METRICS_FLUSH_SECONDS, "Time objects spent delivering metric batches to their shard.", Kind::Counter),
    Family {
        label: Some(("class", &OBJECT_CLASSES)),
        ..family(
            OBJECT_STARTS,
            "Durable Objects started, by class; a bin that slept and woke counts again.",
            Kind::Counter,
        )
    },
];

/// The label value `method` counts under.
pub fn method_label(method: &str) -> &'static str {
    METHODS.iter().find(|m| **m != "OTHER" && m.eq_ignore_ascii_case(method)).copied().unwrap_or("OTHER")
}

/// One series' value: family (or histogram part) name, label value (empty
/// when unlabelled; the `le` bound for histogram buckets), amount.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Sample {
    /// Series name, e.g. `polyhook_captures_total` or `..._bucket`.
    pub name: String,
    /// Label value, or empty.
    pub label: String,
    /// Amount added.
    pub value: f64,
}

/// A series' name or label: the catalogue's own `&'static str`s are
/// borrowed, so recording on the ingest path allocates nothing; names read
/// off the wire are owned.
pub type Key = Cow<'static, str>;

/// Amounts added to series since the last flush.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Delta {
    series: BTreeMap<(Key, Key), f64>,
}

impl Delta {
    /// Adds `value` to series `name{label}`.
    pub fn add(&mut self, name: impl Into<Key>, label: impl Into<Key>, value: f64) {
        *self.series.entry((name.into(), label.into())).or_insert(0.0) += value;
    }

    /// Adds one to the unlabelled counter `name`.
    pub fn inc(&mut self, name: &'static str) {
        self.add(name, "", 1.0);
    }

    /// Records one ingest that took `elapsed_ms` inside the object.
    pub fn observe_ingest_ms(&mut self, elapsed_ms: f64) {
        let seconds = elapsed_ms.max(0.0) / 1000.0;
        let bucket = INGEST_BUCKETS_S.iter().position(|b| seconds <= *b).unwrap_or(INGEST_BUCKETS_S.len());
        self.add(INGEST_BUCKET, INGEST_BUCKET_LABELS[bucket], 1.0);
        self.add(INGEST_SUM, "", seconds);
        self.add(INGEST_COUNT, "", 1.0);
    }

    /// Folds `other` into this delta (a flush that failed goes back here).
    pub fn merge(&mut self, other: Delta) {
        for ((name, label), value) in other.series {
            self.add(name, label, value);
        }
    }

    /// The amount recorded for series `name{label}`, zero if none.
    pub fn get(&self, name: &str, label: &str) -> f64 {
        self.series.iter().find(|((n, l), _)| n == name && l == label).map_or(0.0, |(_, v)| *v)
    }

    /// Label values recorded for series `name`, in order.
    pub fn labels_of<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.series.keys().filter(move |(n, _)| n == name).map(|(_, label)| label.as_ref())
    }

    /// True when nothing was recorded.
    pub fn is_empty(&self) -> bool {
        self.series.is_empty()
    }

    /// The recorded amounts, for the wire.
    pub fn samples(&self) -> Vec<Sample> {
        self.series
            .iter()
            .map(|((name, label), value)| Sample { name: name.to_string(), label: label.to_string(), value: *value })
            .collect()
    }

    /// Rebuilds a delta from wire samples, dropping non-finite or negative
    /// amounts: totals must never go backwards.
    pub fn from_samples(samples: Vec<Sample>) -> Delta {
        let mut delta = Delta::default();
        for s in samples.into_iter().filter(|s| s.value.is_finite() && s.value >= 0.0) {
            delta.add(s.name, s.label, s.value);
        }
        delta
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ingest_series_names_and_labels_match_the_buckets() {
        assert_eq!(INGEST_BUCKET, format!("{INGEST_SECONDS}_bucket"));
        assert_eq!(INGEST_SUM, format!("{INGEST_SECONDS}_sum"));
        assert_eq!(INGEST_COUNT, format!("{INGEST_SECONDS}_count"));
        for (bound, label) in INGEST_BUCKETS_S.iter().zip(INGEST_BUCKET_LABELS) {
            assert_eq!(bound.to_string(), label);
        }
        assert_eq!(INGEST_BUCKET_LABELS[INGEST_BUCKETS_S.len()], "+Inf");
    }

    #[test]
    fn methods_are_bounded() {
        assert_eq!(method_label("post"), "POST");
        assert_eq!(method_label("PROPFIND"), "OTHER");
        assert_eq!(method_label("OTHER"), "OTHER");
    }

    #[test]
    fn observations_land_in_one_bucket() {
        let mut d = Delta::default();
        d.observe_ingest_ms(3.0);
        d.observe_ingest_ms(0.0);
        d.observe_ingest_ms(9000.0);
        let s = d.samples();
        let value = |name: &str, label: &str| s.iter().find(|x| x.name == name && x.label == label).map(|x| x.value);
        assert_eq!(value("polyhook_ingest_duration_seconds_bucket", "0.005"), Some(1.0));
        assert_eq!(value("polyhook_ingest_duration_seconds_bucket", "0.0005"), Some(1.0));
        assert_eq!(value("polyhook_ingest_duration_seconds_bucket", "+Inf"), Some(1.0));
        assert_eq!(value("polyhook_ingest_duration_seconds_count", ""), Some(3.0));
        assert_eq!(value("polyhook_ingest_duration_seconds_sum", ""), Some(9.003));
    }

    #[test]
    fn merge_and_wire_round_trip() {
        let mut a = Delta::default();
        a.inc(INGEST);
        let mut b = Delta::default();
        b.inc(INGEST);
        b.add(CAPTURES, "GET", 2.0);
        a.merge(b);
        let back = Delta::from_samples(a.samples());
        assert_eq!(back, a);
        assert_eq!(back.samples()[1], Sample { name: INGEST.into(), label: String::new(), value: 2.0 });
    }

    #[test]
    fn wire_rejects_negative_and_nan() {
        let bad = vec![
            Sample { name: INGEST.into(), label: String::new(), value: -5.0 },
            Sample { name: INGEST.into(), label: String::new(), value: f64::NAN },
        ];
        assert!(Delta::from_samples(bad).is_empty());
    }
}
