//! A subscriber that is still being sent its backlog holds live frames
//! back, so they follow the backlog in order; once the backlog is out, the
//! held frames go first and the subscriber is live.

use crate::core::stream::outlet::fits;
use crate::core::stream::sse::Frame;
use std::collections::VecDeque;

/// What to do with a live frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Admit {
    /// The subscriber is live: write it now.
    Write,
    /// Held until the backlog is out.
    Held,
    /// Over the byte budget while catching up: cut the subscriber.
    Full,
}

/// Catching up, then live.
#[derive(Debug)]
pub struct Gate {
    held: VecDeque<Frame>,
    held_bytes: usize,
    max_bytes: usize,
    live: bool,
    finished: bool,
}

impl Gate {
    /// A gate that holds up to `max_bytes` of live frames while catching up.
    pub fn new(max_bytes: usize) -> Gate {
        Gate { held: VecDeque::new(), held_bytes: 0, max_bytes, live: false, finished: false }
    }

    /// Decides about one live frame.
    pub fn admit(&mut self, frame: &Frame) -> Admit {
        if self.live {
            return Admit::Write;
        }
        if !fits(self.held_bytes, frame.len(), self.max_bytes) {
            return Admit::Full;
        }
        self.held_bytes += frame.len();
        self.held.push_back(frame.clone());
        Admit::Held
    }

    /// Bytes of live frames held back so far.
    pub fn held_bytes(&self) -> usize {
        self.held_bytes
    }

    /// Holds the stream's final frame; the stream ends once it is written.
    /// False if the subscriber is already live (then write it now).
    pub fn hold_final(&mut self, frame: &Frame) -> bool {
        if self.live {
            return false;
        }
        self.held.push_back(frame.clone());
        self.finished = true;
        true
    }

    /// The backlog is out: returns the held frames, in order, and whether
    /// the stream ends after them. The subscriber is live from now on.
    pub fn go_live(&mut self) -> (Vec<Frame>, bool) {
        self.live = true;
        self.held_bytes = 0;
        (self.held.drain(..).collect(), self.finished)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::rc::Rc;

    fn frame(text: &str) -> Frame {
        Rc::from(text)
    }

    #[test]
    fn holds_then_releases_in_order() {
        let mut g = Gate::new(100);
        assert_eq!(g.admit(&frame("a")), Admit::Held);
        assert_eq!(g.admit(&frame("b")), Admit::Held);
        assert_eq!(g.held_bytes(), 2);
        let (held, finished) = g.go_live();
        assert_eq!(held.iter().map(|f| f.to_string()).collect::<Vec<_>>(), ["a", "b"]);
        assert!(!finished);
        assert_eq!(g.admit(&frame("c")), Admit::Write);
    }

    #[test]
    fn too_much_held_is_full() {
        let mut g = Gate::new(4);
        assert_eq!(g.admit(&frame("abc")), Admit::Held);
        assert_eq!(g.admit(&frame("de")), Admit::Full);
    }

    #[test]
    fn a_final_frame_ends_the_stream_after_the_held_ones() {
        let mut g = Gate::new(100);
        g.admit(&frame("a"));
        assert!(g.hold_final(&frame("end")));
        let (held, finished) = g.go_live();
        assert_eq!(held.len(), 2);
        assert!(finished);
        assert!(!g.hold_final(&frame("again")), "a live gate writes at once");
    }
}
