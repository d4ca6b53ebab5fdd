//! One subscriber's SSE body: preamble and notices, then the backlog read
//! lazily from storage, then live frames from the hub, with keep-alive
//! comments merged in.

use super::metrics_sink::Sink;
use super::respond::{platform, streaming};
use super::store::Store;
use crate::core::config::Config;
use crate::core::error::ApiError;
use crate::core::events::{self, Lost};
use crate::core::hub::Hub;
use crate::core::ids::random_bytes;
use crate::core::metrics::{SSE_EVENTS_SENT, SSE_REFUSED};
use crate::core::namespace::Namespace;
use crate::core::query::param;
use crate::core::queue::{self, Inbox};
use crate::core::resume;
use crate::core::sse::{self, Frame};
use futures::future::ready;
use futures::stream::{self, Stream, StreamExt};
use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;
use worker::{console_error, Delay, Response};

/// Captures read from storage per backlog step; bounds memory per subscriber.
const BACKLOG_BATCH: usize = 16;

/// Reports a bin's number of open streams to its metrics.
#[derive(Clone)]
pub struct Reporter {
    /// The bin's hub.
    pub hub: Rc<RefCell<Hub>>,
    /// The bin's metrics.
    pub metrics: Sink,
}

impl Reporter {
    /// Reports the current count (skipped while a publish holds the hub;
    /// the publish reports its own removals).
    fn report(&self) {
        if let Ok(hub) = self.hub.try_borrow() {
            self.metrics.set_clients(hub.len());
        }
    }
}

/// Removes its subscriber from the hub when the stream is dropped, which
/// is when the runtime gives up on the client: the count stays exact.
pub struct Membership {
    /// The bin's hub and metrics.
    pub reporter: Reporter,
    /// This subscriber's id in the hub.
    pub id: u64,
}

impl Drop for Membership {
    fn drop(&mut self) {
        // A drop during a publish (which holds the hub) is handled there: the
        // publish sees the closed queue and removes the subscriber itself.
        if let Ok(mut hub) = self.reporter.hub.try_borrow_mut() {
            hub.leave(self.id);
        }
        self.reporter.report();
    }
}

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

fn backlog_stream(backlog: Backlog) -> impl Stream<Item = Frame> {
    stream::unfold(backlog, |mut backlog| async move {
        match backlog.next_frames() {
            Ok(frames) if !frames.is_empty() => Some((stream::iter(frames), backlog)),
            Ok(_) => None,
            Err(err) => {
                // Ending the stream is safe: the client resumes from its last id.
                console_error!("stream backlog: {}", err);
                None
            }
        }
    })
    .flatten()
}

/// The whole body of one subscriber's stream. It ends when the hub drops or
/// cuts the subscriber's queue; keep-alives alone never keep it open.
pub fn body(
    notices: Vec<Frame>,
    backlog: Backlog,
    inbox: Inbox,
    keepalive: Duration,
    membership: Membership,
) -> impl Stream<Item = Result<Vec<u8>, worker::Error>> {
    let head = stream::iter(std::iter::once(sse::preamble()).chain(notices));
    let main = head.chain(backlog_stream(backlog)).chain(inbox).map(Some).chain(stream::once(ready(None)));
    // Each keep-alive also refreshes the bin's stream count at the
    // aggregator, which forgets counts that stop being refreshed.
    let reporter = membership.reporter.clone();
    let pings = stream::unfold(reporter, move |reporter| async move {
        Delay::from(keepalive).await;
        reporter.report();
        Some((Some(sse::comment("ping")), reporter))
    });
    stream::select(main, pings).take_while(|frame| ready(frame.is_some())).filter_map(ready).map(move |frame| {
        let _alive = &membership;
        Ok(frame.as_bytes().to_vec())
    })
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
    pub hub: &'a Rc<RefCell<Hub>>,
    /// The bin's storage.
    pub store: Store,
    /// The bin id.
    pub id: String,
    /// The sequence number the next capture will get.
    pub next_seq: u64,
    /// The bin's metrics.
    pub metrics: &'a Sink,
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
    let (outbox, inbox) = queue::bounded(usize::try_from(config.sse_queue_bytes).unwrap_or(usize::MAX));
    let id = bin.hub.borrow_mut().join(namespace.clone(), outbox);
    let metrics = bin.metrics.clone();
    let reporter = Reporter { hub: Rc::clone(bin.hub), metrics: metrics.clone() };
    reporter.report();
    let membership = Membership { reporter, id };
    let (after, until) = (start.backlog_after, start.live_from);
    let backlog = Backlog { store: bin.store, bin: bin.id, namespace, after, until, metrics };
    let keepalive = Duration::from_secs(config.sse_keepalive_s);
    streaming(&HEADERS, body(start.notices, backlog, inbox, keepalive, membership)).map_err(platform("stream response"))
}

/// A stream that only says "come back later" and ends; see [`sse::refusal`].
pub fn refuse(reason: &str) -> worker::Result<Response> {
    let mut bytes = [0u8; 8];
    // Without randomness every client waits the same; still correct.
    let _ = random_bytes(&mut bytes);
    let frame = sse::refusal(reason, u64::from_le_bytes(bytes));
    streaming(&HEADERS, stream::once(ready(Ok(frame.as_bytes().to_vec()))))
}
