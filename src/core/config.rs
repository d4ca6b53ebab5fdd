//! Deployment configuration, read from the Worker's `[vars]`.
//!
//! Every limit has a default, so an empty `[vars]` runs the service as
//! documented; tests shrink limits by overriding single vars. A value that
//! does not parse or is out of range is a deployment error, reported by
//! name rather than silently replaced.

use crate::core::http::error::{ApiError, ErrorKind};
use crate::core::limits::bucket::Rate;
use url::Url;

/// Hard ceiling for `MAX_BODY_BYTES`: one SQLite BLOB holds at most 2 MB.
pub const BODY_CEILING_BYTES: u64 = 2_000_000;

/// The service's limits and settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// Base URL used in `ingest_url`/`view_url`; `None` means the request's
    /// origin. Parsed once here; replays compare targets against it.
    pub public_url: Option<Url>,
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
}

impl Default for Config {
    fn default() -> Self {
        Config {
            public_url: None,
            max_body_bytes: 1024 * 1024,
            bin_ttl_s: 86_400,
            max_captures: 10_000,
            max_stored_bytes: 100 * 1024 * 1024,
            sse_keepalive_s: 15,
            sse_queue_bytes: 4 * 1024 * 1024,
            sse_max_subscribers: 1000,
            replay_backoff_base_ms: 1000,
            replay_timeout_ms: 10_000,
            replay_retry_after_cap_s: 60,
            ingest_rate_per_s: 10,
            ingest_burst: 30,
            create_rate_per_min: 10,
            create_burst: 10,
        }
    }
}

impl Config {
    /// `PUBLIC_URL` as a base to append paths to (no trailing slash).
    pub fn base_url(&self) -> Option<&str> {
        self.public_url.as_ref().map(|u| u.as_str().trim_end_matches('/'))
    }

    /// The per-IP ingest bucket.
    pub fn ingest_rate(&self) -> Rate {
        Rate { per_s: self.ingest_rate_per_s as f64, burst: self.ingest_burst as f64 }
    }

    /// The per-IP bin-creation bucket.
    pub fn create_rate(&self) -> Rate {
        Rate { per_s: self.create_rate_per_min as f64 / 60.0, burst: self.create_burst as f64 }
    }

    /// Builds the config from a var lookup; unset or empty vars take defaults.
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Config, ApiError> {
        let get = |name: &str| get(name).map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
        let d = Config::default();
        let num = |name: &str, default: u64, min: u64, max: u64| number(name, get(name), default, min, max);
        let cfg = Config {
            public_url: get("PUBLIC_URL").map(|u| public_url(&u)).transpose()?,
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
        };
        if cfg.max_stored_bytes < cfg.max_body_bytes {
            return Err(misconfigured("MAX_STORED_BYTES_PER_BIN must be at least MAX_BODY_BYTES"));
        }
        Ok(cfg)
    }
}

fn misconfigured(details: impl Into<String>) -> ApiError {
    ApiError::new(ErrorKind::Misconfigured, "service misconfigured").with_details(details)
}

fn number(name: &str, raw: Option<String>, default: u64, min: u64, max: u64) -> Result<u64, ApiError> {
    let Some(raw) = raw else { return Ok(default) };
    match raw.parse::<u64>() {
        Ok(v) if (min..=max).contains(&v) => Ok(v),
        _ => Err(misconfigured(format!("{name}={raw:?} must be an integer from {min} to {max}"))),
    }
}

/// Validates `PUBLIC_URL`: an absolute http(s) URL with a host and no
/// query or fragment.
fn public_url(raw: &str) -> Result<Url, ApiError> {
    let bad = || {
        misconfigured(format!("PUBLIC_URL={raw:?} must be an absolute http(s) URL such as https://hooks.example.com"))
    };
    let url = Url::parse(raw).map_err(|_| bad())?;
    let http = matches!(url.scheme(), "http" | "https");
    let host = url.host_str().is_some_and(|h| !h.is_empty());
    if !http || !host || url.query().is_some() || url.fragment().is_some() {
        return Err(bad());
    }
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn parse(pairs: &[(&str, &str)]) -> Result<Config, ApiError> {
        let map: HashMap<String, String> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        Config::from_lookup(|k| map.get(k).cloned())
    }

    #[test]
    fn empty_vars_give_defaults() {
        assert_eq!(parse(&[]).unwrap(), Config::default());
        assert_eq!(parse(&[("PUBLIC_URL", ""), ("MAX_BODY_BYTES", " ")]).unwrap(), Config::default());
    }

    #[test]
    fn overrides_apply() {
        let c = parse(&[
            ("MAX_BODY_BYTES", "10"),
            ("BIN_TTL_SECONDS", "3"),
            ("MAX_CAPTURES_PER_BIN", "5"),
            ("MAX_STORED_BYTES_PER_BIN", "100"),
        ])
        .unwrap();
        assert_eq!((c.max_body_bytes, c.bin_ttl_s, c.max_captures, c.max_stored_bytes), (10, 3, 5, 100));
    }

    #[test]
    fn public_url_is_normalised() {
        let c = parse(&[("PUBLIC_URL", "https://hooks.example.com/")]).unwrap();
        assert_eq!(c.base_url(), Some("https://hooks.example.com"));
        let c = parse(&[("PUBLIC_URL", "https://hooks.example.com/polyhook/")]).unwrap();
        assert_eq!(c.base_url(), Some("https://hooks.example.com/polyhook"));
    }

    #[test]
    fn bad_values_name_the_var() {
        for (k, v) in [
            ("MAX_BODY_BYTES", "lots"),
            ("MAX_BODY_BYTES", "3000000"),
            ("BIN_TTL_SECONDS", "0"),
            ("PUBLIC_URL", "ftp://x"),
            ("PUBLIC_URL", "https://"),
            ("PUBLIC_URL", "https://h.example/?x=1"),
            ("PUBLIC_URL", "hooks.example.com"),
        ] {
            let err = parse(&[(k, v)]).unwrap_err();
            assert_eq!(err.status(), 500);
            assert!(err.details.unwrap().contains(k), "{k}={v}");
        }
    }

    #[test]
    fn store_cap_must_hold_one_body() {
        assert!(parse(&[("MAX_BODY_BYTES", "100"), ("MAX_STORED_BYTES_PER_BIN", "99")]).is_err());
    }

    #[test]
    fn stream_settings() {
        let c = parse(&[("SSE_KEEPALIVE_SECONDS", "1"), ("SSE_QUEUE_BYTES", "2048"), ("SSE_MAX_SUBSCRIBERS", "3")])
            .unwrap();
        assert_eq!((c.sse_keepalive_s, c.sse_queue_bytes, c.sse_max_subscribers), (1, 2048, 3));
        assert!(parse(&[("SSE_KEEPALIVE_SECONDS", "0")]).is_err());
    }

    #[test]
    fn replay_settings() {
        let c = parse(&[
            ("REPLAY_BACKOFF_BASE_MS", "50"),
            ("REPLAY_TIMEOUT_MS", "300"),
            ("REPLAY_RETRY_AFTER_CAP_SECONDS", "2"),
        ])
        .unwrap();
        assert_eq!((c.replay_backoff_base_ms, c.replay_timeout_ms, c.replay_retry_after_cap_s), (50, 300, 2));
        assert!(parse(&[("REPLAY_TIMEOUT_MS", "0")]).is_err());
    }
}
