//! The SSE transport: `GET /v1/bins/{id}/stream` with `Last-Event-ID`, as
//! every polyhook (and the twins) serve it.

use std::pin::Pin;

use eventsource_stream::{Event, EventStreamError, Eventsource};
use futures_util::{Stream, StreamExt};
use reqwest::StatusCode;

use super::link::{refusal, Incoming, Refusal};
use crate::api::Api;

type Frames = Pin<Box<dyn Stream<Item = Result<Event, EventStreamError<reqwest::Error>>> + Send>>;

/// One open stream.
pub struct Sse {
    frames: Frames,
    /// The server's last `retry:` hint, ms.
    retry_hint_ms: Option<u64>,
}

impl Sse {
    /// Opens `bin`'s stream after capture `after`.
    pub async fn open(api: &Api, bin: &str, after: u64) -> Result<Sse, Refusal> {
        let res = api.open_stream(bin, after).await.map_err(|_| Refusal::Later(None))?;
        if res.status() == StatusCode::OK {
            return Ok(Sse { frames: Box::pin(res.bytes_stream().eventsource()), retry_hint_ms: None });
        }
        let status = res.status().as_u16();
        let retry_after = res.headers().get("retry-after").and_then(|v| v.to_str().ok()).map(str::to_string);
        let body = res.bytes().await.unwrap_or_default();
        Err(refusal(status, retry_after.as_deref(), &body, &format!("open the stream of bin {bin}"), &[]))
    }

    /// The next event, or how the stream ended.
    pub async fn next(&mut self) -> Incoming {
        match self.frames.next().await {
            Some(Ok(event)) => {
                if let Some(r) = event.retry {
                    self.retry_hint_ms = u64::try_from(r.as_millis()).ok();
                }
                Incoming::Event { name: event.event, data: event.data, reply_ms: None }
            }
            Some(Err(_)) | None => Incoming::Dropped(self.retry_hint_ms),
        }
    }
}
