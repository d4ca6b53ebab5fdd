//! The Durable Objects: one per bin, one per client IP that limits bin
//! creation, and the one metrics aggregator.

pub mod bin;
pub mod ip_limiter;
pub mod metrics;
