//! Which aggregator shard a source flushes to, and which shards a scrape
//! reads. Every object flushes its batches to one of `METRICS_SHARDS`
//! aggregator objects, so no one object takes load that grows with the
//! number of bins; `/metrics` reads them all and adds them up.
//!
//! A source keeps its shard: a bin stores the one it was created with, so
//! its gauges (open streams and sockets) are never reported to two shards
//! when `METRICS_SHARDS` changes. Other sources report counters only, which
//! add up wherever they land. Shard 0 remembers the most shards ever read,
//! so lowering the var never drops a shard's totals from the sum.

use crate::core::http::error::ApiError;
use crate::core::http::query::param;
use std::ops::Range;

/// Most shards there can be (`METRICS_SHARDS` is 1 to 256).
pub const MAX_SHARDS: u32 = 256;

/// Name of shard `k`. Shard 0 is the one aggregator of the unsharded
/// service (`all`), so its totals keep counting after an upgrade.
pub fn shard_name(k: u32) -> String {
    if k == 0 {
        "all".to_string()
    } else {
        format!("all-{k}")
    }
}

/// The shard of `source` (an object id) among `shards`: FNV-1a, stable
/// across runs and builds.
pub fn shard_of(source: &str, shards: u32) -> u32 {
    let hash = source.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3));
    u32::try_from(hash % u64::from(shards.max(1))).unwrap_or(0)
}

/// The shards a scrape reads: every one configured, and every one a
/// larger setting ever used (`highest_seen`, kept by shard 0).
pub fn shards_to_read(configured: u32, highest_seen: u32) -> Range<u32> {
    0..configured.max(highest_seen).max(1)
}

/// `/metrics?shard=K`: one shard's own part, to see how load spreads;
/// `None` without the parameter. K is 0 to 255.
pub fn asked_shard(query: &str) -> Result<Option<u32>, ApiError> {
    let Some(raw) = param(query, "shard") else { return Ok(None) };
    match raw.parse::<u32>() {
        Ok(k) if k < MAX_SHARDS => Ok(Some(k)),
        _ => Err(ApiError::bad_request("invalid shard")
            .with_details(format!("shard: an integer from 0 to {}", MAX_SHARDS - 1))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shard_zero_is_the_old_aggregator() {
        assert_eq!(shard_name(0), "all");
        assert_eq!(shard_name(7), "all-7");
    }

    #[test]
    fn sources_spread_over_the_shards_and_stay_put() {
        let mut counts = [0u32; 8];
        for i in 0..8000 {
            let s = shard_of(&format!("{i:064x}"), 8);
            counts[s as usize] += 1;
            assert_eq!(s, shard_of(&format!("{i:064x}"), 8), "the same source, the same shard");
        }
        assert!(counts.iter().all(|c| (800..1200).contains(c)), "roughly even: {counts:?}");
        assert_eq!(shard_of("anything", 1), 0);
        assert_eq!(shard_of("anything", 0), 0, "no shards means the one");
    }

    #[test]
    fn one_shard_can_be_asked_for() {
        assert_eq!(asked_shard("").unwrap(), None);
        assert_eq!(asked_shard("shard=3").unwrap(), Some(3));
        assert_eq!(asked_shard("shard=256").unwrap_err().status(), 400);
        assert_eq!(asked_shard("shard=x").unwrap_err().status(), 400);
    }

    #[test]
    fn a_lowered_setting_still_reads_the_old_shards() {
        assert_eq!(shards_to_read(8, 0), 0..8);
        assert_eq!(shards_to_read(4, 8), 0..8);
        assert_eq!(shards_to_read(0, 0), 0..1);
    }
}
