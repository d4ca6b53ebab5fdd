//! `GET /v1/bins/{id}/ws`: the live feed over a WebSocket accepted with the
//! Hibernation API, so a bin watched only this way sleeps between captures
//! and is woken, sockets still connected, by the next one. Each socket's
//! state is its attachment (a [`Seat`]); nothing else is kept for it, so a
//! woken object knows its subscribers without a round trip.

use super::responder::RESPONDER_TAG;
use super::socket_io::{close_unseated, seated};
use super::{now_ms, BinObject};
use crate::core::bin::meta::BinMeta;
use crate::core::capture::model::Capture;
use crate::core::config::Config;
use crate::core::http::error::{ApiError, ErrorKind};
use crate::core::http::query::param;
use crate::core::limits::client::client_key;
use crate::core::reply::notices::asking;
use crate::core::search::filter::Filter;
use crate::core::stream::backlog::CaptureSource;
use crate::core::stream::channels::{full, Full};
use crate::core::stream::resume;
use crate::core::stream::socket::{message, Close, Offered, Seat, MAX_SEAT_BYTES, PING, PONG};
use crate::core::stream::sse::Frame;
use crate::edge::io::incoming::Incoming;
use crate::edge::io::respond::platform;
use worker::{console_error, Response, WebSocket, WebSocketPair, WebSocketRequestResponsePair};

impl BinObject {
    /// Opens a socket on bin `meta` for the request's filters and resume point.
    pub(super) async fn open_socket(
        &self,
        req: &Incoming,
        meta: &BinMeta,
        query: &str,
        now: i64,
    ) -> Result<Response, ApiError> {
        let upgrade = req.headers().get("upgrade").ok().flatten();
        if !upgrade.is_some_and(|u| u.eq_ignore_ascii_case("websocket")) {
            return Err(ApiError::bad_request("expected a WebSocket upgrade").with_details("send Upgrade: websocket"));
        }
        if param(query, "token").is_some() {
            return Err(ApiError::bad_request("invalid token")
                .with_details("token: a socket takes the read token in its first message, never in the URL"));
        }
        let (config, filter) = (self.config()?, Filter::parse(query)?);
        if filter.q.is_some() {
            return Err(ApiError::bad_request("invalid q").with_details("q: the live feed takes every filter but q"));
        }
        // The owner's responder shows the delete token, which also reads.
        let responder = param(query, "reply").is_some_and(|v| v == "1" || v == "true");
        if responder {
            self.check_responder(req, meta, &filter)?;
        }
        // A ticket or an X-Authorization header authorizes now; a private bin may also show its token in the first message.
        let presented = param(query, "ticket").is_some() || req.headers().has("x-authorization").unwrap_or(false);
        let authorized = match self.authorize_read(req, meta, &crate::core::http::route::BinRoute::Stream, query, now) {
            Ok(()) => true,
            _ if responder => true,
            Err(err) if presented => return Err(err),
            Err(_) => false,
        };
        let asked = resume::asked(&meta.id, None, param(query, "last_event_id").as_deref());
        let mut start = resume::plan(&asked, meta.next_seq, self.captures().oldest_seq()?)?;
        start.notices.extend(self.listener_notice());
        let client = client_key(req.headers().get("cf-connecting-ip").ok().flatten().as_deref());
        let mut seat = Seat::new(client, query, start.backlog_after, start.live_from, authorized, now);
        seat.responder = responder;
        if !seat.fits() {
            return Err(ApiError::bad_request("filters too long for a live socket")
                .with_details(format!("a socket's filters and state must fit {MAX_SEAT_BYTES} bytes")));
        }
        // Refused before the upgrade: a socket accepted and then closed would hold a slot until its client answered.
        self.socket_admit(&config, &seat, !filter.only_namespace() && seat.behind, now)?;
        if !authorized {
            self.arm_auth_deadline(now.saturating_add(config.ws_auth_ms())).await?;
        }
        if responder {
            self.take_over();
        }
        let pair = WebSocketPair::new().map_err(platform("websocket pair"))?;
        let tags: &[&str] = if responder { &[seat.client.as_str(), RESPONDER_TAG] } else { &[seat.client.as_str()] };
        self.state.accept_websocket_with_tags(&pair.server, tags);
        if let Ok(pong) = WebSocketRequestResponsePair::new(PING, PONG) {
            self.state.set_websocket_auto_response(&pong);
        }
        // From here on a failure closes the socket with a retry hint rather than leaving it half open.
        self.count_sockets(1);
        if responder {
            // Its terms come before its backlog: it answers even those (as late answers).
            self.seat_responder(&pair.server, &config, now);
        }
        if let Err(err) = self.greet(&pair.server, &mut seat, &start.notices, &meta.id) {
            console_error!("socket open: {}", err);
            self.retire(&pair.server, &mut seat, Close::Retry, "retry_ms=2000");
        }
        Response::from_websocket(pair.client).map_err(platform("socket response"))
    }

    /// Lets a new socket in, or the 429 to answer before the upgrade: the
    /// stream's caps (sockets and streams together), a small cap on sockets
    /// still owing a private bin's token, and for a filtered catch-up a
    /// search token, as on the stream.
    fn socket_admit(&self, config: &Config, seat: &Seat, filtered_catch_up: bool, now: i64) -> Result<(), ApiError> {
        let waiting =
            || self.state.get_websockets().iter().filter(|ws| !seated(ws).is_some_and(|s| s.authorized)).count();
        // One responder per bin, the owner's: readers filling the bin cannot keep it out.
        let cap = if seat.responder {
            None
        } else {
            full(self.channels_of(&seat.client), config.sse_max_subscribers.min(MAX_SOCKETS), config.sse_max_per_client)
        };
        let why = match cap {
            Some(Full::Bin(_)) => "this bin has all its live channels",
            Some(Full::Client(_)) => "your address has all its live channels here",
            None if !seat.authorized && waiting() as u64 >= config.ws_max_waiting => {
                "too many sockets are waiting to show this bin's token"
            }
            None if filtered_catch_up && self.take_search_of(&seat.client, now).is_err() => {
                "your search budget for this bin is spent; a filtered catch-up draws on it"
            }
            None => return Ok(()),
        };
        let retry_s = 10 + now.rem_euclid(10);
        Err(ApiError::new(ErrorKind::RateLimited, "busy")
            .with_details(format!("{why}; try again later"))
            .with_header("retry-after", retry_s.to_string()))
    }

    /// Sends `frame`, the event of `capture`, to every socket that wants it
    /// and has room; one without room falls behind and is fed from storage
    /// as its acks come, or is closed once its window stayed full too long.
    /// With `reply_ms` the responder's copy asks for the app's answer;
    /// true if it was sent.
    pub(super) fn publish_sockets(
        &self,
        sockets: &[WebSocket],
        capture: &Capture,
        frame: &Frame,
        reply_ms: Option<u64>,
    ) -> bool {
        let (Some(text), Ok(config)) = (message(frame), self.config()) else { return false };
        let (now, bytes) = (now_ms(), text.len() as u64);
        let mut asked = false;
        for ws in sockets {
            let Some(mut seat) = seated(ws) else { continue };
            if seat.closed || !seat.authorized || !Filter::parse(&seat.query).is_ok_and(|f| f.matches_record(capture)) {
                continue;
            }
            match seat.offer(capture.seq, bytes, config.ws_window_bytes, now, config.sse_stall_ms()) {
                Offered::Send => match reply_ms.filter(|_| seat.responder) {
                    Some(ms) => asked = ws.send_with_str(asking(&text, ms)).is_ok(),
                    None => _ = ws.send_with_str(&text),
                },
                Offered::Behind => {}
                Offered::Stalled => {
                    let why = "your window stayed full; reconnect with the last id you processed";
                    self.retire(ws, &mut seat, Close::Stalled, why);
                }
            }
            self.keep(ws, &mut seat);
        }
        asked
    }

    /// Sends `frame`, a notice that is no capture (a replay's progress), to
    /// every open, authorized socket, as every stream gets it; notices do
    /// not count against the window (only captures are acked).
    pub(super) fn notify_sockets(&self, frame: &Frame) {
        let Some(text) = message(frame) else { return };
        for ws in self.state.get_websockets() {
            if seated(&ws).is_some_and(|s| s.authorized && !s.closed) {
                let _ = ws.send_with_str(&text);
            }
        }
    }

    /// Every socket gets `frame` (the bin's final event), then is closed for good.
    pub(super) fn end_sockets(&self, frame: &Frame) {
        let text = message(frame);
        for ws in self.state.get_websockets() {
            if let Some(text) = &text {
                let _ = ws.send_with_str(text);
            }
            close_unseated(&ws, Close::Ended, "the bin ended");
        }
        self.open_sockets.set(0);
        self.metrics.set_sockets(0);
        self.release_waiting_senders();
    }
}

/// Sockets one object holds at most: workerd's own limit is 32,768.
const MAX_SOCKETS: u64 = 30_000;
