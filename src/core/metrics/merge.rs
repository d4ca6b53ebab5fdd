//! One shard's part of `/metrics`, and adding the parts up. Counters add;
//! histogram buckets add bucket by bucket (they are series of their own);
//! gauges are per source and every source reports to one shard, so they
//! add too. The exposition is rendered once, from the sum, so it is the
//! same text whatever the number of shards.

use crate::core::metrics::delta::{Delta, Sample};
use crate::core::metrics::gauges::Live;
use serde::{Deserialize, Serialize};

/// What one shard holds: its totals, its sources' live channels, and (from
/// shard 0) the most shards a scrape ever read.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ShardView {
    /// Totals of every batch the shard applied.
    pub samples: Vec<Sample>,
    /// Open streams and sockets of the sources reporting to it.
    pub live: Live,
    /// Shard 0 only: the most shards ever read (0 elsewhere).
    #[serde(default)]
    pub highest_shards: u32,
}

/// The sum of `views`.
pub fn merge(views: &[ShardView]) -> (Delta, Live) {
    let mut totals = Delta::default();
    let mut live = Live::default();
    for view in views {
        for s in &view.samples {
            totals.add(s.name.clone(), s.label.clone(), s.value);
        }
        live.sse_clients += view.live.sse_clients;
        live.ws_clients += view.live.ws_clients;
    }
    (totals, live)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::metrics::delta::{CAPTURES, INGEST};
    use crate::core::metrics::exposition::render;

    fn view(ingest: f64, get: f64, ms: &[f64], live: Live) -> ShardView {
        let mut d = Delta::default();
        d.add(INGEST, "", ingest);
        d.add(CAPTURES, "GET", get);
        for m in ms {
            d.observe_ingest_ms(*m);
        }
        ShardView { samples: d.samples(), live, highest_shards: 0 }
    }

    #[test]
    fn the_sum_renders_as_one_shard_would() {
        let one = view(5.0, 3.0, &[0.2, 7.0, 30.0], Live { sse_clients: 3, ws_clients: 5 });
        let parts = [
            view(2.0, 1.0, &[0.2], Live { sse_clients: 1, ws_clients: 0 }),
            view(3.0, 2.0, &[7.0, 30.0], Live { sse_clients: 2, ws_clients: 5 }),
            ShardView::default(),
        ];
        let (a, la) = merge(&[one]);
        let (b, lb) = merge(&parts);
        assert_eq!(render(&a, la), render(&b, lb));
        assert_eq!(lb, Live { sse_clients: 3, ws_clients: 5 });
    }
}
