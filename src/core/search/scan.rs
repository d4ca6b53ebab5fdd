//! The bounded scan behind filtered lists and exports. A call reads at
//! most a budget of stored captures (and, for `q`, of body bytes), a
//! chunk at a time, so a search over a full bin never holds the object for
//! long; the position it stopped at lets the next call go on. A page may
//! therefore come back short, even empty, with a cursor that continues.

use crate::core::capture::model::Capture;
use crate::core::capture::namespace::Namespace;
use crate::core::http::error::ApiError;
use crate::core::search::filter::Filter;

/// Captures read from storage per step of a scan. Each step binds one
/// parameter per capture to look in their bodies, and the platform allows
/// 100 bound parameters per statement.
pub const CHUNK: usize = 64;

/// What one call may read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Budget {
    /// Stored captures (`SEARCH_SCAN_ROWS`).
    pub rows: usize,
    /// Body bytes searched for `q` (`SEARCH_SCAN_BYTES`); at least one
    /// body is always searched, so every call makes progress.
    pub body_bytes: u64,
}

/// Sequence numbers a scan may read: `after < seq < before`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    /// Exclusive lower bound.
    pub after: u64,
    /// Exclusive upper bound.
    pub before: u64,
}

/// Which end a scan starts from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    /// Lists: newest first.
    NewestFirst,
    /// Exports: oldest first.
    OldestFirst,
}

/// Where a scan reads: the bin's storage, or a fake in tests.
pub trait ScanSource {
    /// Up to `limit` captures in `window` and `namespace`, in `order`.
    fn scan(&self, window: Window, order: Order, namespace: &Namespace, limit: usize)
        -> Result<Vec<Capture>, ApiError>;
    /// Which of the captures `seqs` hold the bytes of `q` in their body.
    fn body_hits(&self, seqs: &[u64], q: &str) -> Result<Vec<u64>, ApiError>;
}

/// What one bounded scan found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// Matching captures, in scan order; at most `want`.
    pub items: Vec<Capture>,
    /// Where the next call continues (a sequence number it must not reach
    /// again), or `None` when nothing that could match is left.
    pub next: Option<u64>,
    /// Captures read.
    pub scanned: usize,
}

/// Reads at most `budget` of `window` in `order`, keeping the captures
/// `filter` accepts, until `want` are found and one more shows there are
/// others, or the window is exhausted.
pub fn find(
    source: &impl ScanSource,
    filter: &Filter,
    mut window: Window,
    order: Order,
    want: usize,
    budget: Budget,
) -> Result<Found, ApiError> {
    let (mut items, mut scanned, mut bytes) = (Vec::new(), 0, 0);
    loop {
        let chunk = CHUNK.min(budget.rows.saturating_sub(scanned));
        if chunk == 0 {
            return Ok(Found { items, next: left(window, order), scanned });
        }
        let mut rows = source.scan(window, order, &filter.namespace, chunk)?;
        let mut exhausted = rows.len() < chunk;
        let mut hits = Vec::new();
        if let Some(q) = filter.q.as_deref() {
            let fit = fitting(&rows, budget.body_bytes, &mut bytes);
            if fit < rows.len() {
                rows.truncate(fit);
                exhausted = false;
            }
            let seqs: Vec<u64> = rows.iter().map(|c| c.seq).collect();
            hits = if seqs.is_empty() { Vec::new() } else { source.body_hits(&seqs, q)? };
        }
        let out_of_bytes = filter.q.is_some() && !exhausted && rows.len() < chunk;
        scanned += rows.len();
        for capture in rows {
            let seq = capture.seq;
            let body_hit = hits.contains(&seq);
            if filter.matches_record(&capture) && filter.matches_text(&capture, body_hit) {
                if items.len() == want {
                    let next = items.last().map_or(position(window, order), |c: &Capture| c.seq);
                    return Ok(Found { items, next: Some(next), scanned });
                }
                items.push(capture);
            }
            match order {
                Order::NewestFirst => window.before = seq,
                Order::OldestFirst => window.after = seq,
            }
        }
        if exhausted {
            return Ok(Found { items, next: None, scanned });
        }
        if out_of_bytes {
            return Ok(Found { items, next: left(window, order), scanned });
        }
    }
}

/// How many of `rows` have bodies that fit in what is left of
/// `budget_bytes` (`used` so far, updated); at least one on a call's first
/// body, so every call makes progress.
fn fitting(rows: &[Capture], budget_bytes: u64, used: &mut u64) -> usize {
    let mut n = 0;
    for c in rows {
        if *used > 0 && *used + c.body_size > budget_bytes {
            break;
        }
        *used += c.body_size.max(1);
        n += 1;
    }
    n
}

/// The position to go on from, unless the window is empty.
fn left(window: Window, order: Order) -> Option<u64> {
    (window.before > window.after.saturating_add(1)).then(|| position(window, order))
}

fn position(window: Window, order: Order) -> u64 {
    match order {
        Order::NewestFirst => window.before,
        Order::OldestFirst => window.after,
    }
}

#[cfg(test)]
#[path = "scan_tests.rs"]
mod tests;
