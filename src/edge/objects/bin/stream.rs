//! Opening a subscriber's stream on a bin, and counting fan-outs. Joining the hub and planning
//! the backlog happen with no `.await` between, so every capture is either
//! in the backlog or arrives live: no gap, no duplicate.

use super::{now_ms, BinObject};
use crate::core::config::Config;
use crate::core::http::error::ApiError;
use crate::core::http::query::param;
use crate::core::limits::client::client_key;
use crate::core::metrics::delta::{SSE_CUT, SSE_EVENTS_SENT, SSE_REFUSED};
use crate::core::search::filter::Filter;
use crate::core::stream::backlog::{Backlog, CaptureSource};
use crate::core::stream::catchup::reservation_bytes;
use crate::core::stream::channels::{full, Full};
use crate::core::stream::hub::Fanout;
use crate::core::stream::resume;
use crate::edge::io::incoming::Incoming;
use crate::edge::io::respond::{platform, with_cors};
use crate::edge::io::sse_stream::{self, catch_up, keep_alive, Reserved, HEADERS};
use crate::edge::io::sse_writer;
use std::rc::Rc;
use std::time::Duration;
use worker::wasm_bindgen_futures::spawn_local;
use worker::{console_error, Response};

impl BinObject {
    /// Counts what one publish did.
    pub(super) fn count_fanout(&self, fanout: Fanout) {
        self.metrics.record(|d| {
            d.add(SSE_EVENTS_SENT, "", fanout.delivered as f64);
            d.add(SSE_CUT, "", fanout.cut as f64);
        });
        if fanout.cut + fanout.gone > 0 {
            self.metrics.set_clients(self.hub.borrow().len());
        }
    }

    /// `GET /v1/bins/{id}/stream`. A failure past authorisation is answered
    /// with a retry hint, never a 5xx, so the browser keeps reconnecting.
    pub(super) async fn stream(&self, req: &Incoming, bin: String, query: &str) -> Result<Response, ApiError> {
        let last_event_id = req.headers().get("last-event-id").ok().flatten();
        let client_ip = req.headers().get("cf-connecting-ip").ok().flatten();
        self.probe_client(&client_key(client_ip.as_deref())).await;
        match self.open_stream(bin, last_event_id.as_deref(), client_ip, query) {
            Err(err) if err.status() >= 500 => {
                console_error!("stream: {}", err);
                sse_stream::refuse("temporarily unavailable").map_err(platform("stream response"))
            }
            other => other,
        }
    }

    /// Why a new stream of `client` is turned away, if it is: the bin's cap,
    /// or the client's share of it, so one client cannot take every slot.
    fn busy(&self, config: &Config, client: &str) -> Option<String> {
        Some(match full(self.channels_of(client), config.sse_max_subscribers, config.sse_max_per_client)? {
            Full::Bin(n) => format!("busy: this bin already has {n} live streams"),
            Full::Client(n) => format!("busy: {n} live streams from your address already"),
        })
    }

    fn open_stream(
        &self,
        bin: String,
        last_event_id: Option<&str>,
        client_ip: Option<String>,
        query: &str,
    ) -> Result<Response, ApiError> {
        // The probe may have waited: the bin may have gone meanwhile.
        self.still_a_bin()?;
        let config = self.config()?;
        let filter = Filter::parse(query)?;
        if filter.q.is_some() {
            // A live `q` would read every body at ingest for every subscriber.
            return Err(ApiError::bad_request("invalid q")
                .with_details("q: the stream takes every filter but q; search the list with it"));
        }
        let client = client_key(client_ip.as_deref());
        let next_seq = self.bin().map_or(1, |m| m.next_seq);
        let captures = self.captures();
        let asked = resume::asked(&bin, last_event_id, param(query, "last_event_id").as_deref());
        let mut start = resume::plan(&asked, next_seq, captures.oldest_seq()?)?;
        start.notices.extend(self.listener_notice());
        let catching_up = start.backlog_after + 1 < start.live_from;
        let reserved = match self.admit(&config, &client, &filter, catching_up) {
            Ok(reserved) => reserved,
            Err(reason) => {
                self.metrics.record(|d| d.inc(SSE_REFUSED));
                return sse_stream::refuse(&reason).map_err(platform("stream response"));
            }
        };
        let budget = usize::try_from(config.sse_queue_bytes).unwrap_or(usize::MAX);
        let (outlet, body) = sse_writer::open(budget).map_err(|e| ApiError::internal(format!("stream: {e:?}")))?;
        self.hub.borrow_mut().join(filter.clone(), &client, outlet.clone());
        self.metrics.set_clients(self.hub.borrow().len());
        self.prune_when_over(outlet.clone());
        // Only a filter beyond the namespace turns captures down; the namespace is chosen in SQL.
        let skips = if filter.only_namespace() { u64::MAX } else { config.search_scan_rows };
        let backlog = Backlog::new(bin, filter, start.backlog_after, start.live_from, budget).with_skip_limit(skips);
        let stall = Duration::from_secs(config.sse_stall_s);
        let metrics = self.metrics.clone();
        spawn_local(catch_up(outlet, start.notices, backlog, captures, metrics, stall, reserved));
        let every = Duration::from_secs(config.sse_keepalive_s);
        keep_alive(Rc::clone(&self.hub), self.metrics.clone(), every, Rc::clone(&self.pinging));
        let headers = with_cors(&HEADERS).map_err(platform("stream headers"))?;
        Ok(Response::builder().with_status(200).with_headers(headers).stream(body))
    }

    /// Lets a new stream of `client` in, or says why it must come back
    /// later: the bin's and the client's caps; for a catch-up, the bytes the
    /// bin's catch-ups may hold, and for a filtered one a search token.
    fn admit(&self, config: &Config, client: &str, filter: &Filter, catching_up: bool) -> Result<Reserved, String> {
        if let Some(reason) = self.busy(config, client) {
            return Err(reason);
        }
        if !catching_up {
            return Ok(Reserved::new(Rc::clone(&self.catchups), client, 0));
        }
        let bytes = reservation_bytes(config.sse_queue_bytes, config.max_body_bytes);
        self.catchups.borrow_mut().reserve(client, bytes, config.sse_catchup_bytes)?;
        let reserved = Reserved::new(Rc::clone(&self.catchups), client, bytes);
        if !filter.only_namespace() && self.take_search_of(client, now_ms()).is_err() {
            return Err("busy: your search budget for this bin is spent; a filtered catch-up draws on it".into());
        }
        Ok(reserved)
    }
}
