//! A subscriber's stream over time: the opening and notices, then its
//! backlog as the client keeps up, then live frames; the bin's keep-alive
//! loop; and the answer that turns a stream away for now.

use super::clock::now_ms;
use super::metrics_sink::Sink;
use super::respond::with_cors;
use super::sse_writer::SseOutlet;
use crate::core::bin::ids::random_bytes;
use crate::core::metrics::delta::{SSE_CUT, SSE_EVENTS_SENT};
use crate::core::stream::backlog::{Backlog, CaptureSource};
use crate::core::stream::catchup::CatchupPool;
use crate::core::stream::hub::Hub;
use crate::core::stream::outlet::Outlet;
use crate::core::stream::sse::{self, Frame};
use futures::future::{select, Either};
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::Duration;
use worker::wasm_bindgen_futures::spawn_local;
use worker::{console_error, Delay, Response};

/// Response headers of a stream (CORS is added with the others).
pub const HEADERS: [(&str, &str); 3] = [
    ("content-type", "text/event-stream; charset=utf-8"),
    // no-transform keeps proxies from compressing or buffering the stream.
    ("cache-control", "no-cache, no-transform"),
    ("x-accel-buffering", "no"),
];

/// Bytes a catching-up stream reserved from its bin's pool, given back
/// however the catch-up ends.
pub struct Reserved {
    pool: Rc<RefCell<CatchupPool>>,
    client: String,
    bytes: u64,
}

impl Reserved {
    /// Holds `bytes` that `client` already reserved in `pool`.
    pub fn new(pool: Rc<RefCell<CatchupPool>>, client: &str, bytes: u64) -> Reserved {
        Reserved { pool, client: client.to_string(), bytes }
    }
}

impl Drop for Reserved {
    fn drop(&mut self) {
        if let Ok(mut pool) = self.pool.try_borrow_mut() {
            pool.release(&self.client, self.bytes);
        }
    }
}

/// Sends a new subscriber its opening, notices and backlog, a batch at a
/// time as the client reads, then the live frames held meanwhile; from
/// then on the hub writes to it directly. Each batch is dropped before the
/// wait, so a client that stops reading pins at most its queue; one that
/// reads nothing for `stall` is cut, and resumes from its last id. A
/// filter that turns down its allowance of captures ends the stream with
/// `skipped`, and the client resumes from there. `reserved` is given back
/// when the catch-up ends.
pub async fn catch_up(
    outlet: SseOutlet,
    notices: Vec<Frame>,
    mut backlog: Backlog,
    source: impl CaptureSource,
    metrics: Sink,
    stall: Duration,
    reserved: Reserved,
) {
    for frame in std::iter::once(sse::preamble()).chain(notices) {
        outlet.write(&frame);
    }
    let live = send_backlog(&outlet, &mut backlog, &source, &metrics, stall).await
        && wait_for_room(&outlet, &metrics, stall).await;
    drop(reserved);
    if live {
        outlet.go_live();
    }
}

/// Sends the backlog; true when it is all out and the stream should go live.
async fn send_backlog(
    outlet: &SseOutlet,
    backlog: &mut Backlog,
    source: &impl CaptureSource,
    metrics: &Sink,
    stall: Duration,
) -> bool {
    loop {
        if outlet.is_gone() {
            return false; // the client left: read no more for it
        }
        match backlog.next_frames(source) {
            Ok(frames) if frames.is_empty() && backlog.is_done() => return true,
            Ok(frames) if frames.is_empty() && backlog.out_of_skips() => {
                outlet.write(&backlog.skipped());
                outlet.close();
                return false;
            }
            // A filter skipped a bounded run of captures: let other requests in, then go on.
            Ok(frames) if frames.is_empty() => Delay::from(Duration::ZERO).await,
            Ok(frames) => {
                let written = frames.iter().all(|f| outlet.write(f));
                metrics.record(|d| d.add(SSE_EVENTS_SENT, "", frames.len() as f64));
                drop(frames);
                if !written {
                    return false; // the client left
                }
                let drained = Box::pin(outlet.drained());
                if let Either::Right(_) = select(drained, Box::pin(Delay::from(stall))).await {
                    outlet.cut();
                    metrics.record(|d| d.inc(SSE_CUT));
                    return false;
                }
            }
            Err(err) => {
                // A stream whose bin just ended has its final event held:
                // going live writes it and closes. Any other stream is cut;
                // that is safe, the client resumes from its last id.
                if !outlet.go_live() {
                    console_error!("stream backlog: {}", err);
                    outlet.cut();
                }
                return false;
            }
        }
    }
}

/// Going live writes the held frames on top of what is queued; waits
/// (bounded like any stall) until they fit, or the next live frame would
/// find the stream over budget and cut it. True when the stream may go live.
async fn wait_for_room(outlet: &SseOutlet, metrics: &Sink, stall: Duration) -> bool {
    let deadline = now_ms() + u64::try_from(stall.as_millis()).unwrap_or(u64::MAX);
    loop {
        match outlet.has_room_for_held() {
            None => return false, // the client left
            Some(true) => return true,
            Some(false) if now_ms() >= deadline => {
                outlet.cut();
                metrics.record(|d| d.inc(SSE_CUT));
                return false;
            }
            Some(false) => Delay::from(ROOM_POLL).await,
        }
    }
}

/// How often a caught-up subscriber is checked for room for its held frames.
const ROOM_POLL: Duration = Duration::from_millis(20);

/// Writes a keep-alive comment to every subscriber of `hub` every
/// `every`, while it has any. Keep-alives keep idle connections open
/// through proxies, reveal clients that left, and refresh the bin's stream
/// count at the metrics aggregator (which forgets counts not refreshed).
pub fn keep_alive(hub: Rc<RefCell<Hub<SseOutlet>>>, metrics: Sink, every: Duration, running: Rc<Cell<bool>>) {
    if running.replace(true) {
        return;
    }
    spawn_local(async move {
        loop {
            Delay::from(every).await;
            let Ok(mut subscribers) = hub.try_borrow_mut() else { continue };
            subscribers.broadcast(&sse::comment("ping"));
            metrics.set_clients(subscribers.len());
            if subscribers.is_empty() {
                running.set(false);
                return;
            }
        }
    });
}

/// A stream that only says "come back later" and ends; see [`sse::refusal`].
pub fn refuse(reason: &str) -> worker::Result<Response> {
    let mut bytes = [0u8; 8];
    // Without randomness every client waits the same; still correct.
    let _ = random_bytes(&mut bytes);
    let frame = sse::refusal(reason, u64::from_le_bytes(bytes));
    Ok(Response::builder().with_status(200).with_headers(with_cors(&HEADERS)?).fixed(frame.as_bytes().to_vec()))
}
