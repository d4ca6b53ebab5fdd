//! A replay: one captured request re-sent to a target URL, with retries.
//! This is its state machine; the object stores it and runs the attempts.

use crate::core::bin::ids::{is_bin_id, parse_seq};
use crate::core::capture::retention::ROW_OVERHEAD_BYTES;
use crate::core::http::error::{ApiError, ErrorKind};
use crate::core::replay::backoff::Next;
use crate::core::replay::edit::Edit;
use serde::{Deserialize, Serialize};

/// Where a replay stands (the contract's enum).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Waiting for its next attempt.
    Queued,
    /// An attempt is being sent.
    InProgress,
    /// A 2xx arrived.
    Succeeded,
    /// Given up: the dead-letter.
    Failed,
}

impl Status {
    /// The wire and storage name.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Queued => "queued",
            Status::InProgress => "in_progress",
            Status::Succeeded => "succeeded",
            Status::Failed => "failed",
        }
    }

    /// Parses the wire and storage name.
    pub fn parse(s: &str) -> Option<Status> {
        [Status::Queued, Status::InProgress, Status::Succeeded, Status::Failed].into_iter().find(|st| st.as_str() == s)
    }
}

/// One replay as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Replay {
    /// Per-bin replay number, from 1.
    pub n: u64,
    /// The replayed capture's sequence number.
    pub request_seq: u64,
    /// Where it is sent.
    pub target_url: String,
    /// Retries allowed after a failed first attempt (per round).
    pub max_retries: u32,
    /// Current state.
    pub status: Status,
    /// Attempts made so far, over all rounds.
    pub attempts: u32,
    /// `attempts` when the current round began (a re-queue starts a round).
    pub round_start: u32,
    /// Re-queues by `/retry` so far. Absent in rows stored before it existed.
    #[serde(default)]
    pub rounds: u32,
    /// Why the last attempt failed, if it did.
    pub last_error: Option<String>,
    /// Creation time, epoch milliseconds.
    pub created_at_ms: i64,
    /// Last change, epoch milliseconds.
    pub updated_at_ms: i64,
    /// When the next attempt is due (queued only), epoch milliseconds.
    pub next_at_ms: Option<i64>,
    /// Until when a running attempt owns the replay (in progress only).
    pub lease_until_ms: Option<i64>,
    /// What the order changed, for an edited replay (stored as JSON text).
    #[serde(default, with = "crate::core::replay::edit::as_text")]
    pub edit: Option<Edit>,
}

impl Replay {
    /// A new replay, due at once.
    pub fn new(n: u64, request_seq: u64, target_url: String, max_retries: u32, now_ms: i64) -> Replay {
        Replay {
            n,
            request_seq,
            target_url,
            max_retries,
            status: Status::Queued,
            attempts: 0,
            round_start: 0,
            rounds: 0,
            last_error: None,
            created_at_ms: now_ms,
            updated_at_ms: now_ms,
            next_at_ms: Some(now_ms),
            lease_until_ms: None,
            edit: None,
        }
    }

    /// True if an attempt should start at `now_ms`.
    pub fn due(&self, now_ms: i64) -> bool {
        self.status == Status::Queued && self.next_at_ms.is_some_and(|t| t <= now_ms)
    }

    /// True if a running attempt outlived its lease (the runtime stopped
    /// mid-attempt); it then counts as a failed attempt.
    pub fn stale(&self, now_ms: i64) -> bool {
        self.status == Status::InProgress && self.lease_until_ms.is_some_and(|t| t <= now_ms)
    }

    /// Marks the next attempt as started. Stored before sending, so a second
    /// delivery of the same alarm finds it in progress and leaves it alone.
    pub fn claim(&mut self, now_ms: i64, lease_ms: u64) {
        self.status = Status::InProgress;
        self.attempts += 1;
        self.next_at_ms = None;
        self.lease_until_ms = Some(now_ms.saturating_add(i64::try_from(lease_ms).unwrap_or(i64::MAX)));
        self.updated_at_ms = now_ms;
    }

    /// The attempt number within the current round (1 = first send).
    pub fn round_attempt(&self) -> u32 {
        self.attempts.saturating_sub(self.round_start)
    }

    /// Applies the policy's decision after an attempt that failed with `error`.
    pub fn settle(&mut self, next: Next, error: Option<String>, now_ms: i64) {
        self.lease_until_ms = None;
        self.updated_at_ms = now_ms;
        self.last_error = error;
        match next {
            Next::Done => self.status = Status::Succeeded,
            Next::GiveUp(reason) => {
                self.status = Status::Failed;
                self.last_error = Some(reason);
            }
            Next::RetryAt(at) => {
                self.status = Status::Queued;
                self.next_at_ms = Some(at);
            }
        }
    }

    /// Re-queues a failed replay with a fresh retry budget, at most
    /// `max_rounds` times over its life.
    pub fn requeue(&mut self, now_ms: i64, max_rounds: u32) -> Result<(), ApiError> {
        if self.status != Status::Failed {
            return Err(ApiError::new(ErrorKind::Conflict, "replay is not failed")
                .with_details(format!("only failed replays can be retried; this one is {}", self.status.as_str())));
        }
        if self.rounds >= max_rounds {
            return Err(ApiError::new(ErrorKind::Conflict, "replay retried too often")
                .with_details(format!("a replay can be retried {max_rounds} times; start a new one instead")));
        }
        self.rounds += 1;
        self.status = Status::Queued;
        self.round_start = self.attempts;
        self.next_at_ms = Some(now_ms);
        self.updated_at_ms = now_ms;
        Ok(())
    }
}

/// Longest attempt error text kept, in characters.
pub const MAX_ERROR_CHARS: usize = 256;
/// Bytes counted per stored attempt row: its overhead plus the longest error.
pub const ATTEMPT_ROW_BYTES: u64 = ROW_OVERHEAD_BYTES + MAX_ERROR_CHARS as u64;

impl Replay {
    /// The bytes this replay and its attempts take in storage, for the
    /// bin's retention (attempts counted at their largest).
    pub fn stored_bytes(&self) -> u64 {
        let texts = self.target_url.len() + self.last_error.as_ref().map_or(0, String::len);
        texts as u64
            + ROW_OVERHEAD_BYTES
            + u64::from(self.attempts) * ATTEMPT_ROW_BYTES
            + self.edit.as_ref().map_or(0, Edit::stored_bytes)
    }
}

/// One attempt as stored and shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attempt {
    /// Attempt number over the replay's life, from 1.
    pub attempt: u32,
    /// When it started, epoch milliseconds.
    pub started_at_ms: i64,
    /// How long it took, milliseconds.
    pub duration_ms: u64,
    /// The target's status code, if it answered.
    pub status_code: Option<u16>,
    /// What went wrong, if anything.
    pub error: Option<String>,
}

/// Formats the id of replay `n` of bin `bin`. It embeds the bin id, so the
/// Worker finds the bin's object without any global index.
pub fn replay_id(bin: &str, n: u64) -> String {
    format!("{bin}-r{n}")
}

/// Splits a replay id into bin id and replay number; anything else is 404.
pub fn parse_replay_id(id: &str) -> Result<(String, u64), ApiError> {
    let not_found = || ApiError::not_found("replay not found").with_details(format!("no replay {id:?}"));
    let (bin, n) = id.split_once("-r").ok_or_else(not_found)?;
    let n = parse_seq(n).ok_or_else(not_found)?;
    if !is_bin_id(bin) {
        return Err(not_found());
    }
    Ok((bin.to_string(), n))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_and_reject_garbage() {
        let id = replay_id("k3p9q2x7m1nb", 4);
        assert_eq!(id, "k3p9q2x7m1nb-r4");
        assert_eq!(parse_replay_id(&id).unwrap(), ("k3p9q2x7m1nb".to_string(), 4));
        for bad in
            ["", "k3p9q2x7m1nb", "k3p9q2x7m1nb-r", "k3p9q2x7m1nb-r0", "K3p9q2x7m1nb-r1", "short-r1", "k3p9q2x7m1nb-4"]
        {
            assert_eq!(parse_replay_id(bad).unwrap_err().status(), 404, "{bad}");
        }
    }

    #[test]
    fn claim_then_settle() {
        let mut r = Replay::new(1, 7, "http://t".into(), 2, 100);
        assert!(r.due(100));
        r.claim(100, 15_000);
        assert_eq!((r.status, r.attempts, r.round_attempt()), (Status::InProgress, 1, 1));
        assert!(!r.due(100_000), "a claimed replay is never due again");
        assert!(!r.stale(15_099));
        assert!(r.stale(15_100));
        r.settle(Next::RetryAt(1_100), Some("target answered 503".into()), 200);
        assert_eq!((r.status, r.next_at_ms), (Status::Queued, Some(1_100)));
        assert!(!r.due(1_099) && r.due(1_100));
        r.claim(1_100, 15_000);
        r.settle(Next::Done, None, 1_200);
        assert_eq!(r.status, Status::Succeeded);
        assert_eq!(r.last_error, None);
    }

    #[test]
    fn requeue_only_from_failed_with_a_fresh_budget() {
        let mut r = Replay::new(1, 7, "http://t".into(), 1, 0);
        assert_eq!(r.requeue(5, 3).unwrap_err().status(), 409);
        r.claim(0, 10);
        r.settle(Next::GiveUp("target answered 404".into()), Some("target answered 404".into()), 1);
        assert_eq!(r.status, Status::Failed);
        r.requeue(5, 1).unwrap();
        assert_eq!((r.status, r.round_start, r.next_at_ms, r.rounds), (Status::Queued, 1, Some(5), 1));
        r.claim(5, 10);
        assert_eq!((r.attempts, r.round_attempt()), (2, 1));
        r.settle(Next::GiveUp("target answered 404".into()), None, 6);
        let err = r.requeue(7, 1).unwrap_err();
        assert!(err.message.contains("too often"), "the rounds cap holds");
    }

    #[test]
    fn status_names() {
        for s in [Status::Queued, Status::InProgress, Status::Succeeded, Status::Failed] {
            assert_eq!(Status::parse(s.as_str()), Some(s));
        }
        assert_eq!(serde_json::to_string(&Status::InProgress).unwrap(), "\"in_progress\"");
    }
}
