//! `POST /v1/bins/{id}/sequences` and its controls: starting a sequence
//! (the owner only: it turns one order into many requests), reading its
//! progress, pausing, resuming and cancelling it. Sending its steps is in
//! `sequence_steps`, driven by the bin's alarm.

use super::{now_ms, BinObject};
use crate::core::bin::meta::BinMeta;
use crate::core::capture::model::Capture;
use crate::core::config::Config;
use crate::core::http::error::{ApiError, ErrorKind};
use crate::core::http::reply::Reply;
use crate::core::limits::client::client_key;
use crate::core::replay::order;
use crate::core::search::filter::Filter;
use crate::core::sequence::model::{Sequence, Status};
use crate::core::sequence::order::{self as sequence_order, Selection};
use crate::core::sequence::plan::offsets;
use crate::core::stream::backlog::CaptureSource;
use crate::core::weburl::WebUrl;
use crate::edge::io::body::read_limited;
use crate::edge::io::incoming::Incoming;
use crate::edge::io::platform_url;

/// Largest sequence order read, in bytes.
const ORDER_MAX_BYTES: u64 = 256 * 1024;
/// Captures read per step of a filtered selection.
const SCAN_BATCH: usize = 500;

fn not_found() -> ApiError {
    ApiError::not_found("sequence not found")
}

impl BinObject {
    /// `POST /v1/bins/{id}/sequences`: stores a running sequence and wakes the alarm.
    pub(super) async fn start_sequence(&self, req: Incoming, url: &WebUrl, meta: &BinMeta) -> Result<Reply, ApiError> {
        self.authorize_owner(&req, meta)?;
        let config = self.config()?;
        let client = client_key(req.headers().get("cf-connecting-ip").ok().flatten().as_deref());
        let body = read_limited(req.inner(), ORDER_MAX_BYTES).await?;
        let replay = order::parse(&body, &config.own_origins(url), platform_url::parse)?;
        let order = sequence_order::parse(&order::object(&body)?, replay, &meta.id, config.sequence_max_steps)?;
        let Some(meta) = self.bin() else { return Err(ApiError::bin_not_found()) };
        if self.sequences().count()? >= config.sequence_max_per_bin {
            return Err(ApiError::new(ErrorKind::Conflict, "too many sequences").with_details(format!(
                "a bin starts at most SEQUENCE_MAX_PER_BIN ({}) sequences",
                config.sequence_max_per_bin
            )));
        }
        let captures = self.selected(&order.selection, &config)?;
        let first = captures
            .first()
            .ok_or_else(|| ApiError::not_found("request not found").with_details("no retained capture matches"))?;
        let edit = self.resolve_resign(
            &meta,
            Some(meta_token(&req).as_str()),
            first,
            Default::default(),
            order.resign.as_ref(),
        )?;
        let steps = offsets(&captures.iter().map(|c| (c.seq, c.received_at_ms)).collect::<Vec<_>>(), order.timing);
        let now = now_ms();
        let span_ms = steps.last().map_or(0, |s| s.1);
        let room_ms = meta
            .expires_at_ms
            .saturating_sub(now)
            .min(i64::try_from(config.sequence_max_duration_s.saturating_mul(1000)).unwrap_or(i64::MAX));
        if i64::try_from(span_ms).unwrap_or(i64::MAX) >= room_ms {
            return Err(ApiError::bad_request("invalid sequence").with_details(format!(
                "it would run {span_ms} ms: longer than SEQUENCE_MAX_DURATION_SECONDS or the bin's life left; raise speed"
            )));
        }
        let sequence = Sequence {
            n: self.sequences().count()? + 1,
            target_url: order.replay.target_url,
            max_retries: order.replay.max_retries,
            on_failure: order.on_failure,
            resign: edit.resign,
            client,
            status: Status::Running,
            total: steps.len() as u64,
            next: 0,
            sent: 0,
            failed: 0,
            current: None,
            anchor_ms: now,
            paused_at_ms: None,
            not_before_ms: None,
            created_at_ms: now,
            updated_at_ms: now,
        };
        self.sequences().add_steps(sequence.n, &steps)?;
        self.sequences().save(&sequence)?;
        self.reschedule().await?;
        Reply::json(201, &sequence.view(&meta.id, Some(now)))
    }

    /// The captures `selection` names, in seq order: all retained, and at
    /// most `SEQUENCE_MAX_STEPS` of them.
    fn selected(&self, selection: &Selection, config: &Config) -> Result<Vec<Capture>, ApiError> {
        let captures = self.captures();
        let found = match selection {
            Selection::Seqs(seqs) => seqs
                .iter()
                .map(|seq| {
                    captures.capture(*seq)?.ok_or_else(|| {
                        ApiError::not_found("request not found")
                            .with_details(format!("request_ids: capture {seq} is not retained"))
                    })
                })
                .collect::<Result<Vec<Capture>, ApiError>>()?,
            Selection::Matching(filter) => self.matching(filter, config)?,
        };
        Ok(found)
    }

    fn matching(&self, filter: &Filter, config: &Config) -> Result<Vec<Capture>, ApiError> {
        let (captures, until) = (self.captures(), self.bin().map_or(1, |m| m.next_seq));
        let (mut after, mut found) = (0, Vec::new());
        loop {
            let batch = captures.range(after, until, &filter.namespace, SCAN_BATCH)?;
            let Some(last) = batch.last().map(|c| c.seq) else { return Ok(found) };
            found.extend(batch.into_iter().filter(|c| filter.matches_record(c)));
            if found.len() as u64 > config.sequence_max_steps {
                return Err(ApiError::bad_request("invalid sequence").with_details(format!(
                    "query: more than SEQUENCE_MAX_STEPS ({}) captures match; narrow it",
                    config.sequence_max_steps
                )));
            }
            after = last;
        }
    }

    /// `GET /v1/bins/{id}/sequences/{n}`.
    pub(super) fn get_sequence(&self, bin: &str, n: u64) -> Result<Reply, ApiError> {
        let sequence = self.sequences().get(n)?.ok_or_else(not_found)?;
        Reply::json(200, &sequence.view(bin, self.next_step_at(&sequence)?))
    }

    /// `POST .../sequences/{n}/pause` or `/resume`, or `DELETE .../sequences/{n}`, by the owner.
    pub(super) async fn control_sequence(
        &self,
        req: &Incoming,
        meta: &BinMeta,
        n: u64,
        action: Control,
    ) -> Result<Reply, ApiError> {
        self.authorize_owner(req, meta)?;
        let mut sequence = self.sequences().get(n)?.ok_or_else(not_found)?;
        let now = now_ms();
        let changed = match action {
            Control::Pause => sequence.pause(now),
            Control::Resume => sequence.resume(now),
            Control::Cancel => sequence.cancel(now),
        };
        if !changed {
            return Err(ApiError::new(ErrorKind::Conflict, "sequence cannot do that now").with_details(format!(
                "it is {}",
                serde_json::to_value(sequence.status)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default()
            )));
        }
        self.sequences().save(&sequence)?;
        self.reschedule().await?;
        Reply::json(200, &sequence.view(&meta.id, self.next_step_at(&sequence)?))
    }

    /// When the next step of `sequence` is due, if one waits to be sent.
    pub(super) fn next_step_at(&self, sequence: &Sequence) -> Result<Option<i64>, ApiError> {
        if sequence.due_at(Some(0)).is_none() {
            return Ok(None);
        }
        let offset = self.sequences().step(sequence.n, sequence.next)?.map(|(_, offset)| offset);
        Ok(sequence.due_at(offset))
    }
}

/// The delete token a request carries (empty if none).
fn meta_token(req: &Incoming) -> String {
    req.headers().get("x-delete-token").ok().flatten().unwrap_or_default()
}

/// What the owner asks of a sequence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Control {
    Pause,
    Resume,
    Cancel,
}
