//! Concurrent slots: how many long-running responses (exports) a bin
//! serves at once, overall and per client, so one client cannot take them
//! all. A slot whose reader has pulled nothing for the stall time is given
//! to the next taker, and its stream ends at its next pull, so a reader
//! that stops reading cannot hold a slot for ever.

use crate::core::http::error::{ApiError, ErrorKind};

/// Seconds a refused client is told to wait: an export usually ends by then.
const RETRY_AFTER_S: u64 = 5;

/// The caps and the stall time of a bin's slots.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Caps {
    /// Slots of the bin.
    pub total: usize,
    /// Slots of one client.
    pub per_client: usize,
    /// A slot whose reader pulled nothing this long may be taken over, in ms.
    pub stall_ms: i64,
}

#[derive(Debug)]
struct Held {
    id: u64,
    client: String,
    last_pull_ms: i64,
}

/// Slots in use.
#[derive(Debug, Default)]
pub struct Slots {
    held: Vec<Held>,
    next_id: u64,
}

impl Slots {
    /// Takes a slot for `client` at `now_ms` and returns its id, unless the
    /// bin or the client is at its cap after stalled slots are taken back;
    /// then the 429 to answer with.
    pub fn take(&mut self, client: &str, now_ms: i64, caps: Caps) -> Result<u64, ApiError> {
        self.held.retain(|h| now_ms.saturating_sub(h.last_pull_ms) < caps.stall_ms);
        let mine = self.held.iter().filter(|h| h.client == client).count();
        let why = if self.held.len() >= caps.total {
            format!("this bin already streams {} exports", caps.total)
        } else if mine >= caps.per_client {
            format!("{} exports of this bin from your address are still streaming", caps.per_client)
        } else {
            self.next_id += 1;
            self.held.push(Held { id: self.next_id, client: client.to_string(), last_pull_ms: now_ms });
            return Ok(self.next_id);
        };
        Err(ApiError::new(ErrorKind::RateLimited, "too many exports at once")
            .with_details(format!("{why}; try again when one ends"))
            .with_header("retry-after", RETRY_AFTER_S.to_string()))
    }

    /// Notes a pull of slot `id` at `now_ms`; false if the slot was taken
    /// back (its stream must end).
    pub fn pulled(&mut self, id: u64, now_ms: i64) -> bool {
        self.held.iter_mut().find(|h| h.id == id).map(|h| h.last_pull_ms = now_ms).is_some()
    }

    /// Gives back slot `id`, if it is still held.
    pub fn release(&mut self, id: u64) {
        self.held.retain(|h| h.id != id);
    }

    /// Slots in use.
    pub fn in_use(&self) -> usize {
        self.held.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CAPS: Caps = Caps { total: 3, per_client: 2, stall_ms: 30_000 };

    #[test]
    fn caps_per_client_then_overall() {
        let mut s = Slots::default();
        let a1 = s.take("a", 0, CAPS).unwrap();
        assert!(s.take("a", 0, CAPS).is_ok());
        let refused = s.take("a", 0, CAPS).unwrap_err();
        assert_eq!(refused.status(), 429);
        assert!(refused.details.unwrap_or_default().contains("your address"));
        assert!(s.take("b", 0, CAPS).is_ok());
        assert!(s.take("c", 0, CAPS).unwrap_err().details.unwrap_or_default().contains("this bin"));
        s.release(a1);
        assert!(s.take("c", 0, CAPS).is_ok());
        assert_eq!(s.in_use(), 3);
        s.release(999);
        assert_eq!(s.in_use(), 3, "releasing what was not held changes nothing");
    }

    #[test]
    fn a_stalled_slot_is_taken_over_and_its_stream_told_to_end() {
        let mut s = Slots::default();
        let idle = s.take("a", 0, CAPS).unwrap();
        let busy = s.take("b", 0, CAPS).unwrap();
        let _ = s.take("c", 0, CAPS).unwrap();
        assert!(s.pulled(busy, 29_000));
        assert!(s.take("d", 29_999, CAPS).is_err(), "nobody has stalled long enough yet");
        let d = s.take("d", 30_000, CAPS).unwrap();
        assert!(!s.pulled(idle, 30_001), "the stalled reader's stream ends at its next pull");
        assert!(s.pulled(busy, 30_001) && s.pulled(d, 30_001));
    }
}
