//! Bin creation's two budgets below the service-wide ceiling, kept in one
//! limiter object: the one named after the client's network (an IPv4 /24
//! or IPv6 /48), which holds the network's shared bucket and a bucket per
//! client in it. One object and one round trip check both, where two
//! objects each took one before, and a creation is charged to both
//! buckets or to neither: a refusal by the network costs the client none
//! of its own budget. A client with no network (no usable address) has
//! an object of its own key and only its own bucket.
//!
//! The trade: a client's refused attempts now reach its network's object,
//! where before they stopped at its own. One flooding client thus loads
//! the object its neighbours' creates go through. Its neighbours lose
//! little they had: one client's burst already drains the network's small
//! shared budget (6 a minute by default), in this design as in the old.

use crate::core::limits::bucket::{Bucket, Decision, Limiter, Rate};

/// Clients tracked per network object before idle ones are forgotten. A
/// client's bucket is only kept once the network has let it create, so
/// the network's own rate bounds how fast the map can grow.
pub const CLIENTS_PER_NETWORK_MAX: usize = 4096;

/// The creation budgets one limiter object holds.
#[derive(Debug, Clone)]
pub struct CreationDesk {
    clients: Limiter,
    network: Option<Bucket>,
}

impl CreationDesk {
    /// A desk whose clients each draw on `client_rate`.
    pub fn new(client_rate: Rate) -> Self {
        CreationDesk { clients: Limiter::new(client_rate, CLIENTS_PER_NETWORK_MAX), network: None }
    }

    /// Takes one creation for `client` at `now_ms`, from its own bucket and,
    /// with `network` (the network's rate), from the network's. Allowed
    /// only when both have a token; the answer is the client's own bucket
    /// when allowed, else the bucket that refused. With no `client` (a
    /// worker from before this desk, during a deploy, which charged the
    /// client's own object itself) only the network's bucket is taken.
    pub fn take(&mut self, client: Option<&str>, network: Option<Rate>, now_ms: i64) -> Decision {
        if let Some(client) = client.filter(|c| !self.clients.has_token(c, now_ms)) {
            return self.clients.take(client, now_ms);
        }
        let shared = network.map(|rate| {
            let bucket = self.network.get_or_insert_with(|| Bucket::full(rate, now_ms));
            bucket.take(rate, now_ms)
        });
        match (client, shared) {
            (_, Some(refused)) if !refused.allowed => refused,
            (Some(client), _) => self.clients.take(client, now_ms),
            (None, Some(network)) => network,
            // Neither bucket named: the caller's key is this object's own.
            (None, None) => self.clients.take("", now_ms),
        }
    }

    /// Clients whose buckets are tracked.
    pub fn tracked(&self) -> usize {
        self.clients.tracked()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CLIENT: Rate = Rate { per_s: 1.0 / 60.0, burst: 2.0 };
    const NETWORK: Rate = Rate { per_s: 1.0 / 60.0, burst: 3.0 };

    #[test]
    fn each_client_has_its_own_burst_within_the_networks() {
        let mut desk = CreationDesk::new(CLIENT);
        assert!(desk.take(Some("a"), Some(NETWORK), 0).allowed);
        let second = desk.take(Some("a"), Some(NETWORK), 0);
        assert!(second.allowed);
        assert_eq!(
            (second.limit, second.remaining),
            (2, 0),
            "the client's own bucket is what an allowed answer reports"
        );
        let third = desk.take(Some("a"), Some(NETWORK), 0);
        assert!(!third.allowed);
        assert_eq!(third.limit, 2, "refused by its own bucket");
        assert!(desk.take(Some("b"), Some(NETWORK), 0).allowed, "the network had one more");
        let crowd = desk.take(Some("c"), Some(NETWORK), 0);
        assert!(!crowd.allowed);
        assert_eq!(crowd.limit, 3, "refused by the network's bucket");
    }

    #[test]
    fn a_refusal_by_the_network_costs_the_client_nothing() {
        let mut desk = CreationDesk::new(CLIENT);
        let tight = Rate { per_s: 1.0 / 60.0, burst: 1.0 };
        assert!(desk.take(Some("a"), Some(tight), 0).allowed);
        for _ in 0..5 {
            assert!(!desk.take(Some("b"), Some(tight), 0).allowed);
        }
        assert_eq!(desk.tracked(), 1, "refused clients leave no bucket behind");
        // A minute later the network has one token again, and b's own bucket is still full.
        let later = desk.take(Some("b"), Some(tight), 60_000);
        assert!(later.allowed);
        assert_eq!(later.remaining, 1);
    }

    #[test]
    fn a_refusal_by_the_client_costs_the_network_nothing() {
        let mut desk = CreationDesk::new(Rate { per_s: 1.0 / 60.0, burst: 1.0 });
        assert!(desk.take(Some("a"), Some(NETWORK), 0).allowed);
        for _ in 0..10 {
            assert!(!desk.take(Some("a"), Some(NETWORK), 0).allowed);
        }
        assert!(desk.take(Some("b"), Some(NETWORK), 0).allowed);
        assert!(desk.take(Some("c"), Some(NETWORK), 0).allowed, "the network spent only what it allowed");
        assert!(!desk.take(Some("d"), Some(NETWORK), 0).allowed);
    }

    #[test]
    fn without_a_network_only_the_clients_bucket_applies() {
        let mut desk = CreationDesk::new(CLIENT);
        assert!(desk.take(Some("unknown"), None, 0).allowed);
        assert!(desk.take(Some("unknown"), None, 0).allowed);
        assert!(!desk.take(Some("unknown"), None, 0).allowed);
        assert!(desk.take(Some("unknown"), None, 60_000).allowed, "refilled");
    }

    #[test]
    fn an_older_worker_without_a_client_is_still_limited() {
        let mut desk = CreationDesk::new(CLIENT);
        let tight = Rate { per_s: 1.0 / 60.0, burst: 1.0 };
        assert!(desk.take(None, Some(tight), 0).allowed, "the network's bucket alone");
        assert!(!desk.take(None, Some(tight), 0).allowed);
        assert_eq!(desk.tracked(), 0);
        assert!(desk.take(None, None, 0).allowed, "the object's own key");
        assert!(desk.take(None, None, 0).allowed);
        assert!(!desk.take(None, None, 0).allowed);
    }
}
