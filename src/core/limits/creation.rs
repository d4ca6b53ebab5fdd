//! Bin creation's two budgets below the service-wide ceiling, kept in one
//! limiter object: the one named after the client's network (an IPv4 /24
//! or IPv6 /48), which holds the network's shared bucket and a bucket per
//! client in it. One object and one round trip check both, where two
//! objects each took one before, and a creation is charged to both
//! buckets or to neither: a refusal by the network costs the client none
//! of its own budget. A client with no network (no usable address) has
//! an object of its own key and only its own bucket.
//!
//! The network's object already took every creation of its network, so
//! merging the client's bucket into it adds no load to any one object.

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
    /// when allowed, else the bucket that refused.
    pub fn take(&mut self, client: &str, network: Option<Rate>, now_ms: i64) -> Decision {
        if !self.clients.has_token(client, now_ms) {
            return self.clients.take(client, now_ms);
        }
        if let Some(rate) = network {
            let shared = self.network.get_or_insert_with(|| Bucket::full(rate, now_ms));
            let decision = shared.take(rate, now_ms);
            if !decision.allowed {
                return decision;
            }
        }
        self.clients.take(client, now_ms)
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
        assert!(desk.take("a", Some(NETWORK), 0).allowed);
        let second = desk.take("a", Some(NETWORK), 0);
        assert!(second.allowed);
        assert_eq!(
            (second.limit, second.remaining),
            (2, 0),
            "the client's own bucket is what an allowed answer reports"
        );
        let third = desk.take("a", Some(NETWORK), 0);
        assert!(!third.allowed);
        assert_eq!(third.limit, 2, "refused by its own bucket");
        assert!(desk.take("b", Some(NETWORK), 0).allowed, "the network had one more");
        let crowd = desk.take("c", Some(NETWORK), 0);
        assert!(!crowd.allowed);
        assert_eq!(crowd.limit, 3, "refused by the network's bucket");
    }

    #[test]
    fn a_refusal_by_the_network_costs_the_client_nothing() {
        let mut desk = CreationDesk::new(CLIENT);
        let tight = Rate { per_s: 1.0 / 60.0, burst: 1.0 };
        assert!(desk.take("a", Some(tight), 0).allowed);
        for _ in 0..5 {
            assert!(!desk.take("b", Some(tight), 0).allowed);
        }
        assert_eq!(desk.tracked(), 1, "refused clients leave no bucket behind");
        // A minute later the network has one token again, and b's own bucket is still full.
        let later = desk.take("b", Some(tight), 60_000);
        assert!(later.allowed);
        assert_eq!(later.remaining, 1);
    }

    #[test]
    fn a_refusal_by_the_client_costs_the_network_nothing() {
        let mut desk = CreationDesk::new(Rate { per_s: 1.0 / 60.0, burst: 1.0 });
        assert!(desk.take("a", Some(NETWORK), 0).allowed);
        for _ in 0..10 {
            assert!(!desk.take("a", Some(NETWORK), 0).allowed);
        }
        assert!(desk.take("b", Some(NETWORK), 0).allowed);
        assert!(desk.take("c", Some(NETWORK), 0).allowed, "the network spent only what it allowed");
        assert!(!desk.take("d", Some(NETWORK), 0).allowed);
    }

    #[test]
    fn without_a_network_only_the_clients_bucket_applies() {
        let mut desk = CreationDesk::new(CLIENT);
        assert!(desk.take("unknown", None, 0).allowed);
        assert!(desk.take("unknown", None, 0).allowed);
        assert!(!desk.take("unknown", None, 0).allowed);
        assert!(desk.take("unknown", None, 60_000).allowed, "refilled");
    }
}
