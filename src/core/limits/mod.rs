//! Rate limits: token buckets per client, refilled by the time passed in,
//! and the key that says who a client is.

pub mod bucket;
pub mod budget;
pub mod client;
pub mod creation;
pub mod rates;
pub mod slots;
