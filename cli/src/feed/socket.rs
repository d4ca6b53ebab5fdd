//! The WebSocket transport: `GET /v1/bins/{id}/ws`, which lets a watched
//! bin sleep between captures. The server keeps a window of unacknowledged
//! bytes per socket, so the client acks what it has processed: within a
//! second, and at once past [`ACK_BYTES`] (each ack is a message the bin
//! must wake for, so they are coalesced, not sent per capture); it sends
//! `ping` (answered `pong` by the runtime without waking the bin) when the
//! line has been quiet, and gives the connection up when even that goes
//! unanswered.

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use serde::Deserialize;
use tokio::net::TcpStream;
use tokio::time::{timeout, Instant};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::tungstenite::{Error as WsError, Message};
use tokio_tungstenite::{connect_async, MaybeTlsStream, WebSocketStream};

use super::link::{refusal, Incoming, Refusal};
use crate::api::Api;
use crate::error::CliError;

/// Quiet time after which the client pings, and then gives up.
const QUIET: Duration = Duration::from_secs(30);
/// Longest a processed capture waits to be acknowledged.
const ACK_WITHIN: Duration = Duration::from_secs(1);
/// Bytes received since the last ack that make the next one go at once:
/// well inside the server's window (1 MiB by default).
const ACK_BYTES: usize = 256 * 1024;
/// Longest wait for the upgrade.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Answers that mean the service has no `/ws` (the twins, older versions).
const NO_SOCKET: [u16; 6] = [400, 404, 405, 426, 501, 505];

/// A server message: `{"type","id","data"}`, and `reply_ms` on a capture
/// whose sender waits for the responder's answer.
#[derive(Deserialize)]
struct ServerMessage {
    #[serde(rename = "type")]
    name: String,
    data: serde_json::Value,
    #[serde(default)]
    reply_ms: Option<u64>,
}

/// One open socket.
pub struct Socket {
    ws: WebSocketStream<MaybeTlsStream<TcpStream>>,
    /// The last capture acknowledged.
    acked: u64,
    /// The last capture processed: what the next ack names.
    done: u64,
    /// Bytes received since the last ack.
    unacked_bytes: usize,
    acked_at: Instant,
    heard: Instant,
    pinged: bool,
    /// Ack each capture once processed (the responder: the service must
    /// know at once that it is caught up).
    eager: bool,
}

impl Socket {
    /// Opens `bin`'s socket after capture `after`, with the read token (if
    /// any) in a header, never in the URL; with `owner` (the delete token)
    /// as the bin's responder.
    pub async fn open(api: &Api, bin: &str, after: u64, owner: Option<&str>) -> Result<Socket, Refusal> {
        let reply = if owner.is_some() { "&reply=1" } else { "" };
        let url = format!("{}/v1/bins/{bin}/ws?last_event_id={after}{reply}", ws_base(&api.base));
        let mut req = url.into_client_request().map_err(|e| Refusal::Fatal(CliError::fail(format!("socket: {e}"))))?;
        let headers = req.headers_mut();
        headers.insert("user-agent", HeaderValue::from_static(concat!("polyhook-cli/", env!("CARGO_PKG_VERSION"))));
        if let Some(token) = api.read_token().and_then(|t| HeaderValue::from_str(t).ok()) {
            headers.insert("x-authorization", token);
        }
        if let Some(token) = owner.and_then(|t| HeaderValue::from_str(t).ok()) {
            headers.insert("x-delete-token", token);
        }
        match timeout(CONNECT_TIMEOUT, connect_async(req)).await {
            Ok(Ok((ws, _))) => {
                let now = Instant::now();
                let eager = owner.is_some();
                let (acked, done, unacked_bytes) = (after, after, 0);
                Ok(Socket { ws, acked, done, unacked_bytes, acked_at: now, heard: now, pinged: false, eager })
            }
            Ok(Err(WsError::Http(res))) => {
                let retry_after = res.headers().get("retry-after").and_then(|v| v.to_str().ok());
                let body = res.body().as_deref().unwrap_or_default();
                Err(refusal(res.status().as_u16(), retry_after, body, &format!("open bin {bin}"), &NO_SOCKET))
            }
            Ok(Err(_)) | Err(_) => Err(Refusal::Later(None)),
        }
    }

    /// Everything up to capture `seq` is processed; acked by [`Socket::next`].
    pub fn processed(&mut self, seq: u64) {
        self.done = self.done.max(seq);
    }

    /// Acks what is processed if it is due: a second after the last ack,
    /// or past [`ACK_BYTES`] received.
    async fn ack_if_due(&mut self) -> Result<(), WsError> {
        let due = self.eager || self.unacked_bytes >= ACK_BYTES || self.acked_at.elapsed() >= ACK_WITHIN;
        if self.done > self.acked && due {
            self.ws.send(Message::text(format!("{{\"type\":\"ack\",\"seq\":{}}}", self.done))).await?;
            (self.acked, self.unacked_bytes, self.acked_at) = (self.done, 0, Instant::now());
        }
        Ok(())
    }

    /// Sends the app's answer to capture `seq` (a `reply` message), which
    /// also acknowledges it.
    pub async fn answer(&mut self, seq: u64, text: String) -> Result<(), WsError> {
        self.ws.send(Message::text(text)).await?;
        self.done = self.done.max(seq);
        (self.acked, self.unacked_bytes, self.acked_at) = (self.acked.max(seq), 0, Instant::now());
        Ok(())
    }

    /// The next event, or how the socket ended.
    pub async fn next(&mut self) -> Incoming {
        loop {
            if self.ack_if_due().await.is_err() {
                return Incoming::Dropped(None);
            }
            let quiet_until = self.heard + QUIET * if self.pinged { 2 } else { 1 };
            // A processed capture is acked within a second even when nothing more comes.
            let ack_at = (self.done > self.acked).then(|| self.acked_at + ACK_WITHIN);
            let wake = ack_at.map_or(quiet_until, |a| a.min(quiet_until));
            let Ok(message) = tokio::time::timeout_at(wake, self.ws.next()).await else {
                if ack_at.is_some_and(|a| a <= Instant::now()) {
                    continue;
                }
                if self.pinged || self.ws.send(Message::text("ping")).await.is_err() {
                    return Incoming::Dropped(None);
                }
                self.pinged = true;
                continue;
            };
            (self.heard, self.pinged) = (Instant::now(), false);
            match message {
                Some(Ok(Message::Text(text))) => {
                    self.unacked_bytes = self.unacked_bytes.saturating_add(text.len());
                    if let Ok(m) = serde_json::from_str::<ServerMessage>(&text) {
                        return Incoming::Event { name: m.name, data: m.data.to_string(), reply_ms: m.reply_ms };
                    }
                }
                Some(Ok(Message::Close(frame))) => {
                    return frame.map_or(Incoming::Dropped(None), |f| closed(u16::from(f.code), &f.reason))
                }
                Some(Ok(_)) => {}
                Some(Err(_)) | None => return Incoming::Dropped(None),
            }
        }
    }
}

/// The service's base with `ws` for `http` and `wss` for `https`.
fn ws_base(base: &str) -> String {
    match base.split_once("://") {
        Some(("https", rest)) => format!("wss://{rest}"),
        Some(("http", rest)) => format!("ws://{rest}"),
        _ => base.to_string(),
    }
}

/// What a close with `code` and `reason` means (the codes are documented
/// in the service's protocol): 4000 the bin ended, 4001 the token was
/// refused, 4009 a newer responder took over, any other a reconnect,
/// after `retry_ms=N` when the reason says so.
fn closed(code: u16, reason: &str) -> Incoming {
    match code {
        4000 => Incoming::Ended,
        4001 => Incoming::Fatal(CliError::fail(format!("the service refused the read token ({reason})"))),
        4009 => Incoming::Fatal(CliError::fail(
            "another `polyhook listen --reply` took over as this bin's responder; this one stops here",
        )),
        _ => Incoming::Dropped(retry_ms(reason)),
    }
}

/// The `retry_ms=N` hint in a close reason, if there is one.
fn retry_ms(reason: &str) -> Option<u64> {
    let digits: String = reason.split("retry_ms=").nth(1)?.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bases_become_socket_urls() {
        assert_eq!(ws_base("https://hooks.example.dev"), "wss://hooks.example.dev");
        assert_eq!(ws_base("http://127.0.0.1:8787"), "ws://127.0.0.1:8787");
    }

    #[test]
    fn close_codes_are_read_as_documented() {
        assert!(matches!(closed(4000, "the bin ended"), Incoming::Ended));
        assert!(matches!(closed(4001, "wrong read token"), Incoming::Fatal(_)));
        assert!(matches!(closed(4009, "a newer responder"), Incoming::Fatal(ref e) if e.message.contains("took over")));
        assert!(matches!(closed(4006, "retry_ms=2000"), Incoming::Dropped(Some(2000))));
        assert!(matches!(closed(4008, "retry_ms=10000; too many messages"), Incoming::Dropped(Some(10_000))));
        assert!(matches!(closed(4004, "your window stayed full"), Incoming::Dropped(None)));
        assert!(matches!(closed(1001, "going away"), Incoming::Dropped(None)));
    }
}
