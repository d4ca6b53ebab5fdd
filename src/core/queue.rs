//! A subscriber's outgoing queue, bounded in bytes rather than in events,
//! since one event can be a 1 MiB body or a 60-byte ping.
//!
//! The publisher never waits: [`Outbox::offer`] either queues a frame or
//! reports that the subscriber is too far behind (or gone). A cut queue ends
//! its stream at once, dropping what was queued, so the client's last event
//! id marks exactly where it must resume.

use crate::core::sse::Frame;
use futures::channel::mpsc::{unbounded, UnboundedReceiver, UnboundedSender};
use futures::Stream;
use std::cell::Cell;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

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

#[derive(Default)]
struct Shared {
    queued_bytes: Cell<usize>,
    cut: Cell<bool>,
}

/// The publisher's end.
pub struct Outbox {
    tx: UnboundedSender<Frame>,
    shared: Rc<Shared>,
    max_bytes: usize,
}

/// The subscriber's end: a stream of frames.
pub struct Inbox {
    rx: UnboundedReceiver<Frame>,
    shared: Rc<Shared>,
}

/// A queue holding at most `max_bytes` of frames; a single frame larger than
/// that is still accepted into an empty queue, so any event can be delivered.
pub fn bounded(max_bytes: usize) -> (Outbox, Inbox) {
    let (tx, rx) = unbounded();
    let shared = Rc::new(Shared::default());
    (Outbox { tx, shared: Rc::clone(&shared), max_bytes }, Inbox { rx, shared })
}

impl Outbox {
    /// Queues `frame` unless the subscriber is over budget or gone.
    pub fn offer(&self, frame: &Frame) -> Offer {
        let queued = self.shared.queued_bytes.get();
        if self.tx.is_closed() {
            Offer::Gone
        } else if queued > 0 && queued + frame.len() > self.max_bytes {
            Offer::Full
        } else {
            self.force(frame)
        }
    }

    /// Queues `frame` regardless of the budget (for a stream's final event).
    pub fn force(&self, frame: &Frame) -> Offer {
        match self.tx.unbounded_send(Rc::clone(frame)) {
            Ok(()) => {
                self.shared.queued_bytes.set(self.shared.queued_bytes.get() + frame.len());
                Offer::Queued
            }
            Err(_) => Offer::Gone,
        }
    }

    /// Ends the subscriber's stream now, discarding whatever is queued.
    pub fn cut(&self) {
        self.shared.cut.set(true);
        self.tx.close_channel();
    }

    /// Bytes currently waiting for the subscriber.
    pub fn queued_bytes(&self) -> usize {
        self.shared.queued_bytes.get()
    }
}

impl Stream for Inbox {
    type Item = Frame;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Frame>> {
        if self.shared.cut.get() {
            return Poll::Ready(None);
        }
        let polled = Pin::new(&mut self.rx).poll_next(cx);
        if let Poll::Ready(Some(frame)) = &polled {
            let left = self.shared.queued_bytes.get().saturating_sub(frame.len());
            self.shared.queued_bytes.set(left);
        }
        polled
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures::executor::block_on;
    use futures::StreamExt;

    fn frame(n: usize) -> Frame {
        Rc::from("x".repeat(n))
    }

    #[test]
    fn queues_within_budget_and_drains_in_order() {
        let (out, mut inbox) = bounded(10);
        assert_eq!(out.offer(&frame(4)), Offer::Queued);
        assert_eq!(out.offer(&Rc::from("abcdef")), Offer::Queued);
        assert_eq!(out.queued_bytes(), 10);
        assert_eq!(out.offer(&frame(1)), Offer::Full);
        assert_eq!(block_on(inbox.next()).unwrap().len(), 4);
        assert_eq!(&*block_on(inbox.next()).unwrap(), "abcdef");
        assert_eq!(out.queued_bytes(), 0);
        assert_eq!(out.offer(&frame(1)), Offer::Queued);
    }

    #[test]
    fn an_oversized_frame_fits_an_empty_queue() {
        let (out, _inbox) = bounded(10);
        assert_eq!(out.offer(&frame(50)), Offer::Queued);
        assert_eq!(out.offer(&frame(1)), Offer::Full);
        assert_eq!(out.force(&frame(1)), Offer::Queued);
    }

    #[test]
    fn a_dropped_inbox_is_gone() {
        let (out, inbox) = bounded(10);
        drop(inbox);
        assert_eq!(out.offer(&frame(1)), Offer::Gone);
    }

    #[test]
    fn cut_ends_the_stream_at_once() {
        let (out, mut inbox) = bounded(100);
        out.offer(&frame(3));
        out.cut();
        assert!(block_on(inbox.next()).is_none());
    }

    #[test]
    fn dropping_the_outbox_ends_the_stream_after_draining() {
        let (out, inbox) = bounded(100);
        out.offer(&frame(1));
        out.offer(&frame(2));
        drop(out);
        let got: Vec<Frame> = block_on(inbox.collect());
        assert_eq!(got.len(), 2);
    }
}
