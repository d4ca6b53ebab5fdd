//! Sequences: recorded captures replayed in order into one target, with
//! their original gaps scaled by `speed` (or at a fixed interval), driven
//! by the bin's one alarm. Each step is a replay, with the replay engine's
//! retries and dead-letter; steps never overlap.

pub mod model;
pub mod order;
pub mod plan;
pub mod view;
