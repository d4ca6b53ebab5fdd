//! The captures a resuming subscriber missed, read from storage a bounded
//! batch at a time as the client keeps up. Retention may evict captures
//! while a slow client catches up; each batch re-checks, and a `lost`
//! notice announces any range the stream can no longer send. A filter may
//! skip only so many captures per open: past that the stream says where it
//! got to (`skipped`) and ends, and the client resumes from there.

use crate::core::bin::ids::request_id;
use crate::core::capture::model::Capture;
use crate::core::capture::namespace::Namespace;
use crate::core::http::error::ApiError;
use crate::core::search::filter::Filter;
use crate::core::stream::events::{self, Lost, Skipped};
use crate::core::stream::sse::Frame;

/// Captures read from storage per backlog step.
pub const BATCH_CAPTURES: usize = 16;
/// Captures one call may read and skip (filtered out) before it returns,
/// possibly with no frame, so a selective filter never holds the object long.
pub const MAX_ROWS_PER_CALL: usize = 256;

/// Where a backlog reads captures: the bin's storage, or a fake in tests.
pub trait CaptureSource {
    /// The oldest retained sequence number, if any capture is retained.
    fn oldest_seq(&self) -> Result<Option<u64>, ApiError>;
    /// Up to `limit` captures in `namespace` with `after < seq < until`, oldest first.
    fn range(&self, after: u64, until: u64, namespace: &Namespace, limit: usize) -> Result<Vec<Capture>, ApiError>;
    /// The body of capture `seq` (empty if it is gone).
    fn body(&self, seq: u64) -> Result<Vec<u8>, ApiError>;
}

/// The gap rule: with everything up to `after` sent and `first_kept` the
/// first sequence number still retained, the captures in between are lost.
pub fn gap(after: u64, first_kept: u64) -> Option<Lost> {
    (after + 1 < first_kept).then(|| Lost {
        first_seq: after + 1,
        last_seq: first_kept - 1,
        resumes_after: first_kept - 1,
    })
}

/// One subscriber's backlog: captures with `after < seq < until` that its filter accepts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Backlog {
    bin: String,
    filter: Filter,
    after: u64,
    until: u64,
    budget_bytes: usize,
    /// Captures the filter may still turn down before this open stops.
    skips_left: u64,
}

impl Backlog {
    /// The backlog of bin `bin` through `filter` after `after` and before
    /// `until`; one batch holds about `budget_bytes` of frames (at least one).
    pub fn new(bin: String, filter: Filter, after: u64, until: u64, budget_bytes: usize) -> Backlog {
        Backlog { bin, filter, after, until, budget_bytes, skips_left: u64::MAX }
    }

    /// The same, turning down at most `max_skips` captures before it stops.
    pub fn with_skip_limit(mut self, max_skips: u64) -> Backlog {
        self.skips_left = max_skips;
        self
    }

    /// True when the filter turned down its whole allowance of captures
    /// before the backlog was done: send [`Backlog::skipped`] and end.
    pub fn out_of_skips(&self) -> bool {
        self.skips_left == 0 && !self.is_done()
    }

    /// The `skipped` event: where the scan got to, with that capture's
    /// request id as its event id, so a reconnect resumes after it.
    pub fn skipped(&self) -> Frame {
        let id = request_id(&self.bin, self.after);
        events::with_id(&id, "skipped", &Skipped { reason: "scan_limit", resumes_after: self.after })
    }

    /// The last sequence number sent or skipped.
    pub fn position(&self) -> u64 {
        self.after
    }

    /// True once every capture before `until` was sent or skipped.
    pub fn is_done(&self) -> bool {
        self.after + 1 >= self.until
    }

    /// The next frames, oldest first. Empty once the backlog is done, or
    /// when [`MAX_ROWS_PER_CALL`] captures were read and all filtered out
    /// (then [`Backlog::is_done`] is still false: call again).
    pub fn next_frames(&mut self, source: &impl CaptureSource) -> Result<Vec<Frame>, ApiError> {
        let mut frames = Vec::new();
        let mut read = 0;
        while frames.is_empty() && !self.is_done() && !self.out_of_skips() && read < MAX_ROWS_PER_CALL {
            read += self.step(source, &mut frames)?;
        }
        Ok(frames)
    }

    /// Reads one batch into `frames`; returns the captures read.
    fn step(&mut self, source: &impl CaptureSource, frames: &mut Vec<Frame>) -> Result<usize, ApiError> {
        let first_kept = source.oldest_seq()?.unwrap_or(self.until).min(self.until);
        if let Some(lost) = gap(self.after, first_kept) {
            self.after = lost.resumes_after;
            frames.push(events::notice("lost", &lost));
        }
        let captures = source.range(self.after, self.until, &self.filter.namespace, BATCH_CAPTURES)?;
        let read = captures.len();
        if captures.is_empty() {
            self.after = self.until.saturating_sub(1);
        }
        let mut bytes = 0;
        for capture in captures {
            if bytes >= self.budget_bytes || self.skips_left == 0 {
                break;
            }
            if self.filter.matches_record(&capture) {
                let frame = events::request(&self.bin, &capture, &source.body(capture.seq)?)?;
                bytes += frame.len();
                frames.push(frame);
            } else {
                self.skips_left -= 1;
            }
            self.after = capture.seq;
        }
        Ok(read.max(1))
    }
}

#[cfg(test)]
#[path = "backlog_tests.rs"]
mod tests;
