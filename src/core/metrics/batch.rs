//! Batches of metric deltas from one source to the aggregator, and the
//! bookkeeping a source keeps between flushes.
//!
//! A batch is identified by (`source`, `epoch`, `seq`): `epoch` is random
//! per object instance and `seq` grows per flush, so a batch the aggregator
//! already applied (a retried flush whose answer was lost) is applied once.

use crate::core::metrics::delta::{Delta, Sample};
use serde::{Deserialize, Serialize};

/// One flush from one source.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Batch {
    /// The sending object (its Durable Object id).
    pub source: String,
    /// Random per object instance.
    pub epoch: String,
    /// Grows by one per flush within an epoch.
    pub seq: u64,
    /// Amounts added since the previous flush.
    pub samples: Vec<Sample>,
    /// The source's open streams now, when it has any to report.
    pub sse_clients: Option<u64>,
    /// The source's open WebSockets now, when it has any to report.
    #[serde(default)]
    pub ws_clients: Option<u64>,
    /// How long the source's previous flush took, ms (its round trip to the shard).
    #[serde(default)]
    pub flush_ms: Option<u64>,
}

impl Batch {
    /// True unless the aggregator already applied this batch, given the
    /// source's last applied `(epoch, seq)`.
    pub fn is_new(&self, last: Option<(&str, u64)>) -> bool {
        match last {
            Some((epoch, seq)) => epoch != self.epoch || self.seq > seq,
            None => true,
        }
    }
}

/// What a source has recorded but not yet flushed. One flush runs at a
/// time, so batches reach the aggregator in `seq` order; a batch that
/// failed is resent unchanged, so the aggregator can tell if it already
/// applied it.
#[derive(Debug, Default)]
pub struct Pending {
    source: String,
    epoch: String,
    seq: u64,
    delta: Delta,
    clients: Option<u64>,
    sockets: Option<u64>,
    flush_ms: Option<u64>,
    unsent: Option<Batch>,
    sending: bool,
    /// A timed flush is scheduled; recording needs no new one.
    pub scheduled: bool,
}

impl Pending {
    /// Bookkeeping for `source` in a fresh `epoch`.
    pub fn new(source: String, epoch: String) -> Pending {
        Pending { source, epoch, ..Pending::default() }
    }

    /// The amounts recorded so far, to add to.
    pub fn delta(&mut self) -> &mut Delta {
        &mut self.delta
    }

    /// Reports the number of open streams with the next flush.
    pub fn set_clients(&mut self, clients: u64) {
        self.clients = Some(clients);
    }

    /// Reports the number of open WebSockets with the next flush.
    pub fn set_sockets(&mut self, sockets: u64) {
        self.sockets = Some(sockets);
    }

    /// Notes how long a flush took, for the next batch. It is no news by
    /// itself: an object that has nothing else to say stays quiet.
    pub fn note_flush(&mut self, ms: u64) {
        self.flush_ms = Some(ms);
    }

    /// True when a flush has something to send.
    pub fn has_news(&self) -> bool {
        self.unsent.is_some() || !self.delta.is_empty() || self.clients.is_some() || self.sockets.is_some()
    }

    /// Starts a flush: the batch to send, or `None` when there is nothing
    /// to send or another flush is running.
    pub fn begin(&mut self) -> Option<Batch> {
        if self.sending || !self.has_news() {
            return None;
        }
        self.sending = true;
        if let Some(batch) = self.unsent.take() {
            return Some(batch);
        }
        self.seq += 1;
        Some(Batch {
            source: self.source.clone(),
            epoch: self.epoch.clone(),
            seq: self.seq,
            samples: std::mem::take(&mut self.delta).samples(),
            sse_clients: self.clients.take(),
            ws_clients: self.sockets.take(),
            flush_ms: self.flush_ms.take(),
        })
    }

    /// Ends the flush of `batch`; one not `delivered` goes out again first.
    pub fn finish(&mut self, batch: Batch, delivered: bool) {
        self.sending = false;
        if !delivered {
            self.unsent = Some(batch);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::metrics::delta::INGEST;

    #[test]
    fn batches_count_up_and_reset() {
        let mut p = Pending::new("bin".into(), "e1".into());
        assert!(p.begin().is_none(), "nothing to send");
        p.delta().inc(INGEST);
        p.set_clients(2);
        p.set_sockets(3);
        p.note_flush(4);
        let first = p.begin().unwrap();
        assert_eq!(first.flush_ms, Some(4));
        assert_eq!((first.seq, first.sse_clients, first.ws_clients, first.samples.len()), (1, Some(2), Some(3), 1));
        p.delta().inc(INGEST);
        assert!(p.begin().is_none(), "one flush at a time");
        p.finish(first, true);
        assert_eq!(p.begin().unwrap().seq, 2);
    }

    #[test]
    fn a_flush_time_alone_is_no_news() {
        let mut p = Pending::new("bin".into(), "e1".into());
        p.note_flush(3);
        assert!(!p.has_news(), "an idle object sends nothing");
        assert!(p.begin().is_none());
    }

    #[test]
    fn a_failed_batch_is_resent_unchanged_first() {
        let mut p = Pending::new("bin".into(), "e1".into());
        p.delta().inc(INGEST);
        let lost = p.begin().unwrap();
        p.delta().add(INGEST, "", 5.0);
        p.finish(lost.clone(), false);
        let retry = p.begin().unwrap();
        assert_eq!(retry, lost);
        p.finish(retry, true);
        let next = p.begin().unwrap();
        assert_eq!((next.seq, next.samples[0].value), (2, 5.0));
    }

    #[test]
    fn duplicates_are_recognised() {
        let mut p = Pending::new("bin".into(), "e2".into());
        p.set_clients(0);
        let batch = p.begin().unwrap();
        assert!(batch.is_new(None));
        assert!(batch.is_new(Some(("e1", 9))), "a new epoch starts over");
        assert!(!batch.is_new(Some(("e2", 1))));
        assert!(batch.is_new(Some(("e2", 0))));
    }
}
