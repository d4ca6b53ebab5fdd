//! The token-bucket rates the config's vars describe: one place that turns
//! "per minute, burst" pairs into [`Rate`]s, and second-valued vars into
//! the milliseconds the code compares against.

use crate::core::config::Config;
use crate::core::limits::bucket::Rate;

/// Messages a socket may send at once before its rate applies.
pub const WS_MESSAGE_BURST: f64 = 20.0;

impl Config {
    /// The per-IP ingest bucket.
    pub fn ingest_rate(&self) -> Rate {
        Rate { per_s: self.ingest_rate_per_s as f64, burst: self.ingest_burst as f64 }
    }

    /// The per-IP bin-creation bucket.
    pub fn create_rate(&self) -> Rate {
        Rate { per_s: self.create_rate_per_min as f64 / 60.0, burst: self.create_burst as f64 }
    }

    /// The per-IP bucket for replay starts and retries.
    pub fn replay_rate(&self) -> Rate {
        Rate { per_s: self.replay_rate_per_min as f64 / 60.0, burst: self.replay_burst as f64 }
    }

    /// The per-IP bucket for filtered lists, exports and re-checks.
    pub fn search_rate(&self) -> Rate {
        Rate { per_s: self.search_rate_per_min as f64 / 60.0, burst: self.search_burst as f64 }
    }

    /// One shard's part of the service-wide bin-creation bucket: a
    /// `CREATE_GLOBAL_SHARDS`th of the rate, with a minute's worth of burst.
    /// The shards together never admit more than the ceiling.
    pub fn create_global_rate(&self) -> Rate {
        let per_min = self.create_global_per_min as f64 / f64::from(self.create_global_shards());
        Rate { per_s: per_min / 60.0, burst: per_min }
    }

    /// Shards the creation ceiling is split over: `CREATE_GLOBAL_SHARDS`,
    /// but never more than the ceiling per minute, so every shard's burst
    /// is at least one bin and the bursts add up to the ceiling exactly.
    pub fn create_global_shards(&self) -> u32 {
        let ceiling = u32::try_from(self.create_global_per_min).unwrap_or(u32::MAX);
        self.create_shards.min(ceiling).max(1)
    }

    /// The bin-creation bucket of one IPv4 /24 or IPv6 /48.
    pub fn create_prefix_rate(&self) -> Rate {
        Rate { per_s: self.create_prefix_per_min as f64 / 60.0, burst: self.create_prefix_burst as f64 }
    }

    /// One socket's messages: `WS_MESSAGES_PER_SECOND`, in bursts of [`WS_MESSAGE_BURST`].
    pub fn ws_message_rate(&self) -> Rate {
        Rate { per_s: self.ws_messages_per_s as f64, burst: WS_MESSAGE_BURST }
    }

    /// `SSE_STALL_SECONDS` in ms.
    pub fn sse_stall_ms(&self) -> i64 {
        seconds_ms(self.sse_stall_s)
    }

    /// `WS_AUTH_SECONDS` in ms.
    pub fn ws_auth_ms(&self) -> i64 {
        seconds_ms(self.ws_auth_s)
    }
}

fn seconds_ms(s: u64) -> i64 {
    i64::try_from(s.saturating_mul(1000)).unwrap_or(i64::MAX)
}
