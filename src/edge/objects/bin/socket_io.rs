//! A socket's attachment and its closes: reading and saving its [`Seat`],
//! and closing it with one of the protocol's codes.

use crate::core::stream::socket::{Close, Seat};
use worker::WebSocket;

/// Closes `ws` as `why` says; a socket already closed needs nothing more.
pub(super) fn close(ws: &WebSocket, why: Close, detail: &str) {
    let _ = ws.close(Some(why.code()), Some(why.reason(detail)));
}

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
