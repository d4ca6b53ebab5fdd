//! The two live-channel gauges and how the aggregator keeps them right.
//!
//! An SSE stream lives in its object's memory: when the runtime goes away
//! the streams go with it, without a word, so a source's stream count only
//! stands while it is reported again (every keep-alive). A hibernatable
//! WebSocket outlives the instance that accepted it: a bin watched only by
//! sockets sleeps and reports nothing, yet its sockets are open. So the
//! socket count stands until the source reports another (each open, close,
//! wake and the bin's end report one), whatever the epoch.

/// Live channels across every source, as `/metrics` shows them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Live {
    /// Open SSE streams.
    pub sse_clients: u64,
    /// Open WebSockets, asleep or awake.
    pub ws_clients: u64,
}

/// How long a source stays known without a report, in ms, when it has no
/// sockets: its batches can no longer be retried after that.
pub const FORGET_QUIET_MS: i64 = 3_600_000;
/// How long a source with sockets stays known without a report, in ms: longer
/// than any bin lives (its end reports zero), so only a source whose sockets
/// all dropped unseen (a deploy, with no client back to wake it) is forgotten.
pub const FORGET_SOCKETS_MS: i64 = 48 * 3_600_000;

/// True while a source's stream count, last reported at `seen_ms`, still
/// counts at `now_ms`: a source that stopped reporting (its runtime went
/// away with its streams) drops out after `ttl_ms`.
pub fn gauge_fresh(seen_ms: i64, now_ms: i64, ttl_ms: i64) -> bool {
    now_ms.saturating_sub(seen_ms) <= ttl_ms
}

/// The socket count to keep for a source: the one in its batch, else the
/// last one known (from any epoch: sockets outlive the instance).
pub fn sockets_kept(reported: Option<u64>, last: Option<u64>) -> u64 {
    reported.or(last).unwrap_or(0)
}

/// The stream count to keep for a source: the one in its batch, else the
/// last one of the same epoch (a new epoch is a new instance, whose
/// streams start at zero).
pub fn streams_kept(reported: Option<u64>, last: Option<u64>, same_epoch: bool) -> u64 {
    reported.unwrap_or(if same_epoch { last.unwrap_or(0) } else { 0 })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn silent_sources_go_stale() {
        assert!(gauge_fresh(1000, 31_000, 30_000));
        assert!(!gauge_fresh(1000, 31_001, 30_000));
        assert!(gauge_fresh(5000, 1000, 30_000), "a clock step back keeps it");
    }

    #[test]
    fn sockets_outlive_epochs_and_silence() {
        assert_eq!(sockets_kept(None, Some(3)), 3, "a woken bin's flush without a count keeps it");
        assert_eq!(sockets_kept(Some(0), Some(3)), 0);
        assert_eq!(sockets_kept(None, None), 0);
    }

    #[test]
    fn streams_start_over_with_a_new_epoch() {
        assert_eq!(streams_kept(None, Some(2), true), 2);
        assert_eq!(streams_kept(None, Some(2), false), 0);
        assert_eq!(streams_kept(Some(5), Some(2), false), 5);
    }
}
