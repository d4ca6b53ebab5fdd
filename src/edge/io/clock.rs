//! The runtime's clock.

/// Milliseconds since the epoch: `Date.now()` itself, without the `Date`
/// object `worker::Date::now` allocates for every reading.
pub fn now_ms() -> u64 {
    worker::js_sys::Date::now() as u64
}
