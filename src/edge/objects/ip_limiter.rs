//! A small Durable Object per client (an IPv4 address or an IPv6 /64) that
//! holds its budgets outside any one bin: bin creation and replays. One more,
//! named `global`, holds the service-wide creation budget. Buckets live in
//! memory: an evicted or restarted object simply starts full again.

use crate::core::config::Config;
use crate::core::limits::bucket::Bucket;
use crate::core::limits::budget::Budget;
use crate::core::metrics::delta::{CREATE_GLOBAL_CHECKS, RATE_LIMITED};
use crate::edge::io::metrics_sink::Sink;
use crate::edge::io::settings;
use std::cell::RefCell;
use std::collections::HashMap;
use worker::{durable_object, Date, DurableObject, Env, Request, Response, State};

/// Binding name of the limiter namespace in wrangler.toml.
pub const LIMITERS: &str = "LIMITERS";

/// The budgets of one client (or of everyone, for `global`).
// Only `fetch`: no alarm or sockets, so no exports (and code) for them.
#[durable_object(fetch)]
pub struct IpLimiter {
    config: Config,
    buckets: RefCell<HashMap<Budget, Bucket>>,
    /// Counts refusals, so abuse shows in `/metrics` without a round trip per refusal.
    metrics: Sink,
}

impl DurableObject for IpLimiter {
    fn new(state: State, env: Env) -> Self {
        let config = settings::cached(&env).unwrap_or_default();
        let metrics = Sink::new(&env, state.id().to_string(), config.metrics_shards, config.metrics_flush_ms);
        IpLimiter { config, buckets: RefCell::default(), metrics }
    }

    /// Takes one token of the budget the path names and answers the
    /// `Decision` as JSON.
    async fn fetch(&self, req: Request) -> worker::Result<Response> {
        let Some(budget) = Budget::from_path(req.path().as_str()) else {
            return Response::error("no such budget", 404);
        };
        let (now, rate) = (Date::now().as_millis() as i64, budget.rate(&self.config));
        let decision = {
            let mut buckets = self.buckets.borrow_mut();
            buckets.entry(budget).or_insert_with(|| Bucket::full(rate, now)).take(rate, now)
        };
        if budget == Budget::CreateGlobal {
            // How hard the one shared object is driven: the figure that must stay far below ~1,000/s.
            self.metrics.record(|d| d.inc(CREATE_GLOBAL_CHECKS));
        }
        if decision.check().is_err() {
            self.metrics.record(|d| d.add(RATE_LIMITED, budget.route_label(), 1.0));
        }
        Response::from_json(&decision)
    }
}
