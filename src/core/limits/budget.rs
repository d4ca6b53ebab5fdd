//! The budgets a client draws on outside any one bin, each a token bucket
//! kept by a limiter object: per client for bin creation and for replays,
//! per network (an IPv4 /24 or IPv6 /48) for bin creation, so a crowd of
//! neighbours cannot drain the last one, shared by everyone, that caps bin
//! creation service-wide.

use crate::core::config::Config;
use crate::core::limits::bucket::Rate;

/// Name of the limiter object that holds the service-wide budget. Client
/// keys are addresses or `raw:`-prefixed, so none can take this name.
pub const GLOBAL: &str = "global";

/// One kind of budget.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Budget {
    /// Bins a client creates.
    Create,
    /// Replays a client starts or retries.
    Replay,
    /// Bins everyone together creates (held by the [`GLOBAL`] limiter).
    CreateGlobal,
    /// Bins the clients of one network create (held by its prefix's limiter).
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
    fn rates_come_from_the_config() {
        let c = Config::default();
        assert_eq!(Budget::Replay.rate(&c), Rate { per_s: 1.0, burst: 10.0 });
        assert_eq!(Budget::CreateGlobal.rate(&c).burst, 600.0);
        assert_eq!(Budget::CreatePrefix.rate(&c), Rate { per_s: 0.1, burst: 6.0 });
    }
}
