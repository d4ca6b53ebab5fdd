//! The runtime's clock.

/// Milliseconds since the epoch: `Date.now()` itself, without the `Date`
/// object `worker::Date::now` allocates for every reading.
pub fn now_ms() -> u64 {
    worker::js_sys::Date::now() as u64
}

/// [`now_ms`] signed, as the core's decisions take the time.
pub fn now_signed_ms() -> i64 {
    i64::try_from(now_ms()).unwrap_or(i64::MAX)
}
