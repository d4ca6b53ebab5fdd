//! The bin object's replay side: starting, listing and retrying replays,
//! and running due attempts from the alarm.

use super::bin_object::{alarm_at, now_ms, BinObject};
use super::body::read_limited;
use super::replay_store::ReplayStore;
use super::replayer;
use crate::core::alarm::next_wake_ms;
use crate::core::backoff::{classify, retry_after_s, Outcome, Policy};
use crate::core::config::Config;
use crate::core::error::ApiError;
use crate::core::events;
use crate::core::forward::replay_headers;
use crate::core::ids::{parse_request_id, request_id};
use crate::core::log::{self, AttemptLog};
use crate::core::metrics::{REPLAYS, REPLAY_ATTEMPTS};
use crate::core::replay::{replay_id, Attempt, Replay, Status};
use crate::core::replay_list;
use crate::core::replay_order;
use crate::core::reply::Reply;
use futures::future::join_all;
use worker::{console_log, Request, Url};

/// Largest replay order body read, in bytes.
const ORDER_MAX_BYTES: u64 = 16 * 1024;
/// Time past an attempt's limit before it counts as interrupted, in ms.
const LEASE_GRACE_MS: u64 = 5_000;

fn policy(config: &Config) -> Policy {
    Policy { base_ms: config.replay_backoff_base_ms, retry_after_cap_ms: config.replay_retry_after_cap_s * 1000 }
}

fn not_found() -> ApiError {
    ApiError::not_found("replay not found")
}

impl BinObject {
    pub(super) fn replays(&self) -> ReplayStore {
        ReplayStore::new(self.state.storage().sql())
    }

    /// `POST .../requests/{rid}/replay`: stores a queued replay and wakes the alarm.
    pub(super) async fn start_replay(
        &self,
        mut req: Request,
        url: &Url,
        bin: &str,
        rid: &str,
    ) -> Result<Reply, ApiError> {
        let seq = parse_request_id(bin, rid)?;
        self.store().capture(seq)?.ok_or_else(|| ApiError::not_found("request not found"))?;
        let config = self.config()?;
        let body = read_limited(&mut req, ORDER_MAX_BYTES).await?;
        let own: Vec<Url> =
            std::iter::once(url.clone()).chain(config.public_url.as_deref().and_then(|u| Url::parse(u).ok())).collect();
        let order = replay_order::parse(&body, &own)?;
        if !self.bin_alive() {
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
        let (params, status) = replay_list::parse_params(query)?;
        let rows = self.replays().page(status, params.before_seq, params.limit + 1)?;
        let rows = rows
            .into_iter()
            .map(|r| {
                let attempts = self.replays().attempts(r.n)?;
                Ok((r, attempts))
            })
            .collect::<Result<Vec<(Replay, Vec<Attempt>)>, ApiError>>()?;
        replay_list::page_reply(bin, &rows, params.limit)
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

    /// Runs every due attempt. Each is claimed (stored as in progress) before
    /// any is sent, all without an `.await`, so a repeated alarm delivery
    /// finds them claimed and sends nothing twice.
    pub(super) async fn run_replays(&self, bin: &str) -> Result<(), ApiError> {
        let config = self.config()?;
        let now = now_ms();
        let lease_ms = config.replay_timeout_ms + LEASE_GRACE_MS;
        let mut claimed = Vec::new();
        for mut replay in self.replays().pending()? {
            if replay.stale(now) {
                // The runtime stopped mid-attempt: that attempt failed.
                let interrupted = replayer::Sent::failed("attempt interrupted (the runtime restarted)");
                self.settle(bin, &config, &mut replay, now, interrupted, Outcome::Retryable)?;
            }
            if replay.due(now) {
                replay.claim(now, lease_ms);
                self.replays().save(&replay)?;
                self.publish_replay(bin, &replay)?;
                claimed.push(replay);
            }
        }
        let results = join_all(claimed.into_iter().map(|r| self.attempt(bin, &config, r))).await;
        results.into_iter().collect()
    }

    async fn attempt(&self, bin: &str, config: &Config, mut replay: Replay) -> Result<(), ApiError> {
        let started = now_ms();
        let (sent, outcome) = match self.store().capture(replay.request_seq)? {
            Some(capture) => {
                let body = self.store().body(capture.seq)?;
                let rid = request_id(bin, capture.seq);
                let headers = replay_headers(&capture, &rid, &replay_id(bin, replay.n));
                let sent =
                    replayer::send(&replay.target_url, &capture.method, &headers, &body, config.replay_timeout_ms)
                        .await;
                let outcome = classify(sent.status);
                (sent, outcome)
            }
            None => (replayer::Sent::failed("the captured request is no longer retained"), Outcome::Permanent),
        };
        if !self.bin_alive() {
            return Ok(()); // deleted or expired while the attempt ran
        }
        self.settle(bin, config, &mut replay, started, sent, outcome)
    }

    /// Records an attempt's result and applies the retry policy.
    fn settle(
        &self,
        bin: &str,
        config: &Config,
        replay: &mut Replay,
        started: i64,
        sent: replayer::Sent,
        outcome: Outcome,
    ) -> Result<(), ApiError> {
        let attempt = Attempt {
            attempt: replay.attempts,
            started_at_ms: started,
            duration_ms: sent.duration_ms,
            status_code: sent.status,
            error: sent.error.clone(),
        };
        self.replays().add_attempt(replay.n, &attempt)?;
        let id = replay_id(bin, replay.n);
        let record = AttemptLog {
            msg: "replay_attempt",
            bin,
            replay: &id,
            attempt: attempt.attempt,
            status: attempt.status_code,
            duration_ms: attempt.duration_ms,
            error: attempt.error.as_deref(),
        };
        console_log!("{}", log::line(&record));
        let error = sent.error.unwrap_or_default();
        let retry_after = retry_after_s(sent.retry_after.as_deref());
        let now = now_ms();
        let next = policy(config).next(replay.round_attempt(), replay.max_retries, outcome, &error, retry_after, now);
        replay.settle(next, (!error.is_empty()).then_some(error), now);
        self.replays().save(replay)?;
        let outcome = matches!(replay.status, Status::Succeeded | Status::Failed).then(|| replay.status.as_str());
        self.metrics.record(|d| {
            d.inc(REPLAY_ATTEMPTS);
            if let Some(outcome) = outcome {
                d.add(REPLAYS, outcome, 1.0);
            }
        });
        self.publish_replay(bin, replay)
    }

    fn publish_replay(&self, bin: &str, replay: &Replay) -> Result<(), ApiError> {
        if !self.hub.borrow().is_empty() {
            let attempts = self.replays().attempts(replay.n)?;
            let fanout = self.hub.borrow_mut().broadcast(&events::notice("replay", &replay.view(bin, &attempts)));
            self.count_fanout(fanout);
        }
        Ok(())
    }

    /// Points the one alarm at the earliest of expiry and pending replay work.
    pub(super) async fn reschedule(&self) -> Result<(), ApiError> {
        let Some(meta) = self.meta.borrow().clone().flatten() else { return Ok(()) };
        let wake = next_wake_ms(meta.expires_at_ms, &self.replays().pending()?);
        self.state.storage().set_alarm(alarm_at(wake)).await.map_err(|e| ApiError::internal(format!("set alarm: {e}")))
    }
}
