//! Latency summaries.

use serde_json::{json, Value};

/// Percentiles of a set of latencies, in milliseconds.
#[derive(Debug, Clone, Copy, Default)]
pub struct Summary {
    /// Number of samples.
    pub count: usize,
    /// Median, ms.
    pub p50_ms: f64,
    /// 95th percentile, ms.
    pub p95_ms: f64,
    /// 99th percentile, ms.
    pub p99_ms: f64,
    /// Largest, ms.
    pub max_ms: f64,
}

/// Summarises latencies given in microseconds (nearest-rank percentiles).
pub fn summarize(mut micros: Vec<u64>) -> Summary {
    if micros.is_empty() {
        return Summary::default();
    }
    micros.sort_unstable();
    let rank = |p: f64| {
        let i = ((p * micros.len() as f64).ceil() as usize).clamp(1, micros.len()) - 1;
        micros[i] as f64 / 1000.0
    };
    Summary { count: micros.len(), p50_ms: rank(0.50), p95_ms: rank(0.95), p99_ms: rank(0.99), max_ms: rank(1.0) }
}

impl Summary {
    /// As JSON, for single-scenario output.
    pub fn json(&self) -> Value {
        json!({ "count": self.count, "p50_ms": self.p50_ms, "p95_ms": self.p95_ms, "p99_ms": self.p99_ms, "max_ms": self.max_ms })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank() {
        let s = summarize((1..=100).map(|ms| ms * 1000).collect());
        assert_eq!((s.p50_ms, s.p95_ms, s.p99_ms, s.max_ms), (50.0, 95.0, 99.0, 100.0));
        assert_eq!(summarize(vec![]).count, 0);
        assert_eq!(summarize(vec![1500]).p99_ms, 1.5);
    }
}
