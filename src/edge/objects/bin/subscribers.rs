//! Keeping a bin's subscriber set true: a stream whose client left is
//! dropped as soon as the runtime says so, and a client at its cap has its
//! streams checked before it is turned away.

use super::BinObject;
use crate::core::stream::sse;
use crate::edge::io::sse_writer::SseOutlet;
use futures::future::{select, Either};
use std::rc::Rc;
use std::time::Duration;
use worker::wasm_bindgen_futures::spawn_local;
use worker::Delay;

/// How long a client at its cap waits for its dead streams to show.
const PROBE_WAIT: Duration = Duration::from_millis(300);
/// Probes written in that time.
const PROBES: u32 = 3;

impl BinObject {
    /// A client at its stream cap is often one whose earlier streams were
    /// cut off on its side (a reload, a dropped network): the runtime tells
    /// the object only when a write fails. So those streams are written a
    /// comment, and the ones that fail are dropped before the cap is
    /// checked, within [`PROBE_WAIT`].
    pub(super) async fn probe_client(&self, client: &str) {
        let Ok(config) = self.config() else { return };
        let outlets = self.hub.borrow().outlets_of(client);
        if (outlets.len() as u64) < config.sse_max_per_client {
            return;
        }
        // The first write after a disconnect may still be taken by a buffer on the way; a
        // few probes apart let the failure surface.
        let probe = sse::comment("probe");
        for _ in 0..PROBES {
            outlets.iter().for_each(|o| _ = o.write(&probe));
            let over = futures::future::select_all(outlets.iter().map(|o| Box::pin(o.over())));
            if let Either::Left(_) = select(over, Box::pin(Delay::from(PROBE_WAIT / PROBES))).await {
                break;
            }
        }
        if let Ok(mut hub) = self.hub.try_borrow_mut() {
            if hub.prune() > 0 {
                self.metrics.set_clients(hub.len());
            }
        }
    }

    /// Drops `outlet` from the hub as soon as its stream is over, so a
    /// client that left frees its share of the caps at once.
    pub(super) fn prune_when_over(&self, outlet: SseOutlet) {
        let (hub, metrics) = (Rc::clone(&self.hub), self.metrics.clone());
        spawn_local(async move {
            outlet.over().await;
            drop(outlet);
            if let Ok(mut hub) = hub.try_borrow_mut() {
                if hub.prune() > 0 {
                    metrics.set_clients(hub.len());
                }
            }
        });
    }
}
