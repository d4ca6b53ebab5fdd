//! A small Durable Object per client IP that limits bin creation, so nobody
//! escapes the per-bin ingest limit by minting bins. Its one bucket lives in
//! memory: an evicted or restarted object simply starts full again.

use crate::core::limits::bucket::{Bucket, Rate};
use crate::core::metrics::delta::RATE_LIMITED;
use crate::edge::io::metrics_sink::Sink;
use crate::edge::io::settings;
use std::cell::RefCell;
use worker::{durable_object, Date, DurableObject, Env, Request, Response, State};

/// Binding name of the limiter namespace in wrangler.toml.
pub const LIMITERS: &str = "LIMITERS";

/// The bin-creation bucket of one client IP.
#[durable_object]
pub struct IpLimiter {
    rate: Rate,
    bucket: RefCell<Option<Bucket>>,
    /// Counts refusals, so abuse shows in `/metrics` without a round trip per refusal.
    metrics: Sink,
}

impl DurableObject for IpLimiter {
    fn new(state: State, env: Env) -> Self {
        let rate = settings::config(&env).unwrap_or_default().create_rate();
        let metrics = Sink::new(&env, state.id().to_string());
        IpLimiter { rate, bucket: RefCell::new(None), metrics }
    }

    /// Takes one token and answers the `Decision` as JSON.
    async fn fetch(&self, _req: Request) -> worker::Result<Response> {
        let now = Date::now().as_millis() as i64;
        let decision = {
            let mut bucket = self.bucket.borrow_mut();
            bucket.get_or_insert_with(|| Bucket::full(self.rate, now)).take(self.rate, now)
        };
        if decision.check().is_err() {
            self.metrics.record(|d| d.add(RATE_LIMITED, "create_bin", 1.0));
        }
        Response::from_json(&decision)
    }
}
