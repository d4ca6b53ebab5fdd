//! The replay API of a bin: start, read, list and retry replays. Running
//! their attempts is in `runs`.

use super::{now_ms, BinObject};
use crate::core::bin::ids::parse_request_id;
use crate::core::http::error::ApiError;
use crate::core::http::reply::Reply;
use crate::core::replay::list;
use crate::core::replay::model::{replay_id, Attempt, Replay};
use crate::core::replay::order;
use crate::core::replay::runner::ReplayRepo;
use crate::core::stream::events;
use crate::edge::io::body::read_limited;
use worker::{Request, Url};

/// Largest replay order body read, in bytes.
const ORDER_MAX_BYTES: u64 = 16 * 1024;

fn not_found() -> ApiError {
    ApiError::not_found("replay not found")
}

impl BinObject {
    /// `POST .../requests/{rid}/replay`: stores a queued replay and wakes the alarm.
    pub(super) async fn start_replay(
        &self,
        mut req: Request,
        url: &Url,
        bin: &str,
        rid: &str,
    ) -> Result<Reply, ApiError> {
        let seq = parse_request_id(bin, rid)?;
        self.captures().capture(seq)?.ok_or_else(|| ApiError::not_found("request not found"))?;
        let config = self.config()?;
        let body = read_limited(&mut req, ORDER_MAX_BYTES).await?;
        let own: Vec<Url> = std::iter::once(url.clone()).chain(config.public_url.clone()).collect();
        let order = order::parse(&body, &own)?;
        if self.bin().is_none() {
            return Err(ApiError::bin_not_found());
        }
        let replay = Replay::new(self.replays().next_n()?, seq, order.target_url, order.max_retries, now_ms());
        self.replays().save(&replay)?;
        self.publish_replay(bin, &replay)?;
        self.reschedule().await?;
        Reply::json(202, &serde_json::json!({ "replay_id": replay_id(bin, replay.n) }))
    }

    /// `GET /v1/replays/{id}`.
    pub(super) fn get_replay(&self, bin: &str, n: u64) -> Result<Reply, ApiError> {
        let replay = self.replays().get(n)?.ok_or_else(not_found)?;
        Reply::json(200, &replay.view(bin, &self.replays().attempts(n)?))
    }

    /// `GET /v1/bins/{id}/replays`.
    pub(super) fn list_replays(&self, bin: &str, query: &str) -> Result<Reply, ApiError> {
        let (page, status) = list::parse_params(query)?;
        let replays = self.replays();
        let rows = replays
            .page(status, page.before, page.rows_to_read())?
            .into_iter()
            .map(|r| replays.attempts(r.n).map(|a| (r, a)))
            .collect::<Result<Vec<(Replay, Vec<Attempt>)>, ApiError>>()?;
        list::page_reply(bin, &rows, page.limit)
    }

    /// `POST /v1/replays/{id}/retry`: a failed replay gets a fresh budget.
    pub(super) async fn retry_replay(&self, bin: &str, n: u64) -> Result<Reply, ApiError> {
        let mut replay = self.replays().get(n)?.ok_or_else(not_found)?;
        replay.requeue(now_ms())?;
        self.replays().save(&replay)?;
        self.publish_replay(bin, &replay)?;
        self.reschedule().await?;
        Reply::json(202, &replay.view(bin, &self.replays().attempts(n)?))
    }

    /// Tells subscribers, if any, that `replay` changed.
    pub(super) fn publish_replay(&self, bin: &str, replay: &Replay) -> Result<(), ApiError> {
        if !self.hub.borrow().is_empty() {
            let attempts = self.replays().attempts(replay.n)?;
            let frame = events::notice("replay", &replay.view(bin, &attempts));
            let fanout = self.hub.borrow_mut().broadcast(&frame);
            self.count_fanout(fanout);
        }
        Ok(())
    }
}
