//! The bin object's ingest: one captured request, stored and published.

use super::{now_ms, BinObject, Known};
use crate::core::answer::choose::choose;
use crate::core::answer::render::{self, Fill};
use crate::core::answer::rule::Rule;
use crate::core::bin::ids::request_id;
use crate::core::capture::build::{self, IngestInput};
use crate::core::capture::model::{Answered, Capture};
use crate::core::capture::view::RequestAccepted;
use crate::core::config::Config;
use crate::core::http::error::ApiError;
use crate::core::http::reply::Reply;
use crate::core::limits::client::client_key;
use crate::core::metrics::delta::{method_label, CAPTURED_BYTES, CAPTURES, INGEST, RATE_LIMITED};
use crate::core::stream::events;
use crate::core::time::rfc3339_ms;
use crate::edge::io::body::read_limited;
use std::time::Duration;
use worker::{Delay, Request};

impl BinObject {
    pub(super) async fn ingest(
        &self,
        mut req: Request,
        sub_path: String,
        query: &str,
        now: i64,
    ) -> Result<Reply, ApiError> {
        let config = self.config()?;
        let headers = req.headers();
        build::check_declared_length(headers.get("content-length").ok().flatten().as_deref(), config.max_body_bytes)?;
        let input = IngestInput {
            method: req.inner().method(),
            sub_path,
            query: query.to_string(),
            headers: headers.entries().collect(),
            set_cookies: headers.get_all("set-cookie").unwrap_or_default(),
            client_ip: headers.get("cf-connecting-ip").ok().flatten(),
        };
        let client = client_key(input.client_ip.as_deref());
        let limit = self.limiter.borrow_mut().take(&client, now);
        if let Err(refused) = limit.check() {
            self.metrics.record(|d| d.add(RATE_LIMITED, "ingest", 1.0));
            return Err(refused);
        }
        let body = read_limited(&mut req, config.max_body_bytes).await?;
        // From here to the cache update there is no `.await`: the sequence
        // number is taken and stored in one atomic step. The bin may have
        // been deleted while the body was read; then there is nothing to add to.
        let Some(mut meta) = self.bin() else {
            return Err(ApiError::bin_not_found());
        };
        let received_at_ms = now_ms().max(now).max(meta.last_received_ms);
        let mut capture = build::build(input, meta.next_seq, body.len() as u64, received_at_ms);
        capture.verification = self.verification(&capture, &body);
        let rule = self.choose_rule(&capture, &config)?;
        capture.answer = rule.as_ref().map(|(_, answered, _)| *answered);
        let limits = config.retention();
        // Encoded once, and only if someone listens; shared by every subscriber.
        let sockets = self.state.get_websockets();
        let watched = !self.hub.borrow().is_empty() || !sockets.is_empty();
        let frame = if watched { Some(events::request(&meta.id, &capture, &body)?) } else { None };
        let for_waiters = self.body_for_waiters(&body);
        let stored = self
            .captures()
            .insert(&capture, body, meta.usage, limits)
            .and_then(|usage| rule.as_ref().map_or(Ok(()), |(idx, ..)| self.count_rule_use(*idx)).map(|()| usage));
        // A write that failed part way may have kept the capture row: read
        // the record (and its next sequence number) again rather than reuse it.
        meta.usage = stored.inspect_err(|_| {
            *self.known.borrow_mut() = Known::Unread;
            *self.rules.borrow_mut() = None;
            *self.verifiers.borrow_mut() = None;
        })?;
        meta.next_seq = capture.seq + 1;
        meta.last_received_ms = received_at_ms;
        *self.known.borrow_mut() = Known::Bin(meta.clone());
        if let Some(frame) = frame {
            let fanout = self.hub.borrow_mut().publish(&capture, &frame);
            self.count_fanout(fanout);
            self.publish_sockets(&sockets, &capture, &frame);
        }
        self.wake_waiters(&capture, for_waiters.as_deref());
        let (method, size) = (method_label(&capture.method), capture.body_size as f64);
        self.metrics.record(|d| {
            d.inc(INGEST);
            d.add(CAPTURES, method, 1.0);
            d.add(CAPTURED_BYTES, "", size);
            d.observe_ingest_ms((now_ms() - now) as f64);
        });
        let (rid, received_at) = (request_id(&meta.id, capture.seq), rfc3339_ms(received_at_ms));
        let reply = match rule {
            Some((_, answered, rule)) => {
                let navigation = capture.headers.get("sec-fetch-mode").is_some_and(|m| m == "navigate");
                let fill = Fill { request_id: &rid, seq: capture.seq, received_at: &received_at, navigation };
                let reply = render::reply(&rule, &fill);
                self.wait(answered.delay_ms).await;
                reply
            }
            None => Reply::json(202, &RequestAccepted { request_id: rid, received_at, seq: capture.seq })?,
        };
        Ok(reply.headers(limit.headers()))
    }

    /// The rule that answers `capture`, if any, with the answer it gives. A
    /// delay is granted only while the bin holds fewer than its share of
    /// delayed answers; past that the answer goes out at once, recorded.
    fn choose_rule(&self, capture: &Capture, config: &Config) -> Result<Option<(usize, Answered, Rule)>, ApiError> {
        let key = capture.ns_path();
        self.with_rules(|(rules, uses)| {
            let idx = choose(rules, uses, &capture.method, &key)?;
            let rule = rules.get(idx)?.clone();
            let delay_ok = self.delayed.get() < config.response_max_delayed;
            let delay_ms = if delay_ok { rule.delay_ms } else { 0 };
            let answered = Answered {
                rule: idx as u32,
                status: rule.status,
                delay_ms,
                delay_skipped: rule.delay_ms > 0 && !delay_ok,
            };
            Some((idx, answered, rule))
        })
    }

    /// Waits `delay_ms` after the capture is stored. The object goes on
    /// serving other requests meanwhile: a timer holds no input gate.
    async fn wait(&self, delay_ms: u64) {
        if delay_ms == 0 {
            return;
        }
        self.delayed.set(self.delayed.get() + 1);
        Delay::from(Duration::from_millis(delay_ms)).await;
        self.delayed.set(self.delayed.get().saturating_sub(1));
    }
}
