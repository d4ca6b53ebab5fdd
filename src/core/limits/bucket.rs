//! Token buckets: `rate_per_s` tokens flow in per second up to `burst`;
//! each request takes one. Time is passed in, so the math is testable.

use crate::core::http::error::{ApiError, ErrorKind};
use std::collections::HashMap;

/// A bucket's refill rate and capacity.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rate {
    /// Tokens added per second.
    pub per_s: f64,
    /// Capacity, and the size of a burst from idle.
    pub burst: f64,
}

/// One client's bucket. The default, empty at epoch 0, is full by its
/// first take; it serializes, so a socket's attachment can carry one.
#[derive(Debug, Clone, Copy, PartialEq, Default, serde::Serialize, serde::Deserialize)]
pub struct Bucket {
    tokens: f64,
    updated_ms: i64,
}

/// The answer to one request, with what the rate-limit headers report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Decision {
    /// Whether the request may proceed.
    pub allowed: bool,
    /// `X-RateLimit-Limit`: the burst size.
    pub limit: u64,
    /// `X-RateLimit-Remaining`: whole tokens left.
    pub remaining: u64,
    /// `X-RateLimit-Reset`: epoch seconds at which the bucket is full again.
    pub reset_epoch_s: u64,
    /// `Retry-After` when refused: seconds until one token is back (at least 1).
    pub retry_after_s: u64,
}

impl Decision {
    /// The `X-RateLimit-*` headers (and `Retry-After` when refused).
    pub fn headers(&self) -> Vec<(&'static str, String)> {
        let mut h = vec![
            ("x-ratelimit-limit", self.limit.to_string()),
            ("x-ratelimit-remaining", self.remaining.to_string()),
            ("x-ratelimit-reset", self.reset_epoch_s.to_string()),
        ];
        if !self.allowed {
            h.push(("retry-after", self.retry_after_s.to_string()));
        }
        h
    }

    /// `Ok` if allowed, else the 429 to answer with, headers included.
    pub fn check(&self) -> Result<(), ApiError> {
        if self.allowed {
            return Ok(());
        }
        let err = ApiError::new(ErrorKind::RateLimited, "too many requests")
            .with_details(format!("slow down; try again in {} s", self.retry_after_s));
        Err(self.headers().into_iter().fold(err, |e, (n, v)| e.with_header(n, v)))
    }
}

impl Bucket {
    /// A full bucket at `now_ms`.
    pub fn full(rate: Rate, now_ms: i64) -> Self {
        Bucket { tokens: rate.burst, updated_ms: now_ms }
    }

    /// Refills for the time since the last call (never for time running
    /// backwards), then takes a token if one is there.
    pub fn take(&mut self, rate: Rate, now_ms: i64) -> Decision {
        self.tokens = self.refilled(rate, now_ms);
        self.updated_ms = self.updated_ms.max(now_ms);
        let allowed = self.tokens >= 1.0;
        if allowed {
            self.tokens -= 1.0;
        }
        let to_full_s = (rate.burst - self.tokens) / rate.per_s;
        let to_one_s = ((1.0 - self.tokens) / rate.per_s).max(0.0);
        Decision {
            allowed,
            limit: rate.burst as u64,
            remaining: self.tokens.floor() as u64,
            reset_epoch_s: ((self.updated_ms as f64 / 1000.0) + to_full_s).ceil() as u64,
            retry_after_s: (to_one_s.ceil() as u64).max(1),
        }
    }

    /// Whether a [`take`](Self::take) at `now_ms` would be allowed; takes nothing.
    pub fn has_token(&self, rate: Rate, now_ms: i64) -> bool {
        self.refilled(rate, now_ms) >= 1.0
    }

    /// The tokens at `now_ms`: refilled for the time since the last update
    /// (none for time running backwards), up to the burst.
    fn refilled(&self, rate: Rate, now_ms: i64) -> f64 {
        let elapsed_s = (now_ms - self.updated_ms).max(0) as f64 / 1000.0;
        (self.tokens + elapsed_s * rate.per_s).min(rate.burst)
    }

    /// The bucket whose JSON is the widest any can be: for bounding the
    /// size of state that holds one.
    pub fn widest() -> Self {
        Bucket { tokens: -f64::MIN_POSITIVE, updated_ms: i64::MIN }
    }

    /// True once the bucket has refilled completely, so forgetting it
    /// changes nothing.
    pub fn idle(&self, rate: Rate, now_ms: i64) -> bool {
        self.refilled(rate, now_ms) >= rate.burst
    }
}

/// Buckets keyed by client, bounded in memory: idle buckets are forgotten
/// once more than `max_clients` are tracked.
#[derive(Debug, Clone)]
pub struct Limiter {
    rate: Rate,
    max_clients: usize,
    buckets: HashMap<String, Bucket>,
}

impl Limiter {
    /// A limiter for `rate`, tracking about `max_clients` at most.
    pub fn new(rate: Rate, max_clients: usize) -> Self {
        Limiter { rate, max_clients, buckets: HashMap::new() }
    }

    /// Takes a token for `client` at `now_ms`.
    pub fn take(&mut self, client: &str, now_ms: i64) -> Decision {
        if self.buckets.len() >= self.max_clients && !self.buckets.contains_key(client) {
            self.evict(now_ms);
        }
        let rate = self.rate;
        self.buckets.entry(client.to_string()).or_insert_with(|| Bucket::full(rate, now_ms)).take(rate, now_ms)
    }

    /// Whether a [`take`](Self::take) for `client` at `now_ms` would be
    /// allowed; takes nothing and tracks no new client.
    pub fn has_token(&self, client: &str, now_ms: i64) -> bool {
        self.buckets.get(client).map_or(self.rate.burst >= 1.0, |b| b.has_token(self.rate, now_ms))
    }

    /// Forgets idle buckets; if all are busy, forgets the stalest half.
    fn evict(&mut self, now_ms: i64) {
        let rate = self.rate;
        self.buckets.retain(|_, b| !b.idle(rate, now_ms));
        if self.buckets.len() >= self.max_clients {
            let mut ages: Vec<i64> = self.buckets.values().map(|b| b.updated_ms).collect();
            ages.sort_unstable();
            let cut = ages.get(ages.len() / 2).copied().unwrap_or(i64::MAX);
            self.buckets.retain(|_, b| b.updated_ms > cut);
        }
    }

    /// Buckets currently tracked.
    pub fn tracked(&self) -> usize {
        self.buckets.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RATE: Rate = Rate { per_s: 10.0, burst: 30.0 };

    #[test]
    fn a_default_bucket_is_full_by_its_first_take_and_round_trips() {
        let mut b = Bucket::default();
        let now = 1_700_000_000_000;
        assert!((0..30).all(|_| b.take(RATE, now).allowed));
        assert!(!b.take(RATE, now).allowed, "the burst is spent");
        let back: Bucket = serde_json::from_str(&serde_json::to_string(&b).unwrap()).unwrap();
        assert_eq!(back, b);
        assert!(serde_json::to_string(&Bucket::widest()).unwrap().len() >= serde_json::to_string(&b).unwrap().len());
    }

    #[test]
    fn burst_then_refusal_with_headers() {
        let mut b = Bucket::full(RATE, 0);
        for i in 0..30 {
            let d = b.take(RATE, 0);
            assert!(d.allowed, "request {i}");
            assert_eq!(d.remaining, 29 - i);
        }
        let d = b.take(RATE, 0);
        assert!(!d.allowed);
        assert_eq!((d.limit, d.remaining, d.retry_after_s, d.reset_epoch_s), (30, 0, 1, 3));
    }

    #[test]
    fn refusal_is_a_429_with_retry_after() {
        let rate = Rate { per_s: 1.0, burst: 1.0 };
        let mut b = Bucket::full(rate, 0);
        assert!(b.take(rate, 0).check().is_ok());
        let err = b.take(rate, 0).check().unwrap_err();
        assert_eq!(err.status(), 429);
        let reply = crate::core::http::reply::Reply::error(&err);
        assert_eq!(reply.header_value("retry-after"), Some("1"));
        assert_eq!(reply.header_value("x-ratelimit-remaining"), Some("0"));
    }

    #[test]
    fn refills_fractionally() {
        let mut b = Bucket::full(Rate { per_s: 2.0, burst: 1.0 }, 0);
        let rate = Rate { per_s: 2.0, burst: 1.0 };
        assert!(b.take(rate, 0).allowed);
        assert!(!b.take(rate, 250).allowed, "half a token is not a token");
        assert!(b.take(rate, 500).allowed, "two quarter-seconds make one token");
    }

    #[test]
    fn clock_going_backwards_refills_nothing() {
        let rate = Rate { per_s: 1.0, burst: 1.0 };
        let mut b = Bucket::full(rate, 10_000);
        assert!(b.take(rate, 10_000).allowed);
        assert!(!b.take(rate, 5_000).allowed);
        assert!(!b.take(rate, 10_500).allowed, "the lost time is not credited");
        assert!(b.take(rate, 11_000).allowed);
    }

    #[test]
    fn clients_are_independent() {
        let mut l = Limiter::new(Rate { per_s: 1.0, burst: 1.0 }, 100);
        assert!(l.take("a", 0).allowed);
        assert!(!l.take("a", 0).allowed);
        assert!(l.take("b", 0).allowed);
    }

    #[test]
    fn memory_stays_bounded() {
        let mut l = Limiter::new(Rate { per_s: 1.0, burst: 5.0 }, 100);
        for i in 0..10_000 {
            l.take(&format!("10.0.{}.{}", i / 256, i % 256), i64::from(i));
            assert!(l.tracked() <= 100);
        }
    }

    #[test]
    fn idle_buckets_are_forgotten_first() {
        let rate = Rate { per_s: 1.0, burst: 1.0 };
        let mut l = Limiter::new(rate, 2);
        l.take("old", 0);
        l.take("busy", 5_000);
        l.take("new", 5_000);
        assert!(!l.take("busy", 5_000).allowed, "the busy bucket was kept");
    }
}
