//! A bin's stream as a sequence of typed events that survives disconnects:
//! every (re)connect resumes with `Last-Event-ID` from the point the caller
//! names, so nothing is skipped however often the connection drops.

use std::pin::Pin;
use std::time::Duration;

use eventsource_stream::{Event, EventStreamError, Eventsource};
use futures_util::{Stream, StreamExt};
use reqwest::StatusCode;

use crate::api::{answer_error, Api};
use crate::error::CliError;
use crate::wire::{Capture, Ended, Lost, Reset};

/// One event of the stream that matters to a client.
#[derive(Debug)]
pub enum FeedEvent {
    /// A capture, with its body.
    Capture(Box<Capture>),
    /// Captures evicted before they could be sent.
    Lost(Lost),
    /// The resume point was unusable; the stream went live.
    Reset(Reset),
    /// The bin was deleted or expired; nothing more will come.
    Ended(Ended),
}

type Frames = Pin<Box<dyn Stream<Item = Result<Event, EventStreamError<reqwest::Error>>> + Send>>;

/// Longest wait between reconnects, in milliseconds.
const MAX_WAIT_MS: u64 = 10_000;

/// A reconnecting subscription to one bin.
pub struct Feed {
    api: Api,
    bin: String,
    frames: Option<Frames>,
    failures: u32,
    /// The server's `retry:` hint, in milliseconds.
    retry_hint_ms: Option<u64>,
}

impl Feed {
    /// A subscription to `bin`; nothing is opened until [`Feed::next`].
    pub fn new(api: Api, bin: &str) -> Feed {
        Feed { api, bin: bin.to_string(), frames: None, failures: 0, retry_hint_ms: None }
    }

    /// The next event. `after` is the last capture the caller is done with;
    /// a reconnect resumes right after it. Errors only for answers that no
    /// retry can fix (401, 403; 404 is [`CliError::gone`]).
    pub async fn next(&mut self, after: u64) -> Result<FeedEvent, CliError> {
        loop {
            let frames = match self.frames.as_mut() {
                Some(f) => f,
                None => {
                    self.connect(after).await?;
                    continue;
                }
            };
            match frames.next().await {
                Some(Ok(event)) => {
                    if let Some(r) = event.retry {
                        self.retry_hint_ms = u64::try_from(r.as_millis()).ok();
                    }
                    if let Some(e) = self.decode(&event)? {
                        self.failures = 0;
                        return Ok(e);
                    }
                }
                // A dropped or ended connection: come back after `after`.
                Some(Err(_)) | None => {
                    self.frames = None;
                    self.pause().await;
                }
            }
        }
    }

    async fn connect(&mut self, after: u64) -> Result<(), CliError> {
        match self.api.open_stream(&self.bin, after).await {
            Ok(res) if res.status() == StatusCode::OK => {
                self.frames = Some(Box::pin(res.bytes_stream().eventsource()));
                Ok(())
            }
            Ok(res) if is_transient(res.status()) => {
                self.pause().await;
                Ok(())
            }
            Ok(res) => Err(answer_error(res, &format!("open the stream of bin {}", self.bin)).await),
            Err(_) => {
                self.pause().await;
                Ok(())
            }
        }
    }

    /// Waits before the next connect: the server's `retry:` hint when it
    /// gave one (a full bin asks for 10 to 20 s), else a doubling backoff.
    async fn pause(&mut self) {
        self.failures = self.failures.saturating_add(1);
        let backoff = 250u64.saturating_mul(1 << self.failures.min(6)).min(MAX_WAIT_MS);
        let wait = self.retry_hint_ms.filter(|_| self.failures == 1).unwrap_or(backoff);
        tokio::time::sleep(Duration::from_millis(wait)).await;
    }

    fn decode(&self, event: &Event) -> Result<Option<FeedEvent>, CliError> {
        let parse = |what: &str| CliError::fail(format!("the stream sent a {what} event this client cannot read"));
        Ok(Some(match event.event.as_str() {
            "request" => FeedEvent::Capture(Box::new(serde_json::from_str(&event.data).map_err(|_| parse("request"))?)),
            "lost" => FeedEvent::Lost(serde_json::from_str(&event.data).map_err(|_| parse("lost"))?),
            "reset" => FeedEvent::Reset(serde_json::from_str(&event.data).map_err(|_| parse("reset"))?),
            "deleted" | "expired" => FeedEvent::Ended(serde_json::from_str(&event.data).map_err(|_| parse("end"))?),
            // `replay` events, and whatever later versions add.
            _ => return Ok(None),
        }))
    }
}

/// Answers worth reconnecting after: the service or a proxy is busy or
/// restarting.
fn is_transient(status: StatusCode) -> bool {
    status.is_server_error() || status == StatusCode::TOO_MANY_REQUESTS || status == StatusCode::REQUEST_TIMEOUT
}
