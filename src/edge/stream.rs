//! One subscriber's SSE stream: preamble and notices, then the backlog read
//! from storage as the client keeps up, then live frames from the hub; and
//! the bin's keep-alive loop.

use super::metrics_sink::Sink;
use super::respond::{platform, with_cors};
use super::sse_writer::{self, SseOutlet};
use super::store::Store;
use crate::core::config::Config;
use crate::core::error::ApiError;
use crate::core::events::{self, Lost};
use crate::core::hub::Hub;
use crate::core::ids::random_bytes;
use crate::core::metrics::{SSE_EVENTS_SENT, SSE_REFUSED};
use crate::core::namespace::Namespace;
use crate::core::outlet::Outlet;
use crate::core::query::param;
use crate::core::resume;
use crate::core::sse::{self, Frame};
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::Duration;
use worker::wasm_bindgen_futures::spawn_local;
use worker::{console_error, Delay, Response};

/// Captures read from storage per backlog step; bounds memory per subscriber.
const BACKLOG_BATCH: usize = 16;

/// The retained captures a resuming subscriber missed.
pub struct Backlog {
    /// The bin's storage.
    pub store: Store,
    /// The bin id.
    pub bin: String,
    /// Only captures in this namespace.
    pub namespace: Namespace,
    /// Last sequence number already sent (or skipped).
    pub after: u64,
    /// First sequence number that arrives live instead.
    pub until: u64,
    /// Counts the events sent from the backlog.
    pub metrics: Sink,
}

impl Backlog {
    /// The next frames, oldest first; empty once the backlog is done. If
    /// retention evicted captures the stream had yet to send, a `lost`
    /// notice says so before the stream continues.
    fn next_frames(&mut self) -> Result<Vec<Frame>, ApiError> {
        let mut frames = Vec::new();
        if self.after + 1 >= self.until {
            return Ok(frames);
        }
        let oldest = self.store.oldest_seq()?.unwrap_or(self.until);
        if oldest > self.after + 1 {
            let last = oldest.min(self.until) - 1;
            frames
                .push(events::notice("lost", &Lost { first_seq: self.after + 1, last_seq: last, resumes_after: last }));
            self.after = last;
        }
        let captures = self.store.range(self.after, self.until, &self.namespace, BACKLOG_BATCH)?;
        if captures.is_empty() {
            self.after = self.until;
        }
        for capture in captures {
            frames.push(events::request(&self.bin, &capture, &self.store.body(capture.seq)?)?);
            self.after = capture.seq;
        }
        let sent = frames.len() as f64;
        self.metrics.record(|d| d.add(SSE_EVENTS_SENT, "", sent));
        Ok(frames)
    }
}

/// Sends a new subscriber its opening, notices and backlog, a batch at a
/// time as the client reads, then the live frames held meanwhile; from
/// then on the hub writes to it directly.
async fn catch_up(outlet: SseOutlet, notices: Vec<Frame>, mut backlog: Backlog) {
    for frame in std::iter::once(sse::preamble()).chain(notices) {
        outlet.write(&frame);
    }
    loop {
        match backlog.next_frames() {
            Ok(frames) if frames.is_empty() => break,
            Ok(frames) => {
                if !frames.iter().all(|f| outlet.write(f)) {
                    return; // the client left
                }
                outlet.drained().await;
            }
            Err(err) => {
                // Cutting is safe: the client resumes from its last id.
                console_error!("stream backlog: {}", err);
                outlet.go_live();
                outlet.cut();
                return;
            }
        }
    }
    outlet.go_live();
}

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

/// Response headers of a stream (CORS is added with the others).
pub const HEADERS: [(&str, &str); 3] = [
    ("content-type", "text/event-stream; charset=utf-8"),
    // no-transform keeps proxies from compressing or buffering the stream.
    ("cache-control", "no-cache, no-transform"),
    ("x-accel-buffering", "no"),
];

/// The parts of a bin a new subscription needs.
pub struct Bin<'a> {
    /// The bin's subscribers.
    pub hub: &'a Rc<RefCell<Hub<SseOutlet>>>,
    /// The bin's storage.
    pub store: Store,
    /// The bin id.
    pub id: String,
    /// The sequence number the next capture will get.
    pub next_seq: u64,
    /// The bin's metrics.
    pub metrics: &'a Sink,
    /// Whether the bin's keep-alive loop runs.
    pub pinging: &'a Rc<Cell<bool>>,
}

/// Opens a subscriber stream on `bin`. Joining the hub and planning the
/// backlog happen with no `.await` between, so every capture is either in
/// the backlog or arrives live: no gap, no duplicate.
pub fn open(bin: Bin, config: &Config, last_event_id: Option<&str>, query: &str) -> Result<Response, ApiError> {
    if bin.hub.borrow().len() as u64 >= config.sse_max_subscribers {
        bin.metrics.record(|d| d.inc(SSE_REFUSED));
        let reason = format!("busy: this bin already has {} live streams", config.sse_max_subscribers);
        return refuse(&reason).map_err(platform("stream response"));
    }
    let asked = resume::asked(last_event_id, param(query, "last_event_id").as_deref());
    let start = resume::plan(&asked, bin.next_seq, bin.store.oldest_seq()?);
    let namespace = Namespace::from_query(query);
    let budget = usize::try_from(config.sse_queue_bytes).unwrap_or(usize::MAX);
    let (outlet, body) = sse_writer::open(budget).map_err(|e| ApiError::internal(format!("stream: {e:?}")))?;
    bin.hub.borrow_mut().join(namespace.clone(), outlet.clone());
    let metrics = bin.metrics.clone();
    metrics.set_clients(bin.hub.borrow().len());
    let (after, until) = (start.backlog_after, start.live_from);
    let backlog = Backlog { store: bin.store, bin: bin.id, namespace, after, until, metrics: metrics.clone() };
    spawn_local(catch_up(outlet, start.notices, backlog));
    let every = Duration::from_secs(config.sse_keepalive_s);
    keep_alive(Rc::clone(bin.hub), metrics, every, Rc::clone(bin.pinging));
    let headers = with_cors(&HEADERS).map_err(platform("stream headers"))?;
    Ok(Response::builder().with_status(200).with_headers(headers).stream(body))
}

/// A stream that only says "come back later" and ends; see [`sse::refusal`].
pub fn refuse(reason: &str) -> worker::Result<Response> {
    let mut bytes = [0u8; 8];
    // Without randomness every client waits the same; still correct.
    let _ = random_bytes(&mut bytes);
    let frame = sse::refusal(reason, u64::from_le_bytes(bytes));
    Ok(Response::builder().with_status(200).with_headers(with_cors(&HEADERS)?).fixed(frame.as_bytes().to_vec()))
}
