//! A socket's attachment and its end: reading and saving its [`Seat`],
//! closing it with one of the protocol's codes, and the count of open
//! sockets that `/metrics` shows (a seat is counted until it is closed,
//! by either side, once).

use super::BinObject;
use crate::core::stream::socket::{Close, Seat};
use worker::WebSocket;

/// The seat of `ws`, if it has one.
pub(super) fn seated(ws: &WebSocket) -> Option<Seat> {
    ws.deserialize_attachment::<Seat>().ok().flatten()
}

/// Saves `seat` on `ws`; false if it could not be saved.
pub(super) fn save(ws: &WebSocket, seat: &Seat) -> bool {
    ws.serialize_attachment(seat).is_ok()
}

/// Closes `ws`, which has no seat yet, as `why` says.
pub(super) fn close_unseated(ws: &WebSocket, why: Close, detail: &str) {
    let _ = ws.close(Some(why.code()), Some(why.reason(detail)));
}

impl BinObject {
    /// Saves `seat` on `ws`; a seat that cannot be saved closes its socket,
    /// which then resumes from the last id it processed.
    pub(super) fn keep(&self, ws: &WebSocket, seat: &mut Seat) {
        if !save(ws, seat) {
            self.retire(ws, seat, Close::Retry, "retry_ms=2000");
        }
    }

    /// Closes `ws` as `why` says, and marks its seat closed so its later
    /// messages are ignored; a socket already closed needs nothing more.
    pub(super) fn retire(&self, ws: &WebSocket, seat: &mut Seat, why: Close, detail: &str) {
        self.mark_closed(ws, seat);
        close_unseated(ws, why, detail);
    }

    /// The client closed `ws`: its seat stops counting.
    pub(super) fn forget_socket(&self, ws: &WebSocket) {
        if let Some(mut seat) = seated(ws) {
            self.mark_closed(ws, &mut seat);
        }
    }

    /// Marks `seat` closed and stops counting it, once.
    fn mark_closed(&self, ws: &WebSocket, seat: &mut Seat) {
        if !seat.closed {
            seat.closed = true;
            let _ = save(ws, seat);
            self.count_sockets(-1);
            if seat.responder {
                self.responder_gone();
            }
        }
    }

    /// Adds `change` to the open sockets and reports the count.
    pub(super) fn count_sockets(&self, change: i64) {
        let now = self.open_sockets.get().saturating_add_signed(change);
        self.open_sockets.set(now);
        self.metrics.set_sockets(now);
    }
}

/// Seats of `sockets` not yet closed: the count an object starts from
/// (sockets outlive the instance that accepted them).
pub(super) fn seats_open(sockets: &[WebSocket]) -> u64 {
    sockets.iter().filter(|ws| seated(ws).is_some_and(|s| !s.closed)).count() as u64
}
