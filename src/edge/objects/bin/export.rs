//! `GET /v1/bins/{id}/export`: the captures stored when it started, as HAR
//! 1.2 or NDJSON, streamed by the [`export_pump`] a piece (one bounded scan
//! and its bodies) at a time, so an export of any size holds little memory
//! and other requests run between pieces. A scan that finds nothing draws
//! a search token, so a never-matching filter cannot walk the bin for one.

use super::{now_ms, BinObject};
use crate::core::export::document::{Document, Format};
use crate::core::http::error::ApiError;
use crate::core::limits::client::client_key;
use crate::core::limits::slots::Caps;
use crate::core::search::filter::Filter;
use crate::core::search::scan::{self, Budget, Order, Window};
use crate::core::stream::backlog::CaptureSource;
use crate::core::weburl::WebUrl;
use crate::edge::io::export_pump::{self, Pieces};
use crate::edge::io::export_set::{ExportSet, ExportTicket};
use crate::edge::io::incoming::Incoming;
use crate::edge::io::respond::{headers_with_cors, platform};
use crate::edge::storage::captures::Captures;
use std::time::Duration;
use worker::{console_error, Delay, Response};

/// Captures written per piece, at most.
const ENTRIES_PER_PULL: usize = 32;
/// A piece stops adding entries once it holds this many bytes.
const PULL_BYTES: usize = 1024 * 1024;

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
    ticket: ExportTicket,
    /// Takes a search token for the export's client; false when none is left.
    token: Box<dyn Fn() -> bool>,
}

impl BinObject {
    /// Starts an export of bin `bin`, whose request came to `url`.
    pub(super) fn export(
        &self,
        req: &Incoming,
        url: &WebUrl,
        bin: &str,
        query: &str,
        now: i64,
    ) -> Result<Response, ApiError> {
        let (format, filter, config) = (Format::from_query(query)?, Filter::parse(query)?, self.config()?);
        let client = client_key(req.headers().get("cf-connecting-ip").ok().flatten().as_deref());
        let (ticket, cancel) = ExportSet::start(&self.exports, &client, now, Caps::of(&config))?;
        // Drawn once the export has its place, so a refused one costs no token.
        let limit = self.take_search(req, now)?;
        let base = config.base_url_for(url);
        let mut window = self.scan_window(&filter, None)?;
        window.before = window.before.min(self.bin().map_or(1, |m| m.next_seq));
        let export = Export {
            doc: Document::new(format, bin, &base),
            captures: self.captures(),
            filter,
            window,
            budget: self.scan_budget()?,
            phase: Phase::Head,
            ticket,
            token: self.search_tokens(client),
        };
        let stall = Duration::from_secs(config.sse_stall_s);
        let body =
            export_pump::start(export, cancel, stall).map_err(|e| ApiError::internal(format!("export: {e:?}")))?;
        let mut headers = vec![
            ("content-type", format.content_type().to_string()),
            ("content-disposition", format.disposition(bin)),
            ("cache-control", "no-store".to_string()),
        ];
        headers.extend(limit.headers());
        let headers = headers_with_cors(headers.iter().map(|(n, v)| (*n, v.as_str()))).map_err(platform("headers"))?;
        Ok(Response::builder().with_status(200).with_headers(headers).stream(body))
    }
}

impl Pieces for Export {
    fn cut_short(&self, why: &str) -> Vec<u8> {
        self.doc.cut_short(why)
    }

    async fn next(&mut self) -> Result<Option<Vec<u8>>, String> {
        if !self.ticket.pulled(now_ms()) {
            self.phase = Phase::Done;
            return Err("export ended: its slot was taken over after a stall".into());
        }
        loop {
            let chunk = match self.phase {
                Phase::Head => {
                    self.phase = Phase::Entries;
                    self.doc.head()
                }
                Phase::Entries => self.entries().map_err(|err| {
                    // The document stays unterminated, so the client can tell it is incomplete.
                    console_error!("export: {}", err);
                    self.phase = Phase::Done;
                    err.message
                })?,
                Phase::Tail => {
                    self.phase = Phase::Done;
                    self.doc.tail()
                }
                Phase::Done => return Ok(None),
            };
            if !chunk.is_empty() {
                return Ok(Some(chunk));
            }
            // A scan found nothing in its budget: it costs a token, then let other requests in.
            if !(self.token)() {
                self.phase = Phase::Done;
                return Err("export ended: your search budget for this bin is spent; resume later".into());
            }
            Delay::from(Duration::ZERO).await;
        }
    }
}

impl Export {
    /// One bounded scan's worth of entries, in one synchronous step so the
    /// captures found and their bodies agree.
    fn entries(&mut self) -> Result<Vec<u8>, ApiError> {
        let found =
            scan::find(&self.captures, &self.filter, self.window, Order::OldestFirst, ENTRIES_PER_PULL, self.budget)?;
        let mut out = Vec::new();
        for capture in &found.items {
            self.doc.entry(capture, &self.captures.body(capture.seq)?, &mut out)?;
            self.window.after = capture.seq;
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
}
