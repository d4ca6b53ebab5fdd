//! The bin's responder (`polyhook listen --reply`): seating it (only the
//! owner, one at a time; a newer one replaces the older), telling viewers
//! whether one is connected, and letting the senders that wait for it go
//! when it leaves. Its state is its seat, so it survives the bin's sleep.

use super::socket_io::seated;
use super::BinObject;
use crate::core::bin::meta::BinMeta;
use crate::core::bin::token::Credential;
use crate::core::config::Config;
use crate::core::http::error::ApiError;
use crate::core::reply::notices;
use crate::core::search::filter::Filter;
use crate::core::stream::events::notice;
use crate::core::stream::socket::{message, Close, Seat};
use crate::edge::io::incoming::Incoming;
use worker::WebSocket;

/// The tag a responder's socket is accepted with, so an ingest finds it
/// without reading every socket's seat (client keys are addresses).
pub(super) const RESPONDER_TAG: &str = "@responder";

/// The header the owner's delete token comes in.
const DELETE_TOKEN: &str = "x-delete-token";

impl BinObject {
    /// Checks that the upgrade `req` may seat bin `meta`'s responder: the
    /// delete token, and no filters (a responder takes every capture).
    pub(super) fn check_responder(&self, req: &Incoming, meta: &BinMeta, filter: &Filter) -> Result<(), ApiError> {
        let token = req.headers().get(DELETE_TOKEN).ok().flatten();
        meta.authorize(Credential::Delete, token.as_deref())?;
        if !(filter.only_namespace() && filter.namespace.is_root()) {
            return Err(ApiError::bad_request("invalid reply")
                .with_details("reply: a responder takes every capture; drop the filters"));
        }
        Ok(())
    }

    /// The open responder and its seat, if one is connected.
    pub(super) fn responder(&self) -> Option<(WebSocket, Seat)> {
        self.state.get_websockets_with_tag(RESPONDER_TAG).into_iter().find_map(|ws| {
            let seat = seated(&ws).filter(|s| s.responder && !s.closed)?;
            Some((ws, seat))
        })
    }

    /// Closes the current responder, if any (4009): a newer one takes over.
    pub(super) fn take_over(&self) {
        if let Some((ws, mut seat)) = self.responder() {
            self.retire(&ws, &mut seat, Close::Replaced, "a newer responder of this bin took over");
        }
    }

    /// Tells the new responder `ws` the terms it answers under, and every
    /// viewer that it is connected.
    pub(super) fn seat_responder(&self, ws: &WebSocket, config: &Config, since_ms: i64) {
        let terms = serde_json::json!({
            "timeout_ms": config.reply_timeout_ms,
            "max_body_bytes": config.reply_max_body_bytes,
        });
        if let Some(text) = message(&notice("responder", &terms)) {
            let _ = ws.send_with_str(&text);
        }
        self.tell_viewers(&notices::listener(Some(since_ms)));
    }

    /// The responder's seat closed: the senders waiting for it get their
    /// fallback now, and viewers learn that none is connected.
    pub(super) fn responder_gone(&self) {
        self.release_waiting_senders();
        self.tell_viewers(&notices::listener(None));
    }

    /// The `listener` notice a new viewer starts with, when a responder is connected.
    pub(super) fn listener_notice(&self) -> Option<crate::core::stream::sse::Frame> {
        self.responder().map(|(_, seat)| notices::listener(Some(seat.opened_ms)))
    }

    /// Sends `frame` to every stream and socket.
    pub(super) fn tell_viewers(&self, frame: &crate::core::stream::sse::Frame) {
        let fanout = self.hub.borrow_mut().broadcast(frame);
        self.count_fanout(fanout);
        self.notify_sockets(frame);
    }
}
