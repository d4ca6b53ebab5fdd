//! A bin's exports: their slots (the core's [`Slots`]) and the means to
//! tell each one to end, when a stalled one's slot is taken over or the
//! bin goes. Each export holds an [`ExportTicket`], which gives its place
//! back when the export's value is dropped, however it ended.

use crate::core::http::error::ApiError;
use crate::core::limits::slots::{Caps, Slots};
use crate::edge::io::export_pump::Cancel;
use futures::channel::oneshot;
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

/// What a taken-over export is told as it ends.
const TAKEN_OVER: &str = "export ended: its reader read nothing for the stall time and its slot went to another export";

/// The exports of one bin.
#[derive(Default)]
pub struct ExportSet {
    slots: Slots,
    cancels: BTreeMap<u64, oneshot::Sender<Cancel>>,
}

/// One live export's place in its bin's [`ExportSet`].
pub struct ExportTicket {
    set: Rc<RefCell<ExportSet>>,
    id: u64,
}

impl ExportSet {
    /// Starts an export of `client` at `now_ms`: its ticket, and the
    /// receiver that tells it to end; or the 429. Stalled exports whose
    /// slots are taken back are told to end either way.
    pub fn start(
        set: &Rc<RefCell<ExportSet>>,
        client: &str,
        now_ms: i64,
        caps: Caps,
    ) -> Result<(ExportTicket, oneshot::Receiver<Cancel>), ApiError> {
        let mut this = set.borrow_mut();
        let taken = this.slots.take(client, now_ms, caps);
        for id in taken.evicted {
            if let Some(tx) = this.cancels.remove(&id) {
                // A receiver already gone belongs to an export that has ended.
                let _ = tx.send(Cancel { why: TAKEN_OVER.into(), drop_queue: true });
            }
        }
        let id = taken.slot?;
        let (tx, rx) = oneshot::channel();
        this.cancels.insert(id, tx);
        Ok((ExportTicket { set: Rc::clone(set), id }, rx))
    }

    /// Tells every export to end with `why` (the bin was deleted or expired).
    pub fn end_all(&mut self, why: &str) {
        for (_, tx) in std::mem::take(&mut self.cancels) {
            let _ = tx.send(Cancel { why: why.to_string(), drop_queue: false });
        }
    }
}

impl ExportTicket {
    /// Notes a pull at `now_ms`; false once the slot was taken back.
    pub fn pulled(&self, now_ms: i64) -> bool {
        self.set.try_borrow_mut().map_or(true, |mut s| s.slots.pulled(self.id, now_ms))
    }
}

impl Drop for ExportTicket {
    fn drop(&mut self) {
        if let Ok(mut set) = self.set.try_borrow_mut() {
            set.slots.ended(self.id);
            set.cancels.remove(&self.id);
        }
    }
}
