//! A minimal SSE subscriber that records, for every `request` event, its
//! sequence number and how long after the sender stamped it it arrived.

use crate::client::{epoch_us, Client};
use crate::Result;
use base64::Engine;
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::Request;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Instant;
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// One delivered event.
#[derive(Debug, Clone, Copy)]
pub struct Received {
    /// The event id (the capture's sequence number).
    pub seq: u64,
    /// From the sender's stamp to arrival, µs; 0 if the event had no stamp.
    pub latency_us: u64,
    /// When it arrived.
    pub at: Instant,
}

/// What one subscriber saw.
#[derive(Debug, Default)]
pub struct Report {
    /// Every `request` event, in arrival order.
    pub events: Vec<Received>,
    /// The server ended the stream before the bench did.
    pub ended_early: bool,
}

/// Opens `url` as an event stream and returns once its first bytes (the
/// opening comment) arrived; the returned task reads until `stop` flips.
pub async fn subscribe(
    client: &Client,
    url: &str,
    delivered: Arc<AtomicU64>,
    mut stop: watch::Receiver<bool>,
) -> Result<JoinHandle<Report>> {
    let request = Request::builder().uri(url).header("accept", "text/event-stream").body(Full::new(Bytes::new()))?;
    let response = client.request(request).await?;
    if response.status() != 200 {
        return Err(format!("stream answered {}", response.status()).into());
    }
    let mut body = response.into_body();
    let mut parser = Parser { delivered, ..Parser::default() };
    match body.frame().await {
        Some(Ok(frame)) => parser.push(frame.data_ref().map_or(&[][..], |d| &d[..])),
        _ => return Err("stream ended before its first frame".into()),
    }
    Ok(tokio::spawn(async move {
        loop {
            tokio::select! {
                _ = stop.changed() => break,
                frame = body.frame() => match frame {
                    Some(Ok(frame)) => parser.push(frame.data_ref().map_or(&[][..], |d| &d[..])),
                    _ => {
                        parser.report.ended_early = true;
                        break;
                    }
                },
            }
        }
        parser.report
    }))
}

#[derive(Default)]
struct Parser {
    pending: Vec<u8>,
    report: Report,
    /// Deliveries over every subscriber, so the bench can wait for quiet.
    delivered: Arc<AtomicU64>,
}

impl Parser {
    fn push(&mut self, bytes: &[u8]) {
        self.pending.extend_from_slice(bytes);
        while let Some(end) = self.pending.windows(2).position(|w| w == b"\n\n") {
            let block: Vec<u8> = self.pending.drain(..end + 2).collect();
            if let Some(received) = parse_event(&String::from_utf8_lossy(&block)) {
                self.report.events.push(received);
                self.delivered.fetch_add(1, Ordering::Relaxed);
            }
        }
    }
}

/// A `request` event's id and latency; `None` for comments and other events.
fn parse_event(block: &str) -> Option<Received> {
    let field = |name: &str| block.lines().find_map(|l| l.strip_prefix(name));
    if field("event: ")? != "request" {
        return None;
    }
    // Ids are request ids, `<bin>-<seq>` (a bare seq is read too).
    let id = field("id: ")?.trim();
    let seq = id.rsplit('-').next()?.parse().ok()?;
    let stamp = field("data: ").and_then(sent_at_us);
    let latency_us = stamp.map_or(0, |t| epoch_us().saturating_sub(t));
    Some(Received { seq, latency_us, at: Instant::now() })
}

/// The `t` stamp (µs since epoch) inside the capture's base64 body.
fn sent_at_us(data: &str) -> Option<u64> {
    let start = data.find("\"body_b64\":\"")? + 12;
    let len = data[start..].find('"')?;
    stamp_in(&data[start..start + len])
}

/// The `t` stamp (µs since epoch) inside a base64 body.
pub fn stamp_in(body_b64: &str) -> Option<u64> {
    let body = base64::engine::general_purpose::STANDARD.decode(body_b64).ok()?;
    let text = std::str::from_utf8(&body).ok()?;
    let digits = text.split("\"t\":").nth(1)?;
    digits.chars().take_while(char::is_ascii_digit).collect::<String>().parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_stamped_events_across_chunks() {
        let body = base64::engine::general_purpose::STANDARD.encode(br#"{"t":1}"#);
        let frame =
            format!(": ok\nretry: 2000\n\nid: 7\nevent: request\ndata: {{\"seq\":7,\"body_b64\":\"{body}\"}}\n\n");
        let mut p = Parser::default();
        let (a, b) = frame.as_bytes().split_at(30);
        p.push(a);
        assert!(p.report.events.is_empty());
        p.push(b);
        assert_eq!(p.report.events.len(), 1);
        assert_eq!(p.report.events[0].seq, 7);
        assert!(p.report.events[0].latency_us > 0);
    }

    #[test]
    fn ignores_other_events() {
        assert!(parse_event("event: replay\ndata: {}\n\n").is_none());
        assert!(parse_event(": ping\n\n").is_none());
        let with_bin = parse_event("id: k3p9q2x7m1nb-42\nevent: request\ndata: {}\n\n");
        assert_eq!(with_bin.map(|r| r.seq), Some(42));
    }
}
