//! A subscriber's end of a stream, as the hub sees it. The hub never waits
//! on one: offering a frame either queues it at once or reports that the
//! subscriber is too far behind (or gone).

use crate::core::stream::sse::Frame;

/// What became of an offered frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Offer {
    /// Queued for the subscriber.
    Queued,
    /// Not queued: the subscriber already holds its whole byte budget.
    Full,
    /// Not queued: the subscriber's stream is gone.
    Gone,
}

/// One subscriber's stream.
pub trait Outlet {
    /// Queues `frame` unless the subscriber is over budget or gone. A frame
    /// larger than the whole budget still fits an empty queue, so any event
    /// can be delivered.
    fn offer(&self, frame: &Frame) -> Offer;
    /// Queues `frame` whatever the budget and ends the stream after it.
    fn finish(&self, frame: &Frame);
    /// Ends the stream now, dropping whatever is queued, so the client's
    /// last event id marks exactly where it must resume.
    fn cut(&self);
    /// True once the stream is over: its client left, or it was ended.
    fn is_gone(&self) -> bool;
}

/// The byte-budget rule shared by every outlet: with `queued_bytes`
/// already waiting, may a frame of `frame_bytes` join them?
pub fn fits(queued_bytes: usize, frame_bytes: usize, max_bytes: usize) -> bool {
    queued_bytes == 0 || queued_bytes + frame_bytes <= max_bytes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn budget_rule() {
        assert!(fits(0, 50, 10), "an oversized frame fits an empty queue");
        assert!(fits(4, 6, 10));
        assert!(!fits(4, 7, 10));
    }
}
