//! Concurrent slots: how many long-running responses (exports) a bin
//! serves at once, overall and per client, so one client cannot take them
//! all. A slot whose reader has pulled nothing for the stall time is given
//! to the next taker, and its stream ends at its next pull, so a reader
//! that stops reading cannot hold a slot for ever. Apart from slots, the
//! exports still alive (a taken-over one lives until it has ended) are
//! counted and capped, so takeovers cannot pile up exports either.

use crate::core::config::Config;
use crate::core::http::error::{ApiError, ErrorKind};
use std::collections::BTreeSet;

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
    /// Exports alive at once, with or without a slot.
    pub live: usize,
}

impl Caps {
    /// The export caps the config sets.
    pub fn of(config: &Config) -> Caps {
        let size = |n: u64| usize::try_from(n).unwrap_or(usize::MAX);
        Caps {
            total: size(config.export_max_concurrent),
            per_client: size(config.export_max_per_client),
            stall_ms: config.sse_stall_ms(),
            live: size(config.export_max_live),
        }
    }
}

/// What asking for a slot did: the stalled slots it took back (their
/// exports must be told to end, whatever the answer), and the new slot's id
/// or the 429 to answer with.
#[derive(Debug)]
pub struct Taken {
    /// Ids of the slots taken back.
    pub evicted: Vec<u64>,
    /// The new slot's id, or the refusal.
    pub slot: Result<u64, ApiError>,
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
    /// Ids of the exports started and not yet ended.
    live: BTreeSet<u64>,
}

impl Slots {
    /// Takes a slot for `client` at `now_ms`, taking back stalled slots,
    /// unless the bin or the client is at its cap, or too many exports are
    /// still alive; then the 429 to answer with.
    pub fn take(&mut self, client: &str, now_ms: i64, caps: Caps) -> Taken {
        let (stalled, held): (Vec<Held>, Vec<Held>) =
            self.held.drain(..).partition(|h| now_ms.saturating_sub(h.last_pull_ms) >= caps.stall_ms);
        self.held = held;
        let evicted: Vec<u64> = stalled.iter().map(|h| h.id).collect();
        let mine = self.held.iter().filter(|h| h.client == client).count();
        let why = if self.live.len() >= caps.live {
            format!("this bin has {} exports still ending", caps.live)
        } else if self.held.len() >= caps.total {
            format!("this bin already streams {} exports", caps.total)
        } else if mine >= caps.per_client {
            format!("{} exports of this bin from your address are still streaming", caps.per_client)
        } else {
            self.next_id += 1;
            self.live.insert(self.next_id);
            self.held.push(Held { id: self.next_id, client: client.to_string(), last_pull_ms: now_ms });
            return Taken { evicted, slot: Ok(self.next_id) };
        };
        let refusal = ApiError::new(ErrorKind::RateLimited, "too many exports at once")
            .with_details(format!("{why}; try again when one ends"))
            .with_header("retry-after", RETRY_AFTER_S.to_string());
        Taken { evicted, slot: Err(refusal) }
    }

    /// Notes a pull of slot `id` at `now_ms`; false if the slot was taken
    /// back (its stream must end).
    pub fn pulled(&mut self, id: u64, now_ms: i64) -> bool {
        self.held.iter_mut().find(|h| h.id == id).map(|h| h.last_pull_ms = now_ms).is_some()
    }

    /// The export of slot `id` has ended: gives back its slot, if it is
    /// still held, and stops counting it as alive.
    pub fn ended(&mut self, id: u64) {
        self.held.retain(|h| h.id != id);
        self.live.remove(&id);
    }

    /// Slots in use.
    pub fn in_use(&self) -> usize {
        self.held.len()
    }

    /// Exports alive.
    pub fn live(&self) -> usize {
        self.live.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CAPS: Caps = Caps { total: 3, per_client: 2, stall_ms: 30_000, live: 4 };

    fn id(t: Taken) -> u64 {
        t.slot.unwrap()
    }

    #[test]
    fn caps_per_client_then_overall() {
        let mut s = Slots::default();
        let a1 = id(s.take("a", 0, CAPS));
        assert!(s.take("a", 0, CAPS).slot.is_ok());
        let refused = s.take("a", 0, CAPS).slot.unwrap_err();
        assert_eq!(refused.status(), 429);
        assert!(refused.details.unwrap_or_default().contains("your address"));
        assert!(s.take("b", 0, CAPS).slot.is_ok());
        assert!(s.take("c", 0, CAPS).slot.unwrap_err().details.unwrap_or_default().contains("this bin"));
        s.ended(a1);
        assert!(s.take("c", 0, CAPS).slot.is_ok());
        assert_eq!((s.in_use(), s.live()), (3, 3));
    }

    #[test]
    fn a_stalled_slot_is_taken_over_and_its_export_told_to_end() {
        let mut s = Slots::default();
        let idle = id(s.take("a", 0, CAPS));
        let busy = id(s.take("b", 0, CAPS));
        let c = id(s.take("c", 0, CAPS));
        assert!(s.pulled(busy, 29_000));
        assert!(s.take("d", 29_999, CAPS).slot.is_err(), "nobody has stalled long enough yet");
        let taken = s.take("d", 30_000, CAPS);
        assert_eq!(taken.evicted, [idle, c], "both readers that pulled nothing for 30 s");
        assert!(taken.slot.is_ok());
        assert!(!s.pulled(idle, 30_001), "the stalled export ends at its next pull at the latest");
        assert!(s.pulled(busy, 30_001));
    }

    #[test]
    fn exports_still_ending_count_until_they_end() {
        let mut s = Slots::default();
        let first = id(s.take("a", 0, CAPS));
        for client in ["b", "c"] {
            assert!(s.take(client, 0, CAPS).slot.is_ok());
        }
        // Three stall and are taken over; the taken-over ones are still alive.
        let taken = s.take("d", 60_000, CAPS);
        assert_eq!((taken.evicted.len(), s.live()), (3, 4));
        let refused = s.take("e", 60_000, CAPS).slot.unwrap_err();
        assert!(refused.details.unwrap_or_default().contains("still ending"), "the live cap holds");
        s.ended(first);
        assert!(s.take("e", 60_000, CAPS).slot.is_ok(), "an ended export frees its place");
        s.ended(999);
        assert_eq!((s.in_use(), s.live()), (2, 4), "ending what was never started changes nothing");
    }
}
