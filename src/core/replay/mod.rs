//! Replays: a captured request re-sent to a target with retries. The order,
//! the state machine, the backoff policy, the runner that claims, sends and
//! settles attempts, and the alarm time it needs.

pub mod backoff;
pub mod edit;
pub mod headers;
pub mod list;
pub mod model;
pub mod order;
pub mod runner;
pub mod view;
pub mod wake;
