//! The waiters a bin holds: who waits for what, the caps, and which of them
//! a new capture wakes. `T` is how a waiter is answered (a channel at the
//! edge); this module never sees it.

use crate::core::capture::model::Capture;
use crate::core::http::error::{ApiError, ErrorKind};
use crate::core::search::filter::Filter;

/// One waiting request.
#[derive(Debug)]
pub struct Waiter<T> {
    /// Its number in the set.
    pub id: u64,
    /// Its client key.
    pub client: String,
    /// What it waits for.
    pub filter: Filter,
    /// Only captures after this sequence number.
    pub after: u64,
    /// How it is answered.
    pub reply: T,
}

/// Why a waiter was not let in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Full {
    /// The bin has `WAIT_MAX_PER_BIN` waiters.
    Bin,
    /// The client has `WAIT_MAX_PER_CLIENT` here.
    Client,
}

impl Full {
    /// The 429 a waiter turned away gets.
    pub fn error(self) -> ApiError {
        let why = match self {
            Full::Bin => "this bin has all the waiting requests it takes",
            Full::Client => "your address has all its waiting requests here",
        };
        ApiError::new(ErrorKind::RateLimited, "busy")
            .with_details(format!("{why}; try again later"))
            .with_header("retry-after", "5")
    }
}

/// Every waiter of one bin, oldest first.
#[derive(Debug)]
pub struct Waiters<T> {
    next_id: u64,
    waiting: Vec<Waiter<T>>,
}

impl<T> Default for Waiters<T> {
    fn default() -> Self {
        Waiters { next_id: 0, waiting: Vec::new() }
    }
}

impl<T> Waiters<T> {
    /// Lets a waiter in within `per_bin` and `per_client`; its id.
    pub fn admit(&mut self, client: &str, filter: Filter, after: u64, reply: T, caps: (u64, u64)) -> Result<u64, Full> {
        let (per_bin, per_client) = caps;
        if self.waiting.len() as u64 >= per_bin {
            return Err(Full::Bin);
        }
        if self.waiting.iter().filter(|w| w.client == client).count() as u64 >= per_client {
            return Err(Full::Client);
        }
        self.next_id += 1;
        let id = self.next_id;
        self.waiting.push(Waiter { id, client: client.to_string(), filter, after, reply });
        Ok(id)
    }

    /// Takes waiter `id` out (its time ran out, or its client left).
    pub fn remove(&mut self, id: u64) -> Option<Waiter<T>> {
        let at = self.waiting.iter().position(|w| w.id == id)?;
        Some(self.waiting.remove(at))
    }

    /// Takes out every waiter `f` picks; how many.
    pub fn remove_if(&mut self, f: impl Fn(&Waiter<T>) -> bool) -> usize {
        let before = self.waiting.len();
        self.waiting.retain(|w| !f(w));
        before - self.waiting.len()
    }

    /// Takes out every waiter `capture` satisfies; `body` is the capture's
    /// body when a waiter searches bodies (`q`), else `None`.
    pub fn woken_by(&mut self, capture: &Capture, body: Option<&[u8]>) -> Vec<Waiter<T>> {
        let (woken, kept) = std::mem::take(&mut self.waiting).into_iter().partition(|w: &Waiter<T>| {
            let body_hit = w.filter.q.as_deref().is_some_and(|q| body.is_some_and(|b| contains(b, q.as_bytes())));
            capture.seq > w.after && w.filter.matches_record(capture) && w.filter.matches_text(capture, body_hit)
        });
        self.waiting = kept;
        woken
    }

    /// True if a waiter needs the body of new captures (for `q`).
    pub fn searches_bodies(&self) -> bool {
        self.any(|w| w.filter.q.is_some())
    }

    /// True if any waiter satisfies `f`.
    pub fn any(&self, f: impl Fn(&Waiter<T>) -> bool) -> bool {
        self.waiting.iter().any(f)
    }

    /// Takes out every waiter (the bin ended).
    pub fn drain(&mut self) -> Vec<Waiter<T>> {
        std::mem::take(&mut self.waiting)
    }

    /// True with no one waiting.
    pub fn is_empty(&self) -> bool {
        self.waiting.is_empty()
    }
}

/// True if `needle` occurs in `hay`.
fn contains(hay: &[u8], needle: &[u8]) -> bool {
    needle.is_empty() || hay.windows(needle.len()).any(|w| w == needle)
}

#[cfg(test)]
#[path = "waiters_tests.rs"]
mod tests;
