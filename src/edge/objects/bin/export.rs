//! `GET /v1/bins/{id}/export`: the bin's captures as HAR 1.2 or NDJSON,
//! streamed. Each pull of the response body reads one bounded scan and the
//! bodies of what it found, so an export of any size holds little memory,
//! and other requests run between pulls. The export covers the captures
//! stored when it started.

use super::{now_ms, BinObject};
use crate::core::capture::model::Capture;
use crate::core::export::document::{Document, Format};
use crate::core::http::error::ApiError;
use crate::core::limits::client::client_key;
use crate::core::limits::slots::{Caps, Slots};
use crate::core::search::filter::Filter;
use crate::core::search::scan::{self, Budget, Order, Window};
use crate::core::stream::backlog::CaptureSource;
use crate::edge::io::respond::{headers_with_cors, platform};
use crate::edge::storage::captures::Captures;
use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;
use worker::{console_error, Delay, Request, Response, Url};

/// Captures written per pull, at most.
const ENTRIES_PER_PULL: usize = 32;
/// A pull stops adding entries once it holds this many bytes.
const PULL_BYTES: usize = 1024 * 1024;

/// The export's slot, given back however the stream ends (done, failed,
/// cancelled by a client that left, or taken over after a stall).
struct Slot {
    slots: Rc<RefCell<Slots>>,
    id: u64,
}

impl Slot {
    /// Notes a pull; false once the slot was taken over.
    fn pulled(&self) -> bool {
        self.slots.try_borrow_mut().map_or(true, |mut s| s.pulled(self.id, now_ms()))
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        if let Ok(mut slots) = self.slots.try_borrow_mut() {
            slots.release(self.id);
        }
    }
}

/// Where an export is.
enum Phase {
    Head,
    Entries,
    Tail,
    Done,
}

struct Export {
    doc: Document,
    captures: Captures,
    filter: Filter,
    window: Window,
    budget: Budget,
    phase: Phase,
    slot: Slot,
}

impl BinObject {
    /// Starts an export of bin `bin`, whose request came to `url`.
    pub(super) fn export(
        &self,
        req: &Request,
        url: &Url,
        bin: &str,
        query: &str,
        now: i64,
    ) -> Result<Response, ApiError> {
        let (format, filter, config) = (Format::from_query(query)?, Filter::parse(query)?, self.config()?);
        let limit = self.take_search(req, now)?;
        let client = client_key(req.headers().get("cf-connecting-ip").ok().flatten().as_deref());
        let caps = Caps {
            total: usize::try_from(config.export_max_concurrent).unwrap_or(usize::MAX),
            per_client: usize::try_from(config.export_max_per_client).unwrap_or(usize::MAX),
            stall_ms: i64::try_from(config.sse_stall_s.saturating_mul(1000)).unwrap_or(i64::MAX),
        };
        let id = self.exports.borrow_mut().take(&client, now, caps)?;
        let slot = Slot { slots: Rc::clone(&self.exports), id };
        let base = config.base_url().map_or_else(|| url.origin().ascii_serialization(), str::to_string);
        let mut window = self.scan_window(&filter, None)?;
        window.before = window.before.min(self.bin().map_or(1, |m| m.next_seq));
        let export = Export {
            doc: Document::new(format, bin, &base),
            captures: self.captures(),
            filter,
            window,
            budget: self.scan_budget()?,
            phase: Phase::Head,
            slot,
        };
        let body =
            futures::stream::unfold(
                export,
                |mut export| async move { export.pull().await.map(|chunk| (chunk, export)) },
            );
        let mut headers = vec![
            ("content-type", format.content_type().to_string()),
            ("content-disposition", format.disposition(bin)),
            ("cache-control", "no-store".to_string()),
        ];
        headers.extend(limit.headers());
        let headers = headers_with_cors(headers.iter().map(|(n, v)| (*n, v.as_str()))).map_err(platform("headers"))?;
        Ok(Response::from_stream(body).map_err(platform("export stream"))?.with_headers(headers))
    }
}

impl Export {
    /// The next piece of the document; `None` once it is all written.
    async fn pull(&mut self) -> Option<worker::Result<Vec<u8>>> {
        if !self.slot.pulled() {
            // Stalled, and its slot went to another export: end here, unterminated.
            self.phase = Phase::Done;
            return Some(Err(worker::Error::RustError("export stalled; its slot was taken over".into())));
        }
        loop {
            let chunk = match self.phase {
                Phase::Head => {
                    self.phase = Phase::Entries;
                    self.doc.head()
                }
                Phase::Entries => match self.entries() {
                    Ok(chunk) => chunk,
                    Err(err) => {
                        // The document stays unterminated, so the client can tell it is incomplete.
                        console_error!("export: {}", err);
                        self.phase = Phase::Done;
                        return Some(Err(worker::Error::RustError(err.message)));
                    }
                },
                Phase::Tail => {
                    self.phase = Phase::Done;
                    self.doc.tail()
                }
                Phase::Done => return None,
            };
            if !chunk.is_empty() {
                return Some(Ok(chunk));
            }
            // A scan found nothing in its budget: let other requests in, then go on.
            Delay::from(Duration::ZERO).await;
        }
    }

    /// One bounded scan's worth of entries, in one synchronous step so the
    /// captures found and their bodies agree.
    fn entries(&mut self) -> Result<Vec<u8>, ApiError> {
        let found =
            scan::find(&self.captures, &self.filter, self.window, Order::OldestFirst, ENTRIES_PER_PULL, self.budget)?;
        let mut out = Vec::new();
        for capture in &found.items {
            self.write(capture, &mut out)?;
            if out.len() >= PULL_BYTES {
                return Ok(out);
            }
        }
        match found.next {
            Some(after) => self.window.after = after,
            None => self.phase = Phase::Tail,
        }
        Ok(out)
    }

    fn write(&mut self, capture: &Capture, out: &mut Vec<u8>) -> Result<(), ApiError> {
        self.doc.entry(capture, &self.captures.body(capture.seq)?, out)?;
        self.window.after = capture.seq;
        Ok(())
    }
}
