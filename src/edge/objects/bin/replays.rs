//! The replay API of a bin: start, read, list and retry replays. Running
//! their attempts is in `runs`.

use super::{now_ms, BinObject, Known};
use crate::core::bin::ids::parse_request_id;
use crate::core::bin::meta::BinMeta;
use crate::core::bin::token::Credential;
use crate::core::capture::model::Capture;
use crate::core::config::Config;
use crate::core::http::error::ApiError;
use crate::core::http::error::ErrorKind;
use crate::core::http::reply::Reply;
use crate::core::replay::edit::{self, Edit, Resign};
use crate::core::replay::headers::REPLAY_OF;
use crate::core::replay::list;
use crate::core::replay::model::{replay_id, Attempt, Replay};
use crate::core::replay::order;
use crate::core::replay::runner::ReplayRepo;
use crate::core::stream::events;
use crate::core::weburl::WebUrl;
use crate::edge::io::body::read_limited;
use crate::edge::io::incoming::Incoming;
use crate::edge::io::platform_url;
use crate::edge::storage::retention::evict;

/// Largest replay order body read, in bytes.
const ORDER_MAX_BYTES: u64 = 16 * 1024;

/// `Retry-After` when a bin's replays are all taken, in seconds.
const PENDING_RETRY_AFTER_S: &str = "30";

/// A well-formed `resign` the bin's state cannot serve (no such verifier): a conflict, not bad input.
fn cannot_resign(details: String) -> ApiError {
    ApiError::new(ErrorKind::Conflict, "cannot re-sign").with_details(details)
}

fn not_found() -> ApiError {
    ApiError::not_found("replay not found")
}

/// Our own deliveries carry `x-polyhook-replay-of`; one arriving here means
/// a replay was aimed at this service under some name, and would chain.
fn refuse_replayed(req: &Incoming) -> Result<(), ApiError> {
    if req.headers().has(REPLAY_OF).unwrap_or(false) {
        return Err(ApiError::bad_request("replay loop refused")
            .with_details("this request is itself a replay; replays cannot start or retry replays"));
    }
    Ok(())
}

impl BinObject {
    /// `POST .../requests/{rid}/replay`: stores a queued replay and wakes the alarm.
    pub(super) async fn start_replay(
        &self,
        req: Incoming,
        url: &WebUrl,
        bin: &str,
        rid: &str,
    ) -> Result<Reply, ApiError> {
        let seq = parse_request_id(bin, rid)?;
        refuse_replayed(&req)?;
        let capture = self.captures().capture(seq)?.ok_or_else(|| ApiError::not_found("request not found"))?;
        let config = self.config()?;
        let owner = req.headers().get("x-delete-token").ok().flatten();
        // An edited body may be up to MAX_BODY_BYTES, escaped in JSON.
        let limit = ORDER_MAX_BYTES.max(config.max_body_bytes.saturating_mul(2).saturating_add(ORDER_MAX_BYTES));
        let body = read_limited(req.inner(), limit).await?;
        let order = order::parse(&body, &config.own_origins(url), platform_url::parse)?;
        let overrides = edit::parse(&order::object(&body)?, config.max_body_bytes)?;
        if overrides.edit.method.is_none() {
            order::check_method(&capture.method)?;
        }
        let Some(meta) = self.bin() else { return Err(ApiError::bin_not_found()) };
        let edit = self.resolve_resign(&meta, owner.as_deref(), &capture, overrides.edit, overrides.resign.as_ref())?;
        self.check_pending(&config)?;
        let mut replay = Replay::new(self.replays().next_n()?, seq, order.target_url, order.max_retries, now_ms());
        replay.edit = (edit != Edit::default()).then_some(edit);
        if let Some(new_body) = overrides.body {
            self.replays().save_body(replay.n, new_body)?;
        }
        self.replays().save(&replay)?;
        self.account()?;
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
    pub(super) async fn retry_replay(&self, req: &Incoming, bin: &str, n: u64) -> Result<Reply, ApiError> {
        refuse_replayed(req)?;
        let config = self.config()?;
        let mut replay = self.replays().get(n)?.ok_or_else(not_found)?;
        self.check_pending(&config)?;
        replay.requeue(now_ms(), u32::try_from(config.replay_max_rounds).unwrap_or(u32::MAX))?;
        self.replays().save(&replay)?;
        self.account()?;
        self.publish_replay(bin, &replay)?;
        self.reschedule().await?;
        Reply::json(202, &replay.view(bin, &self.replays().attempts(n)?))
    }

    /// `edit` with the scheme `resign` asks for, checked: only the owner
    /// (`owner`, the delete token) may re-sign, since it uses the secret,
    /// and the bin must hold a verifier of that scheme.
    pub(super) fn resolve_resign(
        &self,
        meta: &BinMeta,
        owner: Option<&str>,
        capture: &Capture,
        mut edit: Edit,
        resign: Option<&Resign>,
    ) -> Result<Edit, ApiError> {
        let Some(resign) = resign else { return Ok(edit) };
        meta.authorize(Credential::Delete, owner)?;
        let scheme = match resign {
            Resign::Scheme(s) => s.clone(),
            Resign::Decided => capture
                .verification
                .as_ref()
                .map(|v| v.scheme.clone())
                .ok_or_else(|| cannot_resign("resign: this capture was never verified; name a scheme".into()))?,
        };
        if !self.with_verifiers(|vs| vs.iter().any(|v| v.scheme.name() == scheme))? {
            return Err(cannot_resign(format!(
                "resign: this bin has no {scheme} verifier (PUT /v1/bins/{{id}}/verify)"
            )));
        }
        edit.resign = Some(scheme);
        Ok(edit)
    }

    /// 429 when the bin already holds its share of queued and running replays.
    fn check_pending(&self, config: &Config) -> Result<(), ApiError> {
        if self.replays().pending_count()? >= config.replay_max_pending {
            return Err(ApiError::new(ErrorKind::RateLimited, "too many replays pending")
                .with_details(format!(
                    "a bin runs at most {} replays at a time; wait for some to end",
                    config.replay_max_pending
                ))
                .with_header("retry-after", PENDING_RETRY_AFTER_S));
        }
        Ok(())
    }

    /// Re-counts the bin's usage after replay rows changed, evicting the
    /// oldest captures (and their replays) if it is over its limits.
    pub(super) fn account(&self) -> Result<(), ApiError> {
        let Some(mut meta) = self.bin() else { return Ok(()) };
        let usage = self.record().totals_usage()?;
        meta.usage = evict(&self.state.storage().sql(), usage, self.config()?.retention())?;
        *self.known.borrow_mut() = Known::Bin(meta);
        Ok(())
    }

    /// Tells subscribers (streams and sockets), if any, that `replay` changed.
    pub(super) fn publish_replay(&self, bin: &str, replay: &Replay) -> Result<(), ApiError> {
        if self.hub.borrow().is_empty() && self.open_sockets.get() == 0 {
            return Ok(());
        }
        let attempts = self.replays().attempts(replay.n)?;
        let frame = events::notice("replay", &replay.view(bin, &attempts));
        let fanout = self.hub.borrow_mut().broadcast(&frame);
        self.count_fanout(fanout);
        self.notify_sockets(&frame);
        Ok(())
    }
}
