//! A minimal WebSocket subscriber (`GET /v1/bins/{id}/ws`) that records,
//! for every `request` message, its sequence number and latency, as the SSE
//! subscriber does. It acks as our clients do: within a second of a
//! capture, or at once past 256 KiB received, so the server's window never
//! holds it back and the bin is not woken once per capture per socket.

use crate::client::epoch_us;
use crate::sse::{stamp_in, Received, Report};
use crate::Result;
use futures_util::{SinkExt, StreamExt};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tokio_tungstenite::tungstenite::Message;

/// Longest a received capture waits to be acknowledged.
const ACK_WITHIN: Duration = Duration::from_secs(1);
/// Bytes received that make the next ack go at once.
const ACK_BYTES: usize = 256 * 1024;

/// Opens the socket at `url` (ws://) and returns once it is open; the
/// returned task reads until `stop` flips.
pub async fn subscribe(
    url: &str,
    delivered: Arc<AtomicU64>,
    mut stop: watch::Receiver<bool>,
) -> Result<JoinHandle<Report>> {
    let (mut ws, _) = tokio_tungstenite::connect_async(url).await?;
    Ok(tokio::spawn(async move {
        let mut report = Report::default();
        let (mut newest, mut acked, mut bytes, mut acked_at) = (0u64, 0u64, 0usize, Instant::now());
        loop {
            let ack_at = (newest > acked).then(|| acked_at + ACK_WITHIN);
            let wait = ack_at.map_or(Duration::from_secs(3600), |a| a.saturating_duration_since(Instant::now()));
            tokio::select! {
                _ = stop.changed() => break,
                _ = tokio::time::sleep(wait) => {}
                message = ws.next() => match message {
                    Some(Ok(Message::Text(text))) => {
                        bytes += text.len();
                        if let Some(r) = parse_message(&text) {
                            newest = newest.max(r.seq);
                            report.events.push(r);
                            delivered.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                    Some(Ok(_)) => {}
                    _ => {
                        report.ended_early = true;
                        break;
                    }
                },
            }
            if newest > acked && (bytes >= ACK_BYTES || acked_at.elapsed() >= ACK_WITHIN) {
                let ack = format!("{{\"type\":\"ack\",\"seq\":{newest}}}");
                if ws.send(Message::text(ack)).await.is_err() {
                    report.ended_early = true;
                    break;
                }
                (acked, bytes, acked_at) = (newest, 0, Instant::now());
            }
        }
        let _ = ws.close(None).await;
        report
    }))
}

/// A `request` message's seq and latency; `None` for other messages.
fn parse_message(text: &str) -> Option<Received> {
    let message: serde_json::Value = serde_json::from_str(text).ok()?;
    if message.get("type")?.as_str()? != "request" {
        return None;
    }
    let data = message.get("data")?;
    let seq = data.get("seq")?.as_u64()?;
    let stamp = data.get("body_b64").and_then(|b| b.as_str()).and_then(stamp_in);
    let latency_us = stamp.map_or(0, |t| epoch_us().saturating_sub(t));
    Some(Received { seq, latency_us, at: Instant::now() })
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine;

    #[test]
    fn reads_request_messages_only() {
        let body = base64::engine::general_purpose::STANDARD.encode(br#"{"t":1}"#);
        let text = format!(r#"{{"type":"request","id":"b-7","data":{{"seq":7,"body_b64":"{body}"}}}}"#);
        let r = parse_message(&text).map(|r| (r.seq, r.latency_us > 0));
        assert_eq!(r, Some((7, true)));
        assert!(parse_message(r#"{"type":"replay","id":null,"data":{}}"#).is_none());
        assert!(parse_message("pong").is_none());
    }
}
