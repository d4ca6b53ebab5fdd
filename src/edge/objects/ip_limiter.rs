//! Small Durable Objects that hold budgets outside any one bin: one per
//! client (an IPv4 address or an IPv6 /64) for its replays, one per network
//! (an IPv4 /24 or IPv6 /48) for the creations of its clients and of the
//! network together, and the `global` shards for the service-wide creation
//! ceiling. Buckets live in memory: an evicted or restarted object simply
//! starts full again.

use crate::core::config::Config;
use crate::core::http::{query, target};
use crate::core::limits::bucket::{Bucket, Decision};
use crate::core::limits::budget::Budget;
use crate::core::limits::creation::CreationDesk;
use crate::core::metrics::delta::{CREATE_GLOBAL_CHECKS, RATE_LIMITED};
use crate::edge::io::clock::now_signed_ms;
use crate::edge::io::metrics_sink::Sink;
use crate::edge::io::settings;
use std::cell::RefCell;
use std::collections::HashMap;
use worker::{durable_object, DurableObject, Env, Request, Response, State};

/// Binding name of the limiter namespace in wrangler.toml.
pub const LIMITERS: &str = "LIMITERS";

/// Query parameter naming the client a creation is taken for.
pub const CLIENT_PARAM: &str = "client";

/// The budgets of one client, one network, or everyone (`global`).
// Only `fetch`: no alarm or sockets, so no exports (and code) for them.
#[durable_object(fetch)]
pub struct IpLimiter {
    config: Config,
    buckets: RefCell<HashMap<Budget, Bucket>>,
    creations: RefCell<CreationDesk>,
    /// Counts refusals, so abuse shows in `/metrics` without a round trip per refusal.
    metrics: Sink,
}

impl DurableObject for IpLimiter {
    fn new(state: State, env: Env) -> Self {
        let config = settings::cached(&env).unwrap_or_default();
        let metrics = Sink::new(&env, state.id().to_string(), config.metrics_shards, config.metrics_flush_ms);
        let creations = RefCell::new(CreationDesk::new(config.create_rate()));
        IpLimiter { config, buckets: RefCell::default(), creations, metrics }
    }

    /// Takes one token of the budget the path names (a creation: one from
    /// the client's bucket and one from the network's) and answers the
    /// `Decision` as JSON.
    async fn fetch(&self, req: Request) -> worker::Result<Response> {
        // Split off the raw URL, not `Request::url`: that links a whole URL parser for one parameter.
        let raw_url = req.inner().url();
        let target = target::split(&raw_url);
        let Some(budget) = Budget::from_path(target.path) else {
            return Response::error("no such budget", 404);
        };
        let now = now_signed_ms();
        let decision = match budget {
            Budget::Create | Budget::CreatePrefix => {
                self.take_creation(query::param(target.query, CLIENT_PARAM).as_deref(), budget, now)
            }
            Budget::Replay | Budget::CreateGlobal => self.take(budget, now),
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

impl IpLimiter {
    fn take(&self, budget: Budget, now_ms: i64) -> Decision {
        let rate = budget.rate(&self.config);
        let mut buckets = self.buckets.borrow_mut();
        buckets.entry(budget).or_insert_with(|| Bucket::full(rate, now_ms)).take(rate, now_ms)
    }

    /// A creation for `client`: with [`Budget::CreatePrefix`] this object is
    /// the client's network's, and the network's bucket applies too.
    /// No `client`: a worker from before the creation desk (during a deploy).
    fn take_creation(&self, client: Option<&str>, budget: Budget, now_ms: i64) -> Decision {
        let network = (budget == Budget::CreatePrefix).then(|| budget.rate(&self.config));
        self.creations.borrow_mut().take(client, network, now_ms)
    }
}
