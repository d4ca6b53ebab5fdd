//! One subscriber's SSE body: preamble and notices, then the backlog read
//! lazily from storage, then live frames from the hub, with keep-alive
//! comments merged in.

use super::store::Store;
use crate::core::error::ApiError;
use crate::core::events::{self, Lost};
use crate::core::hub::Hub;
use crate::core::namespace::Namespace;
use crate::core::queue::Inbox;
use crate::core::sse::{self, Frame};
use futures::future::ready;
use futures::stream::{self, Stream, StreamExt};
use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;
use worker::{console_error, Delay};

/// Captures read from storage per backlog step; bounds memory per subscriber.
const BACKLOG_BATCH: usize = 16;

/// Removes its subscriber from the hub when the stream is dropped, which
/// is when the runtime gives up on the client: the count stays exact.
pub struct Membership {
    /// The bin's hub.
    pub hub: Rc<RefCell<Hub>>,
    /// This subscriber's id in it.
    pub id: u64,
}

impl Drop for Membership {
    fn drop(&mut self) {
        // A drop during a publish (which holds the hub) is handled there: the
        // publish sees the closed queue and removes the subscriber itself.
        if let Ok(mut hub) = self.hub.try_borrow_mut() {
            hub.leave(self.id);
        }
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
            frames.push(events::notice(
                "lost",
                &Lost {
                    first_seq: self.after + 1,
                    last_seq: last,
                    resumes_after: last,
                },
            ));
            self.after = last;
        }
        let captures = self
            .store
            .range(self.after, self.until, &self.namespace, BACKLOG_BATCH)?;
        if captures.is_empty() {
            self.after = self.until;
        }
        for capture in captures {
            frames.push(events::request(&self.bin, &capture, &self.store.body(capture.seq)?)?);
            self.after = capture.seq;
        }
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
    let main = head
        .chain(backlog_stream(backlog))
        .chain(inbox)
        .map(Some)
        .chain(stream::once(ready(None)));
    let pings = stream::unfold((), move |()| async move {
        Delay::from(keepalive).await;
        Some((Some(sse::comment("ping")), ()))
    });
    stream::select(main, pings)
        .take_while(|frame| ready(frame.is_some()))
        .filter_map(ready)
        .map(move |frame| {
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
