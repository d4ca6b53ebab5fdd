//! Prometheus text exposition format 0.0.4 of the aggregated totals.

use crate::core::metrics::delta::{Delta, Family, Kind, BINS_CREATED, BINS_DELETED, BINS_EXPIRED, BINS_LIVE, FAMILIES};
use crate::core::metrics::delta::{INGEST_BUCKETS_S, SSE_CLIENTS, WS_CLIENTS};
use crate::core::metrics::gauges::Live;
use std::collections::BTreeSet;
use std::fmt::Write;

/// `Content-Type` of the exposition.
pub const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

/// Renders every family from `totals` (sums of all deltas ever flushed)
/// and the live channels open now.
pub fn render(totals: &Delta, live: Live) -> String {
    let mut out = String::new();
    for family in &FAMILIES {
        let kind = match family.kind {
            Kind::Counter => "counter",
            Kind::Gauge => "gauge",
            Kind::Histogram => "histogram",
        };
        let _ = writeln!(out, "# HELP {} {}\n# TYPE {} {kind}", family.name, family.help, family.name);
        match (family.kind, family.label) {
            (Kind::Histogram, _) => histogram(&mut out, family.name, totals),
            (_, Some((label, known))) => labelled(&mut out, family, label, known, totals),
            _ => sample(&mut out, family.name, "", scalar(family.name, totals, live)),
        }
    }
    out
}

fn scalar(name: &str, totals: &Delta, live: Live) -> f64 {
    match name {
        SSE_CLIENTS => live.sse_clients as f64,
        WS_CLIENTS => live.ws_clients as f64,
        BINS_LIVE => {
            let ended = totals.get(BINS_DELETED, "") + totals.get(BINS_EXPIRED, "");
            (totals.get(BINS_CREATED, "") - ended).max(0.0)
        }
        _ => totals.get(name, ""),
    }
}

fn labelled(out: &mut String, family: &Family, label: &str, known: &[&str], totals: &Delta) {
    let values: BTreeSet<&str> = known.iter().copied().chain(totals.labels_of(family.name)).collect();
    for value in values {
        let labels = format!("{{{label}=\"{}\"}}", escape(value));
        sample(out, family.name, &labels, totals.get(family.name, value));
    }
}

fn histogram(out: &mut String, name: &str, totals: &Delta) {
    let bucket = format!("{name}_bucket");
    let mut cumulative = 0.0;
    let bounds = INGEST_BUCKETS_S.iter().map(|b| b.to_string()).chain(std::iter::once("+Inf".to_string()));
    for bound in bounds {
        cumulative += totals.get(&bucket, &bound);
        sample(out, &bucket, &format!("{{le=\"{bound}\"}}"), cumulative);
    }
    sample(out, &format!("{name}_sum"), "", totals.get(&format!("{name}_sum"), ""));
    sample(out, &format!("{name}_count"), "", totals.get(&format!("{name}_count"), ""));
}

fn sample(out: &mut String, name: &str, labels: &str, value: f64) {
    let _ = writeln!(out, "{name}{labels} {}", number(value));
}

/// Whole numbers without a fraction, so counters read as integers.
fn number(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        format!("{}", value as i64)
    } else {
        format!("{value}")
    }
}

/// Label values escape backslash, double quote and newline.
fn escape(value: &str) -> String {
    value.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::metrics::delta::{CAPTURES, INGEST};

    fn line<'a>(text: &'a str, prefix: &str) -> &'a str {
        text.lines().find(|l| l.starts_with(prefix)).unwrap_or("")
    }

    #[test]
    fn empty_totals_show_every_family_at_zero() {
        let text = render(&Delta::default(), Live::default());
        assert_eq!(line(&text, "polyhook_ingest_total "), "polyhook_ingest_total 0");
        assert_eq!(
            line(&text, "polyhook_captures_total{method=\"POST\"}"),
            "polyhook_captures_total{method=\"POST\"} 0"
        );
        assert_eq!(line(&text, "# TYPE polyhook_sse_clients"), "# TYPE polyhook_sse_clients gauge");
        assert_eq!(text.matches("# HELP").count(), FAMILIES.len());
    }

    #[test]
    fn renders_totals_and_derived_gauges() {
        let mut totals = Delta::default();
        totals.add(INGEST, "", 3.0);
        totals.add(CAPTURES, "GET", 2.0);
        totals.add(BINS_CREATED, "", 5.0);
        totals.add(BINS_DELETED, "", 1.0);
        totals.add(BINS_EXPIRED, "", 1.0);
        let text = render(&totals, Live { sse_clients: 7, ws_clients: 4 });
        assert!(text.contains("polyhook_ingest_total 3\n"));
        assert!(text.contains("polyhook_captures_total{method=\"GET\"} 2\n"));
        assert!(text.contains("polyhook_bins_live 3\n"));
        assert!(text.contains("polyhook_sse_clients 7\n"));
        assert!(text.contains("polyhook_ws_clients 4\n"));
    }

    #[test]
    fn histogram_buckets_are_cumulative() {
        let mut totals = Delta::default();
        totals.observe_ingest_ms(0.2);
        totals.observe_ingest_ms(7.0);
        totals.observe_ingest_ms(7.5);
        let text = render(&totals, Live::default());
        assert!(text.contains("polyhook_ingest_duration_seconds_bucket{le=\"0.0005\"} 1\n"));
        assert!(text.contains("polyhook_ingest_duration_seconds_bucket{le=\"0.005\"} 1\n"));
        assert!(text.contains("polyhook_ingest_duration_seconds_bucket{le=\"0.01\"} 3\n"));
        assert!(text.contains("polyhook_ingest_duration_seconds_bucket{le=\"+Inf\"} 3\n"));
        assert!(text.contains("polyhook_ingest_duration_seconds_count 3\n"));
    }

    #[test]
    fn odd_label_values_are_escaped() {
        let mut totals = Delta::default();
        totals.add(CAPTURES, "a\"b\\c\nd", 1.0);
        assert!(render(&totals, Live::default()).contains("{method=\"a\\\"b\\\\c\\nd\"} 1\n"));
    }

    #[test]
    fn fractions_stay_fractions() {
        assert_eq!(number(0.0125), "0.0125");
        assert_eq!(number(42.0), "42");
    }
}
