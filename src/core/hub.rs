//! A bin's live subscribers and the fan-out of each event to them.
//!
//! Publishing never waits on a subscriber: each one gets the same shared
//! frame through its bounded [`Outbox`]. One that is too far behind is cut
//! off (its stream closes and its client reconnects with `Last-Event-ID`),
//! so nobody is ever fed a stream with holes and ingest never stalls.

use crate::core::namespace::Namespace;
use crate::core::queue::{Offer, Outbox};
use crate::core::sse::Frame;

/// What one publish did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Fanout {
    /// Subscribers the frame was queued for.
    pub delivered: usize,
    /// Subscribers cut off for being too slow.
    pub cut: usize,
    /// Subscribers found disconnected and dropped.
    pub gone: usize,
}

struct Subscriber {
    id: u64,
    namespace: Namespace,
    outbox: Outbox,
}

/// The subscriber set of one bin.
#[derive(Default)]
pub struct Hub {
    next_id: u64,
    subscribers: Vec<Subscriber>,
}

impl Hub {
    /// Adds a subscriber; returns its id for [`Hub::leave`].
    pub fn join(&mut self, namespace: Namespace, outbox: Outbox) -> u64 {
        self.next_id += 1;
        self.subscribers.push(Subscriber { id: self.next_id, namespace, outbox });
        self.next_id
    }

    /// Removes subscriber `id` (its stream ended); false if already gone.
    pub fn leave(&mut self, id: u64) -> bool {
        let before = self.subscribers.len();
        self.subscribers.retain(|s| s.id != id);
        self.subscribers.len() != before
    }

    /// Number of live subscribers.
    pub fn len(&self) -> usize {
        self.subscribers.len()
    }

    /// True when nobody listens, so callers can skip encoding a frame.
    pub fn is_empty(&self) -> bool {
        self.subscribers.is_empty()
    }

    /// Offers `frame`, captured on `path`, to every subscriber whose
    /// namespace contains that path.
    pub fn publish(&mut self, path: &str, frame: &Frame) -> Fanout {
        self.publish_where(frame, |ns| ns.contains(path))
    }

    fn publish_where(&mut self, frame: &Frame, wants: impl Fn(&Namespace) -> bool) -> Fanout {
        let mut fanout = Fanout::default();
        self.subscribers.retain(|s| {
            if !wants(&s.namespace) {
                return true;
            }
            match s.outbox.offer(frame) {
                Offer::Queued => {
                    fanout.delivered += 1;
                    true
                }
                Offer::Full => {
                    s.outbox.cut();
                    fanout.cut += 1;
                    false
                }
                Offer::Gone => {
                    fanout.gone += 1;
                    false
                }
            }
        });
        fanout
    }

    /// Offers `frame` to every subscriber, whatever its namespace.
    pub fn broadcast(&mut self, frame: &Frame) -> Fanout {
        self.publish_where(frame, |_| true)
    }

    /// Sends every subscriber a final frame and ends every stream once it
    /// has drained. Returns how many subscribers there were.
    pub fn close_all(&mut self, frame: &Frame) -> usize {
        let n = self.subscribers.len();
        for s in self.subscribers.drain(..) {
            s.outbox.force(frame);
        }
        n
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::queue::{bounded, Inbox};
    use futures::executor::block_on;
    use futures::StreamExt;
    use std::rc::Rc;

    fn frame(text: &str) -> Frame {
        Rc::from(text)
    }

    fn drain(inbox: Inbox) -> Vec<String> {
        block_on(inbox.map(|f| f.to_string()).collect())
    }

    #[test]
    fn delivers_by_namespace() {
        let mut hub = Hub::default();
        let (all_out, all_in) = bounded(1000);
        let (gh_out, gh_in) = bounded(1000);
        hub.join(Namespace::root(), all_out);
        hub.join(Namespace::new("/github"), gh_out);
        assert_eq!(hub.publish("/github/push", &frame("a")).delivered, 2);
        assert_eq!(hub.publish("/githubx", &frame("b")).delivered, 1);
        assert_eq!(hub.close_all(&frame("end")), 2);
        assert_eq!(drain(all_in), ["a", "b", "end"]);
        assert_eq!(drain(gh_in), ["a", "end"]);
    }

    #[test]
    fn cuts_a_slow_subscriber_and_keeps_the_rest() {
        let mut hub = Hub::default();
        let (slow_out, slow_in) = bounded(2);
        let (fast_out, mut fast_in) = bounded(2);
        hub.join(Namespace::root(), slow_out);
        hub.join(Namespace::root(), fast_out);
        for text in ["1", "2"] {
            assert_eq!(hub.publish("/", &frame(text)).delivered, 2);
            assert_eq!(block_on(fast_in.next()).unwrap().as_ref(), text);
        }
        let fanout = hub.publish("/", &frame("3"));
        assert_eq!(fanout, Fanout { delivered: 1, cut: 1, gone: 0 });
        assert_eq!(hub.len(), 1);
        assert!(drain(slow_in).is_empty(), "a cut stream ends at once");
        assert_eq!(block_on(fast_in.next()).unwrap().as_ref(), "3");
    }

    #[test]
    fn drops_disconnected_subscribers() {
        let mut hub = Hub::default();
        let (out, inbox) = bounded(10);
        hub.join(Namespace::root(), out);
        drop(inbox);
        assert_eq!(hub.publish("/", &frame("x")).gone, 1);
        assert!(hub.is_empty());
    }

    #[test]
    fn leave_is_exact() {
        let mut hub = Hub::default();
        let (a, _ai) = bounded(10);
        let (b, _bi) = bounded(10);
        let id = hub.join(Namespace::root(), a);
        hub.join(Namespace::root(), b);
        assert!(hub.leave(id));
        assert!(!hub.leave(id));
        assert_eq!(hub.len(), 1);
    }
}
