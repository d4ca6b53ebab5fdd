//! Prometheus metrics: the family catalogue and per-source deltas, the
//! exactly-once batches that carry them, and the text exposition.

pub mod batch;
pub mod delta;
pub mod exposition;
pub mod gauges;
pub mod merge;
pub mod shard;
