//! The bounded scan behind filtered lists and exports. A call reads at
//! most `budget` stored captures, a chunk at a time, so a search over a
//! full bin never holds the object for long; the position it stopped at
//! lets the next call go on. A page may therefore come back short, even
//! empty, with a cursor that continues the scan.

use crate::core::capture::model::Capture;
use crate::core::capture::namespace::Namespace;
use crate::core::http::error::ApiError;
use crate::core::search::filter::Filter;

/// Captures read from storage per step of a scan.
pub const CHUNK: usize = 100;

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

/// One stored capture as a scan reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scanned {
    /// The capture's record.
    pub capture: Capture,
    /// True if storage found the `q` bytes in its body.
    pub body_hit: bool,
}

/// Where a scan reads: the bin's storage, or a fake in tests.
pub trait ScanSource {
    /// Up to `limit` captures in `window` and `namespace`, in `order`;
    /// each says whether its body holds `q`.
    fn scan(
        &self,
        window: Window,
        order: Order,
        namespace: &Namespace,
        limit: usize,
        q: Option<&str>,
    ) -> Result<Vec<Scanned>, ApiError>;
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

/// Reads at most `budget` captures of `window` in `order`, keeping those
/// `filter` accepts, until `want` are found and one more shows there are
/// others, or the window is exhausted.
pub fn find(
    source: &impl ScanSource,
    filter: &Filter,
    mut window: Window,
    order: Order,
    want: usize,
    budget: usize,
) -> Result<Found, ApiError> {
    let (mut items, mut scanned) = (Vec::new(), 0);
    loop {
        let chunk = CHUNK.min(budget.saturating_sub(scanned));
        if chunk == 0 {
            let left = window.before > window.after.saturating_add(1);
            return Ok(Found { items, next: left.then(|| position(window, order)), scanned });
        }
        let rows = source.scan(window, order, &filter.namespace, chunk, filter.q.as_deref())?;
        scanned += rows.len();
        let exhausted = rows.len() < chunk;
        for row in rows {
            let seq = row.capture.seq;
            if filter.matches_record(&row.capture) && filter.matches_text(&row.capture, row.body_hit) {
                if items.len() == want {
                    let next = items.last().map_or(position(window, order), |c: &Capture| c.seq);
                    return Ok(Found { items, next: Some(next), scanned });
                }
                items.push(row.capture);
            }
            match order {
                Order::NewestFirst => window.before = seq,
                Order::OldestFirst => window.after = seq,
            }
        }
        if exhausted {
            return Ok(Found { items, next: None, scanned });
        }
    }
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
