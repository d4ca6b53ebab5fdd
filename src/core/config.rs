//! Deployment configuration, read from the Worker's `[vars]`.
//!
//! Every limit has a default, so an empty `[vars]` runs the service as
//! documented; tests shrink limits by overriding single vars. A value that
//! does not parse or is out of range is a deployment error, reported by
//! name rather than silently replaced.

use crate::core::answer::rule::RuleLimits;
use crate::core::capture::retention::Limits;
use crate::core::config_values::{logging, misconfigured, number, public_url};
use crate::core::http::error::ApiError;
use crate::core::log::RequestLogging;
use crate::core::stream::catchup::reservation_bytes;
use crate::core::weburl::{ParseUrl, WebUrl};

/// Hard ceiling for `MAX_BODY_BYTES`: one SQLite BLOB holds at most 2 MB.
pub const BODY_CEILING_BYTES: u64 = 2_000_000;

/// The service's limits and settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// Base URL used in `ingest_url`/`view_url`; `None` means the request's
    /// origin. Parsed once here; replays compare targets against it.
    pub public_url: Option<WebUrl>,
    /// Largest accepted ingest body, in bytes (`MAX_BODY_BYTES`).
    pub max_body_bytes: u64,
    /// Lifetime of a bin, in seconds (`BIN_TTL_SECONDS`).
    pub bin_ttl_s: u64,
    /// Captures kept per bin before the oldest are evicted (`MAX_CAPTURES_PER_BIN`).
    pub max_captures: u64,
    /// Body bytes kept per bin before the oldest are evicted (`MAX_STORED_BYTES_PER_BIN`).
    pub max_stored_bytes: u64,
    /// Seconds between keep-alive comments on idle streams (`SSE_KEEPALIVE_SECONDS`).
    pub sse_keepalive_s: u64,
    /// Bytes a subscriber may have waiting before it is cut off (`SSE_QUEUE_BYTES`).
    pub sse_queue_bytes: u64,
    /// Open streams per bin before new ones are told to come back later (`SSE_MAX_SUBSCRIBERS`).
    pub sse_max_subscribers: u64,
    /// Wait before a replay's first retry, doubling per retry (`REPLAY_BACKOFF_BASE_MS`).
    pub replay_backoff_base_ms: u64,
    /// Time limit of one replay attempt (`REPLAY_TIMEOUT_MS`).
    pub replay_timeout_ms: u64,
    /// Longest `Retry-After` a replay honours (`REPLAY_RETRY_AFTER_CAP_SECONDS`).
    pub replay_retry_after_cap_s: u64,
    /// Ingest requests per second per client IP, sustained (`RATE_LIMIT_PER_SECOND`).
    pub ingest_rate_per_s: u64,
    /// Ingest burst per client IP (`RATE_LIMIT_BURST`).
    pub ingest_burst: u64,
    /// Bins created per minute per client IP, sustained (`CREATE_LIMIT_PER_MINUTE`).
    pub create_rate_per_min: u64,
    /// Bin-creation burst per client IP (`CREATE_LIMIT_BURST`).
    pub create_burst: u64,
    /// Bins created per minute by everyone together (`CREATE_GLOBAL_PER_MINUTE`).
    pub create_global_per_min: u64,
    /// Replay starts and retries per minute per client IP (`REPLAY_LIMIT_PER_MINUTE`).
    pub replay_rate_per_min: u64,
    /// Replay start and retry burst per client IP (`REPLAY_LIMIT_BURST`).
    pub replay_burst: u64,
    /// Queued plus running replays a bin may hold (`REPLAY_MAX_PENDING`).
    pub replay_max_pending: u64,
    /// Times one replay may be re-queued with `/retry` (`REPLAY_MAX_RETRY_ROUNDS`).
    pub replay_max_rounds: u64,
    /// Replay attempts one bin runs at once (`REPLAY_MAX_CONCURRENT`).
    pub replay_max_concurrent: u64,
    /// Seconds a catching-up subscriber may read nothing before it is cut (`SSE_STALL_SECONDS`).
    pub sse_stall_s: u64,
    /// Open streams per client IP per bin (`SSE_MAX_PER_CLIENT`).
    pub sse_max_per_client: u64,
    /// Lifetime of a stream ticket, in seconds (`STREAM_TICKET_SECONDS`).
    pub stream_ticket_s: u64,
    /// Which requests get a JSON log line (`LOG_REQUESTS`: all, errors, off).
    pub log_requests: RequestLogging,
    /// Response rules one bin may hold (`RESPONSE_MAX_RULES`).
    pub response_max_rules: u64,
    /// Longest delay a response rule may ask for, in ms (`RESPONSE_MAX_DELAY_MS`).
    pub response_max_delay_ms: u64,
    /// Delayed answers one bin holds at once; past it, answers go out at once (`RESPONSE_MAX_DELAYED`).
    pub response_max_delayed: u64,
    /// Signature verifiers one bin may hold (`VERIFY_MAX_VERIFIERS`).
    pub verify_max_verifiers: u64,
    /// Captures one filtered list page or export step reads at most (`SEARCH_SCAN_ROWS`).
    pub search_scan_rows: u64,
    /// Body bytes one such page or step searches for `q` at most (`SEARCH_SCAN_BYTES`).
    pub search_scan_bytes: u64,
    /// Filtered lists, exports and re-checks per minute per client IP, sustained (`SEARCH_LIMIT_PER_MINUTE`).
    pub search_rate_per_min: u64,
    /// Their burst per client IP (`SEARCH_LIMIT_BURST`).
    pub search_burst: u64,
    /// Exports one bin streams at once (`EXPORT_MAX_CONCURRENT`).
    pub export_max_concurrent: u64,
    /// Exports of one bin one client IP streams at once (`EXPORT_MAX_PER_CLIENT`).
    pub export_max_per_client: u64,
    /// Export responses of one bin alive at once, however they ended up (`EXPORT_MAX_LIVE`).
    pub export_max_live: u64,
    /// Bytes all catching-up streams of one bin may reserve together (`SSE_CATCHUP_BYTES`).
    pub sse_catchup_bytes: u64,
    /// Bins created per minute per IPv4 /24 or IPv6 /48 (`CREATE_PREFIX_PER_MINUTE`).
    pub create_prefix_per_min: u64,
    /// Burst of the same (`CREATE_PREFIX_BURST`).
    pub create_prefix_burst: u64,
    /// Unacknowledged bytes one WebSocket subscriber may have (`WS_WINDOW_BYTES`).
    pub ws_window_bytes: u64,
    /// Seconds a private bin's socket has to send its read token (`WS_AUTH_SECONDS`).
    pub ws_auth_s: u64,
    /// Messages a second one socket may send, in bursts of 20 (`WS_MESSAGES_PER_SECOND`).
    pub ws_messages_per_s: u64,
    /// Sockets of a private bin that may wait at once to show its token (`WS_MAX_WAITING`).
    pub ws_max_waiting: u64,
    /// Aggregator objects metrics are spread over (`METRICS_SHARDS`).
    pub metrics_shards: u32,
    /// Limiter objects the service-wide creation ceiling is split over (`CREATE_GLOBAL_SHARDS`).
    pub create_shards: u32,
    /// Longest a `wait` may hold its request open, seconds (`WAIT_MAX_SECONDS`).
    pub wait_max_s: u64,
    /// Waiting requests per bin (`WAIT_MAX_PER_BIN`).
    pub wait_max_per_bin: u64,
    /// Waiting requests per client per bin (`WAIT_MAX_PER_CLIENT`).
    pub wait_max_per_client: u64,
    /// How long an isolate answers `/metrics` from its last full scrape, ms (`METRICS_CACHE_MS`).
    pub metrics_cache_ms: u64,
    /// Wait between an object's first unsent metric and its flush, ms (`METRICS_FLUSH_MS`).
    pub metrics_flush_ms: u64,
    /// Longest a sender waits for the responder's app, ms (`REPLY_TIMEOUT_MS`).
    pub reply_timeout_ms: u64,
    /// Senders one bin holds waiting for its responder (`REPLY_MAX_WAITING`).
    pub reply_max_waiting: u64,
    /// Largest app body passed to a sender, bytes (`REPLY_MAX_BODY_BYTES`).
    pub reply_max_body_bytes: u64,
    /// Steps one sequence may have (`SEQUENCE_MAX_STEPS`).
    pub sequence_max_steps: u64,
    /// Sequences one bin may start in its life (`SEQUENCE_MAX_PER_BIN`).
    pub sequence_max_per_bin: u64,
    /// Longest a sequence's timeline may run, seconds (`SEQUENCE_MAX_DURATION_SECONDS`).
    pub sequence_max_duration_s: u64,
}

impl Config {
    /// `PUBLIC_URL` as a base to append paths to (no trailing slash).
    pub fn base_url(&self) -> Option<&str> {
        self.public_url.as_ref().map(|u| u.href.trim_end_matches('/'))
    }

    /// The base for URLs handed out in answer to a request that came in on
    /// `request`: `PUBLIC_URL` when set, else the request's origin.
    pub fn base_url_for(&self, request: &WebUrl) -> String {
        self.base_url().map_or_else(|| request.origin(), str::to_string)
    }

    /// This service's own origins for a request that came in on `request`:
    /// that one and `PUBLIC_URL`'s (replay targets on them are refused).
    pub fn own_origins(&self, request: &WebUrl) -> Vec<WebUrl> {
        std::iter::once(request.clone()).chain(self.public_url.clone()).collect()
    }

    /// What a bin may hold before its oldest captures are evicted.
    pub fn retention(&self) -> Limits {
        Limits { max_count: self.max_captures, max_bytes: self.max_stored_bytes }
    }

    /// What one bin's response rules may hold.
    pub fn rule_limits(&self) -> RuleLimits {
        RuleLimits {
            max_rules: usize::try_from(self.response_max_rules).unwrap_or(usize::MAX),
            max_delay_ms: self.response_max_delay_ms,
        }
    }

    /// Builds the config from a var lookup; unset or empty vars take
    /// defaults. `parse` reads `PUBLIC_URL`.
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>, parse: ParseUrl) -> Result<Config, ApiError> {
        let get = |name: &str| get(name).map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
        let d = Config::default();
        let num = |name: &str, default: u64, min: u64, max: u64| number(name, get(name), default, min, max);
        // Shard counts: 1 to 256 objects.
        let small = |name: &str, default: u32| num(name, u64::from(default), 1, 256).map(|n| n as u32);
        let cfg = Config {
            public_url: get("PUBLIC_URL").map(|u| public_url(&u, parse)).transpose()?,
            max_body_bytes: num("MAX_BODY_BYTES", d.max_body_bytes, 0, BODY_CEILING_BYTES)?,
            bin_ttl_s: num("BIN_TTL_SECONDS", d.bin_ttl_s, 1, 365 * 86_400)?,
            max_captures: num("MAX_CAPTURES_PER_BIN", d.max_captures, 1, 10_000_000)?,
            max_stored_bytes: num("MAX_STORED_BYTES_PER_BIN", d.max_stored_bytes, 1, 9_000_000_000)?,
            sse_keepalive_s: num("SSE_KEEPALIVE_SECONDS", d.sse_keepalive_s, 1, 3600)?,
            sse_queue_bytes: num("SSE_QUEUE_BYTES", d.sse_queue_bytes, 1, 64 * 1024 * 1024)?,
            sse_max_subscribers: num("SSE_MAX_SUBSCRIBERS", d.sse_max_subscribers, 1, 100_000)?,
            replay_backoff_base_ms: num("REPLAY_BACKOFF_BASE_MS", d.replay_backoff_base_ms, 1, 600_000)?,
            replay_timeout_ms: num("REPLAY_TIMEOUT_MS", d.replay_timeout_ms, 1, 120_000)?,
            replay_retry_after_cap_s: num("REPLAY_RETRY_AFTER_CAP_SECONDS", d.replay_retry_after_cap_s, 0, 86_400)?,
            ingest_rate_per_s: num("RATE_LIMIT_PER_SECOND", d.ingest_rate_per_s, 1, 1_000_000)?,
            ingest_burst: num("RATE_LIMIT_BURST", d.ingest_burst, 1, 1_000_000)?,
            create_rate_per_min: num("CREATE_LIMIT_PER_MINUTE", d.create_rate_per_min, 1, 1_000_000)?,
            create_burst: num("CREATE_LIMIT_BURST", d.create_burst, 1, 1_000_000)?,
            create_global_per_min: num("CREATE_GLOBAL_PER_MINUTE", d.create_global_per_min, 1, 100_000_000)?,
            replay_rate_per_min: num("REPLAY_LIMIT_PER_MINUTE", d.replay_rate_per_min, 1, 1_000_000)?,
            replay_burst: num("REPLAY_LIMIT_BURST", d.replay_burst, 1, 1_000_000)?,
            replay_max_pending: num("REPLAY_MAX_PENDING", d.replay_max_pending, 1, 100_000)?,
            replay_max_rounds: num("REPLAY_MAX_RETRY_ROUNDS", d.replay_max_rounds, 0, 1000)?,
            replay_max_concurrent: num("REPLAY_MAX_CONCURRENT", d.replay_max_concurrent, 1, 100)?,
            sse_stall_s: num("SSE_STALL_SECONDS", d.sse_stall_s, 1, 3600)?,
            sse_max_per_client: num("SSE_MAX_PER_CLIENT", d.sse_max_per_client, 1, 100_000)?,
            stream_ticket_s: num("STREAM_TICKET_SECONDS", d.stream_ticket_s, 1, 3600)?,
            log_requests: get("LOG_REQUESTS").map_or(Ok(d.log_requests), |v| logging(&v))?,
            response_max_rules: num("RESPONSE_MAX_RULES", d.response_max_rules, 0, 1000)?,
            response_max_delay_ms: num("RESPONSE_MAX_DELAY_MS", d.response_max_delay_ms, 0, 60_000)?,
            response_max_delayed: num("RESPONSE_MAX_DELAYED", d.response_max_delayed, 0, 10_000)?,
            verify_max_verifiers: num("VERIFY_MAX_VERIFIERS", d.verify_max_verifiers, 0, 20)?,
            search_scan_rows: num("SEARCH_SCAN_ROWS", d.search_scan_rows, 1, 100_000)?,
            search_scan_bytes: num("SEARCH_SCAN_BYTES", d.search_scan_bytes, 1, 1_000_000_000)?,
            search_rate_per_min: num("SEARCH_LIMIT_PER_MINUTE", d.search_rate_per_min, 1, 1_000_000)?,
            search_burst: num("SEARCH_LIMIT_BURST", d.search_burst, 1, 1_000_000)?,
            export_max_concurrent: num("EXPORT_MAX_CONCURRENT", d.export_max_concurrent, 1, 1000)?,
            export_max_per_client: num("EXPORT_MAX_PER_CLIENT", d.export_max_per_client, 1, 1000)?,
            export_max_live: num("EXPORT_MAX_LIVE", d.export_max_live, 1, 1000)?,
            sse_catchup_bytes: num("SSE_CATCHUP_BYTES", d.sse_catchup_bytes, 1, 1_000_000_000)?,
            create_prefix_per_min: num("CREATE_PREFIX_PER_MINUTE", d.create_prefix_per_min, 1, 1_000_000)?,
            create_prefix_burst: num("CREATE_PREFIX_BURST", d.create_prefix_burst, 1, 1_000_000)?,
            ws_window_bytes: num("WS_WINDOW_BYTES", d.ws_window_bytes, 1, 64 * 1024 * 1024)?,
            ws_auth_s: num("WS_AUTH_SECONDS", d.ws_auth_s, 1, 600)?,
            ws_messages_per_s: num("WS_MESSAGES_PER_SECOND", d.ws_messages_per_s, 1, 1000)?,
            ws_max_waiting: num("WS_MAX_WAITING", d.ws_max_waiting, 1, 30_000)?,
            metrics_shards: small("METRICS_SHARDS", d.metrics_shards)?,
            create_shards: small("CREATE_GLOBAL_SHARDS", d.create_shards)?,
            wait_max_s: num("WAIT_MAX_SECONDS", d.wait_max_s, 0, 300)?,
            wait_max_per_bin: num("WAIT_MAX_PER_BIN", d.wait_max_per_bin, 1, 10_000)?,
            wait_max_per_client: num("WAIT_MAX_PER_CLIENT", d.wait_max_per_client, 1, 10_000)?,
            metrics_cache_ms: num("METRICS_CACHE_MS", d.metrics_cache_ms, 0, 60_000)?,
            metrics_flush_ms: num("METRICS_FLUSH_MS", d.metrics_flush_ms, 10, 60_000)?,
            reply_timeout_ms: num("REPLY_TIMEOUT_MS", d.reply_timeout_ms, 1, 10_000)?,
            reply_max_waiting: num("REPLY_MAX_WAITING", d.reply_max_waiting, 1, 1000)?,
            // A socket message holds at most 1 MiB, and the body travels in base64.
            reply_max_body_bytes: num("REPLY_MAX_BODY_BYTES", d.reply_max_body_bytes, 0, 512 * 1024)?,
            sequence_max_steps: num("SEQUENCE_MAX_STEPS", d.sequence_max_steps, 1, 10_000)?,
            sequence_max_per_bin: num("SEQUENCE_MAX_PER_BIN", d.sequence_max_per_bin, 1, 1000)?,
            sequence_max_duration_s: num("SEQUENCE_MAX_DURATION_SECONDS", d.sequence_max_duration_s, 1, 365 * 86_400)?,
        };
        if cfg.max_stored_bytes < cfg.max_body_bytes {
            return Err(misconfigured("MAX_STORED_BYTES_PER_BIN must be at least MAX_BODY_BYTES"));
        }
        let one = reservation_bytes(cfg.sse_queue_bytes, cfg.max_body_bytes);
        if cfg.sse_catchup_bytes < one {
            return Err(misconfigured(format!(
                "SSE_CATCHUP_BYTES must hold one catch-up: at least {one} (twice SSE_QUEUE_BYTES and one largest event)"
            )));
        }
        Ok(cfg)
    }
}

#[cfg(test)]
#[path = "config_tests.rs"]
mod tests;
