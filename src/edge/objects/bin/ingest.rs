//! The bin object's ingest: one captured request, stored and published.

use super::reply_wait::Plan;
use super::{now_ms, BinObject, Known};
use crate::core::capture::build::{self, IngestInput};
use crate::core::http::error::ApiError;
use crate::core::http::reply::Reply;
use crate::core::limits::client::client_key;
use crate::core::metrics::delta::{method_label, CAPTURED_BYTES, CAPTURES, INGEST, RATE_LIMITED};
use crate::core::reply::outcome::{Fallback, Replied};
use crate::core::stream::events;
use crate::edge::io::body::read_limited;
use crate::edge::io::incoming::Incoming;

impl BinObject {
    pub(super) async fn ingest(
        &self,
        req: Incoming,
        method: String,
        sub_path: String,
        query: &str,
        now: i64,
    ) -> Result<Reply, ApiError> {
        let config = self.config()?;
        // Every header in one crossing; the few read here come from it too.
        let pairs = req.header_pairs();
        build::check_declared_length(build::header(&pairs, "content-length"), config.max_body_bytes)?;
        let input = IngestInput {
            method,
            sub_path,
            query: query.to_string(),
            set_cookies: build::set_cookies(&pairs),
            client_ip: build::header(&pairs, "cf-connecting-ip").map(str::to_string),
            headers: pairs,
        };
        let client = client_key(input.client_ip.as_deref());
        let limit = self.limiter.borrow_mut().take(&client, now);
        if let Err(refused) = limit.check() {
            self.metrics.record(|d| d.add(RATE_LIMITED, "ingest", 1.0));
            return Err(refused);
        }
        let body = read_limited(req.inner(), config.max_body_bytes).await?;
        // From here to the cache update there is no `.await`: the sequence
        // number is taken and stored in one atomic step. The bin may have
        // been deleted while the body was read; then there is nothing to add to.
        let Some(mut meta) = self.bin() else {
            return Err(ApiError::bin_not_found());
        };
        let received_at_ms = now_ms().max(now).max(meta.last_received_ms);
        let mut capture = build::build(input, meta.next_seq, body.len() as u64, received_at_ms);
        capture.verification = self.verification(&capture, &body);
        // No seated socket (the responder is one): no socket lookups at all.
        let seated = self.open_sockets.get() > 0;
        let plan = if seated { self.reply_plan(&config) } else { Plan::Unasked };
        // The rule answers only if the app does not: it is chosen (and used) after the wait.
        let rule = if matches!(plan, Plan::Ask(_)) { None } else { self.choose_rule(&capture, &config)? };
        capture.answer = rule.as_ref().map(|(_, answered, _)| *answered);
        capture.reply = plan.record();
        let limits = config.retention();
        // Encoded once, and only if someone listens; shared by every subscriber.
        let sockets = if seated { self.state.get_websockets() } else { Vec::new() };
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
        let mut asked = false;
        if let Some(frame) = frame {
            let fanout = self.hub.borrow_mut().publish(&capture, &frame);
            self.count_fanout(fanout);
            let reply_ms = if let Plan::Ask(ms) = plan { Some(ms) } else { None };
            asked = self.publish_sockets(&sockets, &capture, &frame, reply_ms);
        }
        self.wake_waiters(&capture, for_waiters.as_deref());
        let (method, size) = (method_label(&capture.method), capture.body_size as f64);
        self.metrics.record(|d| {
            d.inc(INGEST);
            d.add(CAPTURES, method, 1.0);
            d.add(CAPTURED_BYTES, "", size);
            d.observe_ingest_ms((now_ms() - now) as f64);
        });
        let reply = match (plan, asked) {
            (Plan::Ask(ms), true) => self.ask_app(&meta.id, capture, ms, &config).await?,
            // The push found no room: the responder is behind after all.
            (Plan::Ask(_), false) => {
                self.fall_back(&meta.id, capture, Replied::fell_back(Fallback::Behind, 0), &config).await?
            }
            (Plan::FallBack(why), _) => {
                self.count_answer(why.label());
                self.answer_by_rule(&meta.id, &capture, rule).await?
            }
            (Plan::Unasked, _) => self.answer_by_rule(&meta.id, &capture, rule).await?,
        };
        Ok(reply.headers(limit.headers()))
    }
}
