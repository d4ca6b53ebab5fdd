//! The bin object's ingest: one captured request, stored and published.

use super::{now_ms, BinObject, Known};
use crate::core::bin::ids::request_id;
use crate::core::capture::build::{self, IngestInput};
use crate::core::capture::view::RequestAccepted;
use crate::core::http::error::ApiError;
use crate::core::http::reply::Reply;
use crate::core::limits::client::client_key;
use crate::core::metrics::delta::{method_label, CAPTURED_BYTES, CAPTURES, INGEST, RATE_LIMITED};
use crate::core::stream::events;
use crate::core::time::rfc3339_ms;
use crate::edge::io::body::read_limited;
use worker::Request;

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
        let received_at_ms = now_ms().max(now);
        let capture = build::build(input, meta.next_seq, body.len() as u64, received_at_ms);
        let limits = config.retention();
        // Encoded once, and only if someone listens; shared by every subscriber.
        let frame = match self.hub.borrow().is_empty() {
            true => None,
            false => Some(events::request(&meta.id, &capture, &body)?),
        };
        meta.usage = self.captures().insert(&capture, body, meta.usage, limits)?;
        meta.next_seq = capture.seq + 1;
        *self.known.borrow_mut() = Known::Bin(meta.clone());
        if let Some(frame) = frame {
            let fanout = self.hub.borrow_mut().publish(&capture.ns_path(), &frame);
            self.count_fanout(fanout);
        }
        let (method, size) = (method_label(&capture.method), capture.body_size as f64);
        self.metrics.record(|d| {
            d.inc(INGEST);
            d.add(CAPTURES, method, 1.0);
            d.add(CAPTURED_BYTES, "", size);
            d.observe_ingest_ms((now_ms() - now) as f64);
        });
        let accepted = RequestAccepted {
            request_id: request_id(&meta.id, capture.seq),
            received_at: rfc3339_ms(received_at_ms),
            seq: capture.seq,
        };
        Ok(Reply::json(202, &accepted)?.headers(limit.headers()))
    }
}
