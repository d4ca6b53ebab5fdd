//! `GET /v1/bins/{id}/ws`: the live feed over a WebSocket accepted with the
//! Hibernation API, so a bin watched only this way sleeps between captures
//! and is woken, sockets still connected, by the next one. Each socket's
//! state is its attachment (a [`Seat`]); nothing else is kept for it, so a
//! woken object knows its subscribers without a round trip.

use super::{now_ms, BinObject};
use crate::core::bin::meta::BinMeta;
use crate::core::capture::model::Capture;
use crate::core::config::Config;
use crate::core::http::error::{ApiError, ErrorKind};
use crate::core::http::query::param;
use crate::core::limits::client::client_key;
use crate::core::search::filter::Filter;
use crate::core::stream::backlog::CaptureSource;
use crate::core::stream::resume;
use crate::core::stream::socket::{message, Close, Seat, MAX_SEAT_BYTES, PING, PONG};
use crate::core::stream::sse::Frame;
use crate::edge::io::respond::platform;
use worker::{console_error, Request, Response, WebSocket, WebSocketPair, WebSocketRequestResponsePair};

/// Closes `ws` as `why` says; a socket already closed needs nothing more.
pub(super) fn close(ws: &WebSocket, why: Close, detail: &str) {
    let _ = ws.close(Some(why.code()), Some(why.reason(detail)));
}

impl BinObject {
    /// Opens a socket on bin `meta` for the request's filters and resume point.
    pub(super) async fn open_socket(
        &self,
        req: &Request,
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
        // A ticket or an X-Authorization header authorizes now; a private bin may also show its token in the first message.
        let presented = param(query, "ticket").is_some() || req.headers().has("x-authorization").unwrap_or(false);
        let authorized = match self.authorize_read(req, meta, &crate::core::http::route::BinRoute::Stream, query, now) {
            Ok(()) => true,
            Err(err) if presented => return Err(err),
            Err(_) => false,
        };
        let asked = resume::asked(&meta.id, None, param(query, "last_event_id").as_deref());
        let start = resume::plan(&asked, meta.next_seq, self.captures().oldest_seq()?)?;
        let client = client_key(req.headers().get("cf-connecting-ip").ok().flatten().as_deref());
        let mut seat = Seat {
            client,
            query: query.to_string(),
            sent: start.backlog_after,
            delivered: 0,
            unacked: 0,
            behind: start.backlog_after + 1 < start.live_from,
            authorized,
            opened_ms: now,
            full_since_ms: 0,
            closed: false,
        };
        if !seat.fits() {
            return Err(ApiError::bad_request("filters too long for a live socket")
                .with_details(format!("a socket's filters and state must fit {MAX_SEAT_BYTES} bytes")));
        }
        // Refused before the upgrade: a socket accepted and then closed would hold a slot until its client answered.
        self.socket_admit(&config, &seat, !filter.only_namespace() && seat.behind, now)?;
        if !authorized {
            self.arm_auth_deadline(now.saturating_add(auth_ms(&config))).await?;
        }
        let pair = WebSocketPair::new().map_err(platform("websocket pair"))?;
        self.state.accept_websocket_with_tags(&pair.server, &[seat.client.as_str()]);
        if let Ok(pong) = WebSocketRequestResponsePair::new(PING, PONG) {
            self.state.set_websocket_auto_response(&pong);
        }
        // From here on a failure closes the socket with a retry hint rather than leaving it half open.
        if let Err(err) = self.greet(&pair.server, &mut seat, &start.notices, &meta.id) {
            console_error!("socket open: {}", err);
            close(&pair.server, Close::Retry, "retry_ms=2000");
        }
        Response::from_websocket(pair.client).map_err(platform("socket response"))
    }

    /// Sends an authorized new socket its notices and backlog, and saves its seat.
    fn greet(&self, ws: &WebSocket, seat: &mut Seat, notices: &[Frame], bin: &str) -> Result<(), ApiError> {
        if seat.authorized {
            for text in notices.iter().filter_map(message) {
                let _ = ws.send_with_str(&text);
            }
            self.feed(ws, seat, bin)?;
        }
        ws.serialize_attachment(&*seat).map_err(platform("socket attachment"))
    }

    /// Lets a new socket in, or the 429 to answer before the upgrade: the
    /// stream's caps (sockets and streams together), a small cap on sockets
    /// still owing a private bin's token, and for a filtered catch-up a
    /// search token, as on the stream.
    fn socket_admit(&self, config: &Config, seat: &Seat, filtered_catch_up: bool, now: i64) -> Result<(), ApiError> {
        let sockets = self.state.get_websockets();
        let all = (self.hub.borrow().len() + sockets.len()) as u64;
        let mine =
            (self.hub.borrow().count_of(&seat.client) + self.state.get_websockets_with_tag(&seat.client).len()) as u64;
        let waiting = || sockets.iter().filter(|ws| !seated(ws).is_some_and(|s| s.authorized)).count();
        let why = if all >= config.sse_max_subscribers.min(MAX_SOCKETS) {
            "this bin has all its live channels"
        } else if mine >= config.sse_max_per_client {
            "your address has all its live channels here"
        } else if !seat.authorized && waiting() >= MAX_WAITING_FOR_TOKEN {
            "too many sockets are waiting to show this bin's token"
        } else if filtered_catch_up && self.take_search_of(&seat.client, now).is_err() {
            "your search budget for this bin is spent; a filtered catch-up draws on it"
        } else {
            return Ok(());
        };
        let retry_s = 10 + now.rem_euclid(10);
        Err(ApiError::new(ErrorKind::RateLimited, "busy")
            .with_details(format!("{why}; try again later"))
            .with_header("retry-after", retry_s.to_string()))
    }

    /// Sends `frame`, the event of `capture`, to every socket that wants it
    /// and has room; one without room falls behind and is fed from storage
    /// as its acks come, or is closed once its window stayed full too long.
    pub(super) fn publish_sockets(&self, capture: &Capture, frame: &Frame) {
        let (Some(text), Ok(config)) = (message(frame), self.config()) else { return };
        let (now, bytes) = (now_ms(), text.len() as u64);
        let stall_ms = i64::try_from(config.sse_stall_s.saturating_mul(1000)).unwrap_or(i64::MAX);
        for ws in self.state.get_websockets() {
            let Some(mut seat) = seated(&ws) else { continue };
            if seat.closed || !seat.authorized || !Filter::parse(&seat.query).is_ok_and(|f| f.matches_record(capture)) {
                continue;
            }
            if seat.has_room(bytes, config.ws_window_bytes) {
                let _ = ws.send_with_str(&text);
                seat.delivered(capture.seq, bytes);
            } else {
                seat.fell_behind(now);
                if seat.stalled(now, stall_ms) {
                    seat.closed = true;
                    close(&ws, Close::Stalled, "your window stayed full; reconnect with the last id you processed");
                }
            }
            save(&ws, &seat);
        }
    }

    /// Every socket gets `frame` (the bin's final event), then is closed for good.
    pub(super) fn end_sockets(&self, frame: &Frame) {
        let text = message(frame);
        for ws in self.state.get_websockets() {
            if let Some(text) = &text {
                let _ = ws.send_with_str(text);
            }
            close(&ws, Close::Ended, "the bin ended");
        }
    }
}

/// Sockets one object holds at most: workerd's own limit is 32,768.
const MAX_SOCKETS: u64 = 30_000;
/// Sockets of a private bin that may wait at once to show its token.
const MAX_WAITING_FOR_TOKEN: usize = 20;

/// The seat of `ws`, if it has one.
pub(super) fn seated(ws: &WebSocket) -> Option<Seat> {
    ws.deserialize_attachment::<Seat>().ok().flatten()
}

/// Saves `seat` on `ws`; a seat that cannot be saved closes its socket,
/// which then resumes from the last id it processed.
pub(super) fn save(ws: &WebSocket, seat: &Seat) {
    if ws.serialize_attachment(seat).is_err() {
        close(ws, Close::Retry, "retry_ms=2000");
    }
}

/// How long a private bin's socket has to show its token, in ms.
pub(super) fn auth_ms(config: &Config) -> i64 {
    i64::try_from(config.ws_auth_s.saturating_mul(1000)).unwrap_or(i64::MAX)
}
