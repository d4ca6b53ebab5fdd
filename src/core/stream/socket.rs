//! The live channel over a WebSocket (`GET /v1/bins/{id}/ws`), for our own
//! long-lived clients: the same events as the SSE stream, with the same
//! payloads and ids, as JSON text frames. A Durable Object that holds only
//! hibernatable WebSockets can sleep between captures; one holding an SSE
//! response cannot.
//!
//! | direction | frame |
//! | --- | --- |
//! | server → client | `{"type":"<event>","id":"<bin>-<seq>" or null,"data":<the SSE event's data>}` |
//! | client → server | `{"type":"ack","seq":N}`: everything up to capture N is processed |
//! | client → server | `{"type":"auth","token":"<read token>"}`: a private bin's first message |
//! | client → server | `ping` (text): answered `pong` by the runtime, without waking the bin |
//!
//! A WebSocket `send` has no backpressure in workerd, so the server keeps
//! at most a window of unacknowledged bytes per socket; past it the socket
//! falls behind and is fed from storage, in order, as its acks come.

use crate::core::limits::bucket::Bucket;
pub use crate::core::stream::close::Close;
use crate::core::stream::sse::Frame;
use serde::{Deserialize, Serialize};

/// The text a client sends to be answered [`PONG`] by the runtime itself.
pub const PING: &str = "ping";
/// The runtime's answer to [`PING`].
pub const PONG: &str = "pong";
/// Largest attachment a socket's [`Seat`] may take, in bytes: Cloudflare's
/// documented bound (workerd's own is 16 KiB).
pub const MAX_SEAT_BYTES: usize = 2048;

/// A frame of the SSE stream as a WebSocket message; `None` for comments.
/// Our frames hold at most one `id:`, one `event:` and JSON `data:`.
pub fn message(frame: &Frame) -> Option<String> {
    let (mut id, mut name, mut data) = (None, None, Vec::new());
    for line in frame.lines() {
        if let Some(v) = line.strip_prefix("id: ") {
            id = Some(v);
        } else if let Some(v) = line.strip_prefix("event: ") {
            name = Some(v);
        } else if let Some(v) = line.strip_prefix("data: ") {
            data.push(v);
        }
    }
    let name = name?;
    let id = id.map_or_else(|| "null".to_string(), |i| serde_json::Value::from(i).to_string());
    let data = if data.is_empty() { "null".to_string() } else { data.join("\n") };
    Some(format!("{{\"type\":{},\"id\":{id},\"data\":{data}}}", serde_json::Value::from(name)))
}

/// What a client may send (besides [`PING`]).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase", deny_unknown_fields)]
pub enum ClientMessage {
    /// Everything up to capture `seq` is processed.
    Ack { seq: u64 },
    /// A private bin's read token.
    Auth { token: String },
    /// The responder's app answered capture `seq` (see [`crate::core::reply`]).
    Reply {
        seq: u64,
        status: u16,
        #[serde(default)]
        headers: Vec<(String, String)>,
        #[serde(default)]
        body_b64: Option<String>,
        #[serde(default)]
        body_size: u64,
    },
}

/// One socket's state, kept in its attachment so it survives the object's
/// sleep: who it is, what it wants, and how far it is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Seat {
    /// The client key (IPv4 address or IPv6 /64).
    pub client: String,
    /// The filters, as the query string gave them.
    pub query: String,
    /// The last capture sent, or passed over, in order: the resume point.
    pub sent: u64,
    /// The last capture delivered in a `request` message: what an ack names.
    pub delivered: u64,
    /// Bytes sent and not yet acknowledged.
    pub unacked: u64,
    /// True while the socket is fed from storage rather than live.
    pub behind: bool,
    /// False until a private bin's socket has shown its read token.
    pub authorized: bool,
    /// When it was opened, epoch ms.
    pub opened_ms: i64,
    /// Since when its window has been full, epoch ms; 0 when it is not.
    pub full_since_ms: i64,
    /// Set once the server closed it: its messages are ignored from then on.
    pub closed: bool,
    /// Its messages' token bucket (`WS_MESSAGES_PER_SECOND`).
    #[serde(default)]
    pub messages: Bucket,
    /// The last capture acknowledged (or answered), in order.
    #[serde(default)]
    pub acked: u64,
    /// True for the bin's responder (`polyhook listen --reply`).
    #[serde(default)]
    pub responder: bool,
}

/// What became of a live message offered to a socket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Offered {
    /// It fits the window: send it (the seat has counted it).
    Send,
    /// No room: the socket is fed from storage as its acks come.
    Behind,
    /// No room for longer than the stall time: the caller closes the socket (4004).
    Stalled,
}

impl Seat {
    /// A new socket's seat: `client` with `query`'s filters, resuming after
    /// `after` (a backlog to send first when `after + 1 < live_from`).
    pub fn new(client: String, query: &str, after: u64, live_from: u64, authorized: bool, now_ms: i64) -> Seat {
        Seat {
            client,
            query: query.to_string(),
            sent: after,
            delivered: 0,
            unacked: 0,
            behind: after + 1 < live_from,
            authorized,
            opened_ms: now_ms,
            full_since_ms: 0,
            closed: false,
            messages: Bucket::default(),
            acked: after,
            responder: false,
        }
    }

    /// Offers a live message of `bytes` for capture `seq` at `now_ms`,
    /// within `window_bytes` and `stall_ms`; the seat notes the outcome.
    pub fn offer(&mut self, seq: u64, bytes: u64, window_bytes: u64, now_ms: i64, stall_ms: i64) -> Offered {
        if self.has_room(bytes, window_bytes) {
            self.delivered(seq, bytes);
            return Offered::Send;
        }
        self.fell_behind(now_ms);
        if self.stalled(now_ms, stall_ms) {
            return Offered::Stalled;
        }
        Offered::Behind
    }

    /// The attachment, or `None` if it would pass [`MAX_SEAT_BYTES`].
    pub fn encode(&self) -> Option<String> {
        serde_json::to_string(self).ok().filter(|s| s.len() <= MAX_SEAT_BYTES)
    }

    /// True if this seat fits [`MAX_SEAT_BYTES`] whatever its counters grow
    /// to, so every later save of it succeeds.
    pub fn fits(&self) -> bool {
        let widest = Seat {
            sent: u64::MAX,
            delivered: u64::MAX,
            unacked: u64::MAX,
            behind: false,
            authorized: false,
            opened_ms: i64::MIN,
            full_since_ms: i64::MIN,
            closed: false,
            messages: Bucket::widest(),
            acked: u64::MAX,
            ..self.clone()
        };
        widest.encode().is_some()
    }

    /// May a live message of `bytes` go out now, within `window_bytes`?
    /// One always goes to a socket with nothing unacknowledged.
    pub fn has_room(&self, bytes: u64, window_bytes: u64) -> bool {
        !self.behind && (self.unacked == 0 || self.unacked.saturating_add(bytes) <= window_bytes)
    }

    /// Notes a `request` message of `bytes` delivered for capture `seq`.
    /// Only captures count against the window: a client acks what it got.
    pub fn delivered(&mut self, seq: u64, bytes: u64) {
        self.sent = self.sent.max(seq);
        self.delivered = self.delivered.max(seq);
        self.unacked = self.unacked.saturating_add(bytes);
    }

    /// Notes that the window was full at `now_ms`; from then on the socket is fed from storage.
    pub fn fell_behind(&mut self, now_ms: i64) {
        self.behind = true;
        if self.full_since_ms == 0 {
            self.full_since_ms = now_ms;
        }
    }

    /// True once the window has stayed full for `stall_ms` at `now_ms`.
    pub fn stalled(&self, now_ms: i64, stall_ms: i64) -> bool {
        self.full_since_ms > 0 && now_ms.saturating_sub(self.full_since_ms) >= stall_ms
    }

    /// An ack up to `seq`: once every delivered capture is acknowledged the window is empty.
    pub fn acked(&mut self, seq: u64) {
        self.acked = self.acked.max(seq.min(self.delivered));
        if seq >= self.delivered {
            self.unacked = 0;
            self.full_since_ms = 0;
        }
    }
}

impl Seat {
    /// True if an ack or reply naming `seq` moves past captures delivered
    /// and not yet acknowledged. Such messages are bounded by the captures
    /// sent, so they do not draw on the socket's message rate.
    pub fn advanced_by(&self, seq: u64) -> bool {
        self.acked < seq && seq <= self.delivered
    }
}

/// The capture a `request` frame carries, from its `<bin>-<seq>` id.
pub fn request_seq(frame: &Frame) -> Option<u64> {
    let mut lines = frame.lines();
    let id = lines.next()?.strip_prefix("id: ")?;
    (lines.next()? == "event: request").then_some(())?;
    id.rsplit_once('-')?.1.parse().ok()
}

#[cfg(test)]
#[path = "socket_tests.rs"]
mod tests;
