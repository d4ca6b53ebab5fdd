//! `GET /v1/bins/{id}/ws`: the live feed over a WebSocket accepted with the
//! Hibernation API, so a bin watched only this way sleeps between captures
//! and is woken, sockets still connected, by the next one. Each socket's
//! state is its attachment (a [`Seat`]); nothing else is kept for it, so a
//! woken object knows its subscribers without a round trip.

use super::{now_ms, BinObject};
use crate::core::bin::meta::BinMeta;
use crate::core::capture::model::Capture;
use crate::core::config::Config;
use crate::core::http::error::ApiError;
use crate::core::http::query::param;
use crate::core::limits::client::client_key;
use crate::core::search::filter::Filter;
use crate::core::stream::backlog::CaptureSource;
use crate::core::stream::resume;
use crate::core::stream::socket::{message, Close, Seat, MAX_SEAT_BYTES, PING, PONG};
use crate::core::stream::sse::Frame;
use crate::edge::io::respond::platform;
use worker::{Request, Response, WebSocket, WebSocketPair, WebSocketRequestResponsePair};

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
            unacked: 0,
            behind: start.backlog_after + 1 < start.live_from,
            authorized,
            opened_ms: now,
            full_since_ms: 0,
        };
        if seat.encode().is_none() {
            return Err(ApiError::bad_request("filters too long for a live socket")
                .with_details(format!("a socket's filters and state must fit {MAX_SEAT_BYTES} bytes")));
        }
        let busy = self.socket_busy(&config, &seat.client);
        let pair = WebSocketPair::new().map_err(platform("websocket pair"))?;
        self.state.accept_websocket_with_tags(&pair.server, &[seat.client.as_str()]);
        let pong = WebSocketRequestResponsePair::new(PING, PONG).map_err(|e| ApiError::internal(format!("{e:?}")))?;
        self.state.set_websocket_auto_response(&pong);
        if let Some(reason) = busy {
            close(&pair.server, Close::Busy, &reason);
        } else if authorized {
            for notice in &start.notices {
                if let Some(text) = message(notice) {
                    let _ = pair.server.send_with_str(&text);
                }
            }
            self.feed(&pair.server, &mut seat, &meta.id)?;
        } else {
            self.arm_auth_deadline(now.saturating_add(auth_ms(&config))).await?;
        }
        pair.server.serialize_attachment(&seat).map_err(platform("socket attachment"))?;
        Response::from_websocket(pair.client).map_err(platform("socket response"))
    }

    /// Why a new socket of `client` must wait, if it must: the same caps as streams.
    fn socket_busy(&self, config: &Config, client: &str) -> Option<String> {
        let retry_ms = 10_000 + now_ms().rem_euclid(10_000);
        let all = self.hub.borrow().len() + self.state.get_websockets().len();
        if all as u64 >= config.sse_max_subscribers.min(MAX_SOCKETS) {
            return Some(format!("busy: this bin has all its live channels; retry_ms={retry_ms}"));
        }
        let mine = self.hub.borrow().count_of(client) + self.state.get_websockets_with_tag(client).len();
        (mine as u64 >= config.sse_max_per_client)
            .then(|| format!("busy: your address has all its live channels here; retry_ms={retry_ms}"))
    }

    /// Sends `frame`, the event of `capture`, to every socket that wants it
    /// and has room; one without room falls behind and is fed from storage
    /// as its acks come, or is closed once its window stayed full too long.
    pub(super) fn publish_sockets(&self, capture: &Capture, frame: &Frame) {
        let (Some(text), Ok(config)) = (message(frame), self.config()) else { return };
        let (now, bytes) = (now_ms(), text.len() as u64);
        let stall_ms = i64::try_from(config.sse_stall_s.saturating_mul(1000)).unwrap_or(i64::MAX);
        for ws in self.state.get_websockets() {
            let Ok(Some(mut seat)) = ws.deserialize_attachment::<Seat>() else { continue };
            if !seat.authorized || !Filter::parse(&seat.query).is_ok_and(|f| f.matches_record(capture)) {
                continue;
            }
            if seat.has_room(bytes, config.ws_window_bytes) {
                let _ = ws.send_with_str(&text);
                seat.sent(capture.seq, bytes);
            } else {
                seat.fell_behind(now);
                if seat.stalled(now, stall_ms) {
                    close(&ws, Close::Stalled, "your window stayed full; reconnect with the last id you processed");
                    continue;
                }
            }
            let _ = ws.serialize_attachment(&seat);
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

/// How long a private bin's socket has to show its token, in ms.
pub(super) fn auth_ms(config: &Config) -> i64 {
    i64::try_from(config.ws_auth_s.saturating_mul(1000)).unwrap_or(i64::MAX)
}
