//! A socket's side of the conversation: its greeting (notices and
//! backlog), feeding one that fell behind (or resumed) from storage as its
//! acks make room, its `ack` and `auth` messages, its close, and the
//! deadline by which a private bin's socket must show its read token (kept
//! by the bin's one alarm, not a timer).

use super::lifecycle::alarm_at;
use super::socket_io::seated;
use super::{now_ms, BinObject};
use crate::core::bin::token::Credential;
use crate::core::http::error::ApiError;
use crate::core::reply::answer::AppReply;
use crate::core::search::filter::Filter;
use crate::core::stream::backlog::Backlog;
use crate::core::stream::socket::{message, request_seq, ClientMessage, Close, Seat};
use crate::core::stream::sse::Frame;
use crate::edge::io::respond::platform;
use worker::{console_error, WebSocket};

impl BinObject {
    /// Sends an authorized new socket its notices and backlog, and saves its seat.
    pub(super) fn greet(&self, ws: &WebSocket, seat: &mut Seat, notices: &[Frame], bin: &str) -> Result<(), ApiError> {
        if seat.authorized {
            for text in notices.iter().filter_map(message) {
                let _ = ws.send_with_str(&text);
            }
            self.feed(ws, seat, bin)?;
        }
        ws.serialize_attachment(&*seat).map_err(platform("socket attachment"))
    }

    /// Sends `seat` its missed captures from storage, in order, until its
    /// window is full or it has caught up (then it goes live). A filter
    /// that turns down its allowance sends `skipped` and closes the socket,
    /// which reconnects from there, as the stream does.
    pub(super) fn feed(&self, ws: &WebSocket, seat: &mut Seat, bin: &str) -> Result<(), ApiError> {
        if !seat.behind {
            return Ok(());
        }
        let config = self.config()?;
        let filter = Filter::parse(&seat.query)?;
        let skips = if filter.only_namespace() { u64::MAX } else { config.search_scan_rows };
        let next_seq = self.bin().map_or(seat.sent + 1, |m| m.next_seq);
        let room = config.ws_window_bytes.saturating_sub(seat.unacked).max(1);
        let room = usize::try_from(room).unwrap_or(usize::MAX);
        let mut backlog = Backlog::new(bin.to_string(), filter, seat.sent, next_seq, room).with_skip_limit(skips);
        let captures = self.captures();
        while seat.unacked < config.ws_window_bytes {
            let frames = backlog.next_frames(&captures)?;
            for frame in &frames {
                let Some(text) = message(frame) else { continue };
                let _ = ws.send_with_str(&text);
                if let Some(seq) = request_seq(frame) {
                    seat.delivered(seq, text.len() as u64);
                }
            }
            if backlog.is_done() || backlog.out_of_skips() {
                break;
            }
        }
        seat.sent = backlog.position();
        if backlog.out_of_skips() {
            if let Some(text) = message(&backlog.skipped()) {
                let _ = ws.send_with_str(&text);
            }
            self.retire(ws, seat, Close::Resume, "reconnect with the skipped id");
        } else if backlog.is_done() {
            seat.behind = false;
        }
        Ok(())
    }

    /// A message from a socket: `ack` frees its window (and feeds it if it
    /// is behind); `auth` admits a private bin's socket. Anything else is ignored.
    /// Only text frames get here (`class.rs` drops binary ones).
    pub(super) async fn on_socket_message(&self, ws: WebSocket, text: &str) {
        let Ok(said) = serde_json::from_str::<ClientMessage>(text) else { return };
        let Some(mut seat) = seated(&ws).filter(|s| !s.closed) else { return };
        let Ok(config) = self.config() else { return };
        // Every message wakes the bin: a socket past its rate is closed, as a flood of HTTP requests would be refused.
        // An ack or answer that moves past captures it was sent is bounded by them, and free.
        let advancing = match &said {
            ClientMessage::Ack { seq } => seat.advanced_by(*seq),
            ClientMessage::Reply { seq, .. } => seat.responder && seat.advanced_by(*seq),
            ClientMessage::Auth { .. } => false,
        };
        if !advancing && !seat.messages.take(config.ws_message_rate(), now_ms()).allowed {
            return self.retire(&ws, &mut seat, Close::TooFast, "retry_ms=10000; too many messages");
        }
        let meta = match self.live_meta(now_ms()).await {
            Ok(meta) => meta,
            Err(err) if err.status() == 404 => return self.retire(&ws, &mut seat, Close::Ended, "the bin ended"),
            Err(_) => return self.retire(&ws, &mut seat, Close::Retry, "retry_ms=2000"),
        };
        match said {
            ClientMessage::Auth { token } if !seat.authorized => {
                if meta.authorize(Credential::Read, Some(&token)).is_err() {
                    return self.retire(&ws, &mut seat, Close::Unauthorized, "wrong read token");
                }
                // Captures that came while it waited were not sent: it catches up from where it asked.
                (seat.authorized, seat.behind) = (true, true);
            }
            ClientMessage::Auth { .. } => {}
            ClientMessage::Ack { seq } => seat.acked(seq),
            ClientMessage::Reply { seq, status, headers, body_b64, body_size } if seat.responder && advancing => {
                // An answer is also the ack of its capture: the app has it.
                seat.acked(seq);
                self.on_app_answer(AppReply { seq, status, headers, body_b64, body_size });
            }
            ClientMessage::Reply { .. } => {}
        }
        if seat.authorized && seat.unacked == 0 {
            if let Err(err) = self.feed(&ws, &mut seat, &meta.id) {
                console_error!("socket feed: {}", err);
                return self.retire(&ws, &mut seat, Close::Retry, "retry_ms=2000");
            }
        }
        self.keep(&ws, &mut seat);
    }

    /// The client closed: its seat stops counting, and its close is
    /// answered, as the protocol asks.
    pub(super) fn on_socket_close(&self, ws: &WebSocket) {
        self.forget_socket(ws);
        let _ = ws.close(Some(1000), Some("bye"));
    }

    /// Points the alarm at `deadline_ms` if it is due later (or not at all).
    pub(super) async fn arm_auth_deadline(&self, deadline_ms: i64) -> Result<(), ApiError> {
        let storage = self.state.storage();
        let due = storage.get_alarm().await.map_err(platform("get alarm"))?;
        if due.is_none_or(|d| d > deadline_ms) {
            storage.set_alarm(alarm_at(deadline_ms)).await.map_err(platform("set alarm"))?;
        }
        Ok(())
    }

    /// Closes private bins' sockets that showed no token in time; returns
    /// the next such deadline, if any socket is still waiting.
    pub(super) fn close_unauthorized(&self, now: i64) -> Option<i64> {
        let Ok(config) = self.config() else { return None };
        let mut next = None::<i64>;
        for ws in self.state.get_websockets() {
            let Some(mut seat) = seated(&ws) else { continue };
            let deadline = seat.opened_ms.saturating_add(config.ws_auth_ms());
            if seat.authorized || seat.closed {
                continue;
            } else if deadline <= now {
                self.retire(&ws, &mut seat, Close::AuthTimeout, "send {\"type\":\"auth\",\"token\":...} first");
            } else {
                next = Some(next.map_or(deadline, |n| n.min(deadline)));
            }
        }
        next
    }
}
