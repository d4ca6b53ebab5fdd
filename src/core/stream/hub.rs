//! A bin's live subscribers and the fan-out of each event to them.
//!
//! Publishing never waits on a subscriber: each one gets the same shared
//! frame through its bounded [`Outlet`]. One that is too far behind is cut
//! off (its stream closes and its client reconnects with `Last-Event-ID`),
//! so nobody is ever fed a stream with holes and ingest never stalls.

use crate::core::capture::model::Capture;
use crate::core::search::filter::Filter;
use crate::core::stream::outlet::{Offer, Outlet};
use crate::core::stream::sse::Frame;

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

struct Subscriber<O> {
    filter: Filter,
    /// Who opened it (a client key), for the per-client cap.
    client: String,
    outlet: O,
}

/// The subscriber set of one bin.
pub struct Hub<O> {
    subscribers: Vec<Subscriber<O>>,
}

impl<O> Default for Hub<O> {
    fn default() -> Self {
        Hub { subscribers: Vec::new() }
    }
}

impl<O: Outlet> Hub<O> {
    /// Adds a subscriber of client `client` that wants captures `filter` accepts.
    pub fn join(&mut self, filter: Filter, client: &str, outlet: O) {
        self.subscribers.push(Subscriber { filter, client: client.to_string(), outlet });
    }

    /// Open streams of client `client`.
    pub fn count_of(&self, client: &str) -> usize {
        self.subscribers.iter().filter(|s| s.client == client).count()
    }

    /// The outlets of client `client`'s streams.
    pub fn outlets_of(&self, client: &str) -> Vec<O>
    where
        O: Clone,
    {
        self.subscribers.iter().filter(|s| s.client == client).map(|s| s.outlet.clone()).collect()
    }

    /// Number of subscribers.
    pub fn len(&self) -> usize {
        self.subscribers.len()
    }

    /// True when nobody listens, so callers can skip encoding a frame.
    pub fn is_empty(&self) -> bool {
        self.subscribers.is_empty()
    }

    /// Offers `frame`, the event of `capture`, to every subscriber whose
    /// filter accepts that capture.
    pub fn publish(&mut self, capture: &Capture, frame: &Frame) -> Fanout {
        // Decoded once for every subscriber, not once each.
        let key = capture.ns_path();
        self.publish_where(frame, |f| f.matches_record_at(capture, &key))
    }

    /// Offers `frame` to every subscriber, whatever its namespace.
    pub fn broadcast(&mut self, frame: &Frame) -> Fanout {
        self.publish_where(frame, |_| true)
    }

    fn publish_where(&mut self, frame: &Frame, wants: impl Fn(&Filter) -> bool) -> Fanout {
        let mut fanout = Fanout::default();
        self.subscribers.retain(|s| {
            if !wants(&s.filter) {
                return true;
            }
            match s.outlet.offer(frame) {
                Offer::Queued => {
                    fanout.delivered += 1;
                    true
                }
                Offer::Full => {
                    s.outlet.cut();
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

    /// Drops the subscribers whose stream is over, at once rather than at
    /// the next publish, so a client that left frees its share of the cap.
    /// Returns how many were dropped.
    pub fn prune(&mut self) -> usize {
        let before = self.subscribers.len();
        self.subscribers.retain(|s| !s.outlet.is_gone());
        before - self.subscribers.len()
    }

    /// Sends every subscriber a final frame, after which each stream ends.
    /// Returns how many subscribers there were.
    pub fn close_all(&mut self, frame: &Frame) -> usize {
        let n = self.subscribers.len();
        for s in self.subscribers.drain(..) {
            s.outlet.finish(frame);
        }
        n
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::capture::namespace::Namespace;
    use crate::core::stream::outlet::fits;
    use std::cell::RefCell;
    use std::rc::Rc;

    /// A recording outlet with a byte budget; `read` plays the client.
    #[derive(Clone, Default)]
    struct Probe(Rc<RefCell<State>>);

    #[derive(Default)]
    struct State {
        queued: Vec<String>,
        max: usize,
        gone: bool,
        cut: bool,
        ended: bool,
    }

    impl Probe {
        fn new(max: usize) -> Probe {
            Probe(Rc::new(RefCell::new(State { max, ..State::default() })))
        }
        fn read(&self) -> Vec<String> {
            std::mem::take(&mut self.0.borrow_mut().queued)
        }
    }

    impl Outlet for Probe {
        fn offer(&self, frame: &Frame) -> Offer {
            let mut s = self.0.borrow_mut();
            let queued: usize = s.queued.iter().map(String::len).sum();
            if s.gone {
                Offer::Gone
            } else if !fits(queued, frame.len(), s.max) {
                Offer::Full
            } else {
                s.queued.push(frame.to_string());
                Offer::Queued
            }
        }
        fn finish(&self, frame: &Frame) {
            let mut s = self.0.borrow_mut();
            s.queued.push(frame.to_string());
            s.ended = true;
        }
        fn cut(&self) {
            self.0.borrow_mut().cut = true;
        }
        fn is_gone(&self) -> bool {
            self.0.borrow().gone
        }
    }

    fn frame(text: &str) -> Frame {
        Rc::from(text)
    }

    fn at(path: &str) -> Capture {
        Capture { path: path.into(), ..Capture::sample(1, 0) }
    }

    fn everything() -> Filter {
        Filter::everything()
    }

    #[test]
    fn delivers_by_namespace() {
        let mut hub = Hub::default();
        let (all, gh) = (Probe::new(1000), Probe::new(1000));
        hub.join(everything(), "a", all.clone());
        hub.join(Filter { namespace: Namespace::new("/github"), ..everything() }, "b", gh.clone());
        assert_eq!((hub.count_of("a"), hub.count_of("b"), hub.count_of("c")), (1, 1, 0));
        assert_eq!(hub.publish(&at("/github/push"), &frame("a")).delivered, 2);
        assert_eq!(hub.publish(&at("/githubx"), &frame("b")).delivered, 1);
        assert_eq!(hub.close_all(&frame("end")), 2);
        assert_eq!(all.read(), ["a", "b", "end"]);
        assert_eq!(gh.read(), ["a", "end"]);
        assert!(all.0.borrow().ended && hub.is_empty());
    }

    #[test]
    fn delivers_by_every_filter_but_q() {
        let mut hub = Hub::default();
        let puts = Probe::new(1000);
        hub.join(Filter::parse("method=put&header=x-kind:a").unwrap(), "a", puts.clone());
        let mut put = at("/");
        put.method = "PUT".into();
        assert_eq!(hub.publish(&put, &frame("no header")).delivered, 0);
        put.headers.insert("x-kind".into(), "a".into());
        assert_eq!(hub.publish(&put, &frame("yes")).delivered, 1);
        assert_eq!(hub.publish(&at("/"), &frame("a post")).delivered, 0);
        assert_eq!(puts.read(), ["yes"]);
    }

    #[test]
    fn cuts_a_slow_subscriber_and_keeps_the_rest() {
        let mut hub = Hub::default();
        let (slow, fast) = (Probe::new(2), Probe::new(2));
        hub.join(everything(), "a", slow.clone());
        hub.join(everything(), "a", fast.clone());
        for text in ["1", "2"] {
            assert_eq!(hub.publish(&at("/"), &frame(text)).delivered, 2);
            assert_eq!(fast.read(), [text]);
        }
        let fanout = hub.publish(&at("/"), &frame("3"));
        assert_eq!(fanout, Fanout { delivered: 1, cut: 1, gone: 0 });
        assert_eq!(hub.len(), 1);
        assert!(slow.0.borrow().cut);
        assert_eq!(fast.read(), ["3"]);
    }

    #[test]
    fn drops_disconnected_subscribers() {
        let mut hub = Hub::default();
        let gone = Probe::new(10);
        gone.0.borrow_mut().gone = true;
        hub.join(everything(), "a", gone);
        assert_eq!(hub.broadcast(&frame("x")).gone, 1);
        assert!(hub.is_empty());
    }

    #[test]
    fn prunes_a_client_that_left_without_a_publish() {
        let mut hub = Hub::default();
        let (left, stays) = (Probe::new(10), Probe::new(10));
        hub.join(everything(), "a", left.clone());
        hub.join(everything(), "a", stays);
        left.0.borrow_mut().gone = true;
        assert_eq!(hub.prune(), 1);
        assert_eq!(hub.count_of("a"), 1, "the client's share is free again");
        assert_eq!(hub.prune(), 0);
    }
}
