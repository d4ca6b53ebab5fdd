//! Keeping a bin's subscriber set true: the live channels it counts (streams
//! and sockets), a stream whose client left dropped as soon as the runtime
//! says so, and a client at its cap with its streams checked before it is
//! turned away.

use super::BinObject;
use crate::core::stream::channels::Channels;
use crate::core::stream::sse;
use crate::edge::io::sse_writer::SseOutlet;
use std::rc::Rc;
use std::time::Duration;
use worker::wasm_bindgen_futures::spawn_local;
use worker::Delay;

/// How long a client at its cap waits for its dead streams to show.
const PROBE_WAIT: Duration = Duration::from_millis(300);
/// Probes written in that time.
const PROBES: u32 = 3;

impl BinObject {
    /// The bin's live channels, streams and sockets together, and `client`'s.
    pub(super) fn channels_of(&self, client: &str) -> Channels {
        let hub = self.hub.borrow();
        let all = hub.len() + self.state.get_websockets().len();
        let mine = hub.count_of(client) + self.state.get_websockets_with_tag(client).len();
        Channels { all: all as u64, mine: mine as u64 }
    }

    /// A client at its stream cap is often one whose earlier streams were
    /// cut off on its side (a reload, a dropped network): the runtime tells
    /// the object only when a write fails. So its idle streams are written
    /// a comment, a few times over [`PROBE_WAIT`] (the first write after a
    /// disconnect may still be taken by a buffer on the way), and the ones
    /// that fail leave the hub (through [`BinObject::prune_when_over`])
    /// before the cap is checked. Only idle streams are probed: one with
    /// bytes waiting needs no probe (its pending write fails by itself), and
    /// a probe a live client does not read leaves the stream not idle, so
    /// asking again and again holds no more memory than its socket does.
    pub(super) async fn probe_client(&self, client: &str) {
        let Ok(config) = self.config() else { return };
        if self.channels_of(client).mine < config.sse_max_per_client {
            return;
        }
        let probe = sse::comment("probe");
        for _ in 0..PROBES {
            let idle: Vec<SseOutlet> =
                self.hub.borrow().outlets_of(client).into_iter().filter(SseOutlet::is_idle).collect();
            idle.iter().for_each(|o| _ = o.write(&probe));
            Delay::from(PROBE_WAIT / PROBES).await;
            if self.channels_of(client).mine < config.sse_max_per_client {
                return;
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
