//! A bin's live feed as a sequence of typed events that survives
//! disconnects: every (re)connect resumes right after the capture the
//! caller names, so nothing is skipped however often the connection drops.
//! It uses the WebSocket, which lets the bin sleep, and falls back to SSE
//! against a service without one (the twins).

mod link;
mod socket;
mod sse;

use std::time::Duration;

pub use link::Transport;
use link::{Incoming, Refusal};
use socket::Socket;
use sse::Sse;

use crate::api::Api;
use crate::error::CliError;
use crate::wire::{Capture, Ended, Lost, Reset};

/// One event of the feed that matters to a client.
#[derive(Debug)]
pub enum FeedEvent {
    /// A connection opened over this transport.
    Connected(Transport),
    /// A capture, with its body; for the responder, how long its sender
    /// waits for the app's answer (ms), when it does.
    Capture(Box<Capture>, Option<u64>),
    /// Seated as the bin's responder, on these terms.
    Responder(Terms),
    /// Captures evicted before they could be sent.
    Lost(Lost),
    /// The resume point was unusable; the feed went live.
    Reset(Reset),
    /// The bin was deleted or expired; nothing more will come.
    Ended(Ended),
}

/// Longest wait between reconnects, in milliseconds.
const MAX_WAIT_MS: u64 = 10_000;

enum Open {
    Socket(Box<Socket>),
    Sse(Sse),
}

/// A reconnecting subscription to one bin.
pub struct Feed {
    api: Api,
    bin: String,
    want: Transport,
    /// Set once the service showed it has no socket: SSE from then on.
    no_socket: bool,
    open: Option<Open>,
    failures: u32,
    /// The server's hint for the next reconnect, in milliseconds.
    retry_hint_ms: Option<u64>,
    /// The bin's delete token, to connect as its responder.
    owner: Option<String>,
}

/// What the service told its responder: how long a sender waits, and the
/// largest body it passes on.
#[derive(Debug, Clone, Copy, serde::Deserialize)]
pub struct Terms {
    pub timeout_ms: u64,
    pub max_body_bytes: u64,
}

impl Feed {
    /// A subscription to `bin` over `want`; nothing is opened until [`Feed::next`].
    pub fn new(api: Api, bin: &str, want: Transport) -> Feed {
        let bin = bin.to_string();
        Feed { api, bin, want, no_socket: false, open: None, failures: 0, retry_hint_ms: None, owner: None }
    }

    /// The same feed, connected as the bin's responder with its delete
    /// token `owner` (over the WebSocket only).
    pub fn responder(mut self, owner: String) -> Feed {
        self.owner = Some(owner);
        self
    }

    /// Sends the app's answer to capture `seq` (the `reply` message
    /// `text`). With the socket gone it is dropped: the capture is
    /// checkpointed, and only the service's record of the answer is lost.
    pub async fn answer(&mut self, seq: u64, text: String) {
        if let Some(Open::Socket(ws)) = self.open.as_mut() {
            if ws.answer(seq, text).await.is_err() {
                self.open = None;
            }
        }
    }

    /// The next event. `after` is the last capture the caller is done with:
    /// the socket acknowledges it (within a second), and a reconnect
    /// resumes right after it.
    /// Errors only for answers that no retry can fix (401, 403; 404 is
    /// [`CliError::gone`]).
    pub async fn next(&mut self, after: u64) -> Result<FeedEvent, CliError> {
        loop {
            let incoming = match self.open.as_mut() {
                None => {
                    if let Some(transport) = self.connect(after).await? {
                        return Ok(FeedEvent::Connected(transport));
                    }
                    continue;
                }
                Some(Open::Sse(sse)) => sse.next().await,
                Some(Open::Socket(ws)) => {
                    ws.processed(after);
                    ws.next().await
                }
            };
            match incoming {
                Incoming::Event { name, data, reply_ms } => {
                    if let Some(e) = decode(&name, &data, reply_ms)? {
                        self.failures = 0;
                        return Ok(e);
                    }
                }
                Incoming::Dropped(hint) => {
                    self.open = None;
                    self.retry_hint_ms = hint;
                    self.pause().await;
                }
                Incoming::Ended => return Ok(FeedEvent::Ended(Ended { reason: "ended".into() })),
                Incoming::Fatal(e) => return Err(e),
            }
        }
    }

    /// Opens a connection after `after`: the transport it opened, or `None`
    /// after a pause when the service asked to come back later.
    async fn connect(&mut self, after: u64) -> Result<Option<Transport>, CliError> {
        let mut opened = Err(Refusal::Unsupported);
        if self.want == Transport::Websocket || (self.want == Transport::Auto && !self.no_socket) {
            opened = Socket::open(&self.api, &self.bin, after, self.owner.as_deref())
                .await
                .map(|s| (Open::Socket(Box::new(s)), Transport::Websocket));
            // A service without `/ws` (the twins) is asked for SSE at once, and from then on.
            self.no_socket = matches!(opened, Err(Refusal::Unsupported));
            if self.no_socket && self.owner.is_some() {
                return Err(CliError::fail("this service has no WebSocket, so it cannot pass your app's answers on; run listen without --reply"));
            }
        }
        if self.want == Transport::Sse || (self.want == Transport::Auto && self.no_socket) {
            opened = Sse::open(&self.api, &self.bin, after).await.map(|s| (Open::Sse(s), Transport::Sse));
        }
        match opened {
            Ok((open, transport)) => {
                self.open = Some(open);
                Ok(Some(transport))
            }
            Err(Refusal::Later(hint)) => {
                self.retry_hint_ms = hint;
                self.pause().await;
                Ok(None)
            }
            Err(Refusal::Unsupported) => Err(CliError::fail("the service has no WebSocket feed; try --transport sse")),
            Err(Refusal::Fatal(e)) => Err(e),
        }
    }

    /// Waits before the next connect: a doubling backoff, or the server's
    /// hint when it gave a longer one (a full bin asks for 10 to 20 s).
    async fn pause(&mut self) {
        self.failures = self.failures.saturating_add(1);
        let backoff = 250u64.saturating_mul(1 << self.failures.min(6)).min(MAX_WAIT_MS);
        let wait = self.retry_hint_ms.take().map_or(backoff, |hint| hint.max(backoff));
        tokio::time::sleep(Duration::from_millis(wait)).await;
    }
}

/// The event named `name` with JSON `data` (and the responder's `reply_ms`),
/// if it is one a client acts on.
fn decode(name: &str, data: &str, reply_ms: Option<u64>) -> Result<Option<FeedEvent>, CliError> {
    let parse = |what: &str| CliError::fail(format!("the feed sent a {what} event this client cannot read"));
    Ok(Some(match name {
        "request" => FeedEvent::Capture(Box::new(serde_json::from_str(data).map_err(|_| parse("request"))?), reply_ms),
        "responder" => FeedEvent::Responder(serde_json::from_str(data).map_err(|_| parse("responder"))?),
        "lost" => FeedEvent::Lost(serde_json::from_str(data).map_err(|_| parse("lost"))?),
        "reset" => FeedEvent::Reset(serde_json::from_str(data).map_err(|_| parse("reset"))?),
        "deleted" | "expired" => FeedEvent::Ended(serde_json::from_str(data).map_err(|_| parse("end"))?),
        // `replay`, `response`, `listener`, `skipped` (no filters here) and whatever later versions add.
        _ => return Ok(None),
    }))
}
