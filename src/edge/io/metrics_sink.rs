//! A source's side of metrics: record into memory, flush in the background.
//!
//! Recording never waits: the first record after a flush schedules the next
//! one `METRICS_FLUSH_MS` later (1 s by default), so each source sends at
//! most one batch that often and the ingest path has no extra round trip.
//! The pending flush keeps the object awake until it runs, so a longer
//! delay trades round trips for objects held in memory (bench/RESULTS.md).
//! Alarms and bin ends flush at once.

use super::aggregator::{batch_request, shard};
use super::clock::now_ms;
use crate::core::bin::ids::random_bytes;
use crate::core::hex::hex;
use crate::core::metrics::batch::{Batch, Pending};
use crate::core::metrics::delta::Delta;
use crate::core::metrics::shard::shard_of;
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::Duration;
use worker::wasm_bindgen_futures::spawn_local;
use worker::{console_error, Delay, Env};

/// A handle to one source's unflushed metrics; clones share them.
#[derive(Clone)]
pub struct Sink {
    pending: Rc<RefCell<Pending>>,
    /// The aggregator shard this source flushes to.
    shard: Rc<Cell<u32>>,
    /// Wait between a first record and its flush.
    delay: Duration,
    env: Env,
}

impl Sink {
    /// A sink for the object `source`, in a fresh random epoch, flushing to
    /// the shard its id hashes to among `shards`, `flush_ms` after a first record.
    pub fn new(env: &Env, source: String, shards: u32, flush_ms: u64) -> Sink {
        let mut bytes = [0u8; 8];
        // Without randomness the epoch is fixed; only exactly-once suffers.
        let _ = random_bytes(&mut bytes);
        let epoch = hex(&bytes);
        let shard = Rc::new(Cell::new(shard_of(&source, shards)));
        let delay = Duration::from_millis(flush_ms);
        Sink { pending: Rc::new(RefCell::new(Pending::new(source, epoch))), shard, delay, env: env.clone() }
    }

    /// The shard this source flushes to.
    pub fn shard(&self) -> u32 {
        self.shard.get()
    }

    /// Flushes to shard `k` from now on: the one a bin was created with, so
    /// its gauges never split across two shards when the count changes.
    pub fn pin_shard(&self, k: u32) {
        self.shard.set(k);
    }

    /// Records into the pending delta and makes sure a flush follows.
    pub fn record(&self, f: impl FnOnce(&mut Delta)) {
        f(self.pending.borrow_mut().delta());
        self.soon();
    }

    /// Reports the source's open streams with the next flush.
    pub fn set_clients(&self, clients: usize) {
        self.pending.borrow_mut().set_clients(clients as u64);
        self.soon();
    }

    /// Reports the source's open WebSockets with the next flush.
    pub fn set_sockets(&self, sockets: u64) {
        self.pending.borrow_mut().set_sockets(sockets);
        self.soon();
    }

    fn soon(&self) {
        let mut pending = self.pending.borrow_mut();
        if pending.scheduled {
            return;
        }
        pending.scheduled = true;
        let sink = self.clone();
        spawn_local(async move {
            Delay::from(sink.delay).await;
            sink.pending.borrow_mut().scheduled = false;
            sink.flush().await;
        });
    }

    /// Sends what is pending now. A failed batch stays for the next flush,
    /// which is scheduled at once.
    pub async fn flush(&self) {
        let Some(batch) = self.pending.borrow_mut().begin() else { return };
        let started = now_ms();
        let delivered = send(&self.env, self.shard(), &batch).await;
        let mut pending = self.pending.borrow_mut();
        pending.finish(batch, delivered);
        pending.note_flush(now_ms().saturating_sub(started));
        let again = pending.has_news();
        drop(pending);
        if again {
            self.soon();
        }
    }
}

async fn send(env: &Env, k: u32, batch: &Batch) -> bool {
    let result = async {
        let request = batch_request(batch)?;
        let response = shard(env, k)?.fetch_with_request(request).await?;
        Ok::<u16, worker::Error>(response.status_code())
    }
    .await;
    match result {
        Ok(204) => true,
        Ok(status) => {
            console_error!("metrics flush answered {}", status);
            false
        }
        Err(err) => {
            console_error!("metrics flush: {}", err);
            false
        }
    }
}
