//! The budgets a client draws on outside any one bin, each a token bucket
//! kept by a limiter object: per client for replays; per client and per
//! network (an IPv4 /24 or IPv6 /48) for bin creation, both in the
//! network's object (`creation`), so a crowd of neighbours cannot drain
//! the last one, shared by everyone, that caps bin creation service-wide.

use crate::core::config::Config;
use crate::core::limits::bucket::Rate;

/// Name of the limiter objects that hold the service-wide budget (shard 0
/// keeps the bare name the unsharded service used). Client keys are
/// addresses or `raw:`-prefixed, so none can take these names.
pub const GLOBAL: &str = "global";

/// The creation-ceiling shard that `client` draws on, among `shards`: one
/// client always meets the same shard, and clients spread over all of them,
/// so no one object takes every create of the service.
pub fn global_shard(client: &str, shards: u32) -> String {
    match crate::core::metrics::shard::shard_of(client, shards) {
        0 => GLOBAL.to_string(),
        k => format!("{GLOBAL}-{k}"),
    }
}

/// One kind of budget.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Budget {
    /// Bins a client with no network (no usable address) creates, held by
    /// the limiter of its own key.
    Create,
    /// Replays a client starts or retries.
    Replay,
    /// Bins everyone together creates (held by the [`GLOBAL`] limiter).
    CreateGlobal,
    /// Bins a client creates, and the clients of its network together,
    /// held by the network's limiter: both buckets taken at once.
    CreatePrefix,
}

impl Budget {
    /// Every budget, for parsing.
    pub const ALL: [Budget; 4] = [Budget::Create, Budget::Replay, Budget::CreateGlobal, Budget::CreatePrefix];

    /// The path a limiter object is asked on.
    pub fn path(self) -> &'static str {
        match self {
            Budget::Create => "/take/create",
            Budget::Replay => "/take/replay",
            Budget::CreateGlobal => "/take/create-global",
            Budget::CreatePrefix => "/take/create-prefix",
        }
    }

    /// The budget asked for on `path`, if any.
    pub fn from_path(path: &str) -> Option<Budget> {
        Budget::ALL.into_iter().find(|b| b.path() == path)
    }

    /// Its bucket's rate.
    pub fn rate(self, config: &Config) -> Rate {
        match self {
            Budget::Create => config.create_rate(),
            Budget::Replay => config.replay_rate(),
            Budget::CreateGlobal => config.create_global_rate(),
            Budget::CreatePrefix => config.create_prefix_rate(),
        }
    }

    /// The route label a refusal is counted under in `/metrics`.
    pub fn route_label(self) -> &'static str {
        match self {
            Budget::Create | Budget::CreateGlobal | Budget::CreatePrefix => "create_bin",
            Budget::Replay => "replay",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_round_trip() {
        for b in Budget::ALL {
            assert_eq!(Budget::from_path(b.path()), Some(b));
        }
        assert_eq!(Budget::from_path("/take"), None);
    }

    #[test]
    fn clients_meet_one_creation_shard_each() {
        assert_eq!(global_shard("203.0.113.7", 1), "global");
        let names: std::collections::BTreeSet<String> =
            (0..200).map(|i| global_shard(&format!("198.51.100.{i}"), 8)).collect();
        assert_eq!(names.len(), 8, "spread over every shard: {names:?}");
        assert!(names.contains("global") && names.contains("global-7"));
        assert_eq!(global_shard("203.0.113.7", 8), global_shard("203.0.113.7", 8));
    }

    #[test]
    fn rates_come_from_the_config() {
        let c = Config::default();
        assert_eq!(Budget::Replay.rate(&c), Rate { per_s: 1.0, burst: 10.0 });
        assert_eq!(Budget::CreateGlobal.rate(&c).burst, 75.0, "a shard's eighth of 600 a minute");
        let one = Config { create_shards: 1, ..Config::default() };
        assert_eq!(Budget::CreateGlobal.rate(&one), Rate { per_s: 10.0, burst: 600.0 });
        let tight = Config { create_global_per_min: 3, ..Config::default() };
        assert_eq!(tight.create_global_shards(), 3, "no shard with less than one bin a minute");
        assert_eq!(Budget::CreateGlobal.rate(&tight).burst, 1.0);
        assert_eq!(Budget::CreatePrefix.rate(&c), Rate { per_s: 0.1, burst: 6.0 });
    }
}
