//! Rate limits: token buckets per client, refilled by the time passed in.

pub mod bucket;
