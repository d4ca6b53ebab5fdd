//! `GET /v1/bins/{id}/wait`: the first capture after a point that matches
//! the list's filters, answered as soon as it is stored, for CI jobs and
//! agents that would otherwise poll. Stored captures are found by one
//! bounded scan; after that a waiter is woken by the capture's own ingest.

pub mod plan;
pub mod waiters;

/// The internal path on which the Worker tells a bin that a waiter's client
/// left (workerd gives a Durable Object no signal of its own for that).
pub const LEAVE_PATH: &str = "/_internal/wait-leave";
/// The header naming a waiter: set by the Worker on the wait it forwards,
/// and on the leave that follows a disconnect. A client's own is replaced.
pub const KEY_HEADER: &str = "x-polyhook-wait-key";
