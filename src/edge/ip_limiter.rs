//! A small Durable Object per client IP that limits bin creation, so nobody
//! escapes the per-bin ingest limit by minting bins. Its one bucket lives in
//! memory: an evicted or restarted object simply starts full again.

use super::settings;
use crate::core::bucket::{Bucket, Rate};
use std::cell::RefCell;
use worker::{durable_object, Date, DurableObject, Env, Request, Response, State};

/// Binding name of the limiter namespace in wrangler.toml.
pub const LIMITERS: &str = "LIMITERS";

/// The bin-creation bucket of one client IP.
#[durable_object]
pub struct IpLimiter {
    rate: Rate,
    bucket: RefCell<Option<Bucket>>,
}

impl DurableObject for IpLimiter {
    fn new(_state: State, env: Env) -> Self {
        let rate = settings::config(&env).unwrap_or_default().create_rate();
        IpLimiter { rate, bucket: RefCell::new(None) }
    }

    /// Takes one token and answers the `Decision` as JSON.
    async fn fetch(&self, _req: Request) -> worker::Result<Response> {
        let now = Date::now().as_millis() as i64;
        let mut bucket = self.bucket.borrow_mut();
        let decision = bucket.get_or_insert_with(|| Bucket::full(self.rate, now)).take(self.rate, now);
        Response::from_json(&decision)
    }
}
