//! Running replays: claim what is due, let the edge send it, settle each
//! result. Claiming stores every claimed replay as in progress before
//! anything is sent, so a repeated alarm delivery sends nothing twice; a
//! lease that outlives its attempt means the runtime stopped mid-attempt,
//! and that attempt counts as failed.

use crate::core::config::Config;
use crate::core::http::error::ApiError;
use crate::core::replay::backoff::{classify, retry_after_s, Outcome, Policy};
use crate::core::replay::model::{Attempt, Replay, Status, MAX_ERROR_CHARS};

/// Time past an attempt's limit before it counts as interrupted, in ms.
pub const LEASE_GRACE_MS: u64 = 5_000;
/// `last_error` of an attempt the runtime never finished.
pub const INTERRUPTED: &str = "attempt interrupted (the runtime restarted)";
/// `last_error` when the capture to re-send was evicted.
pub const NOT_RETAINED: &str = "the captured request is no longer retained";

/// Where replays are kept: the bin's storage, or a fake in tests.
pub trait ReplayRepo {
    /// Every queued or in-progress replay, by number.
    fn pending(&self) -> Result<Vec<Replay>, ApiError>;
    /// Inserts or updates `replay`.
    fn save(&self, replay: &Replay) -> Result<(), ApiError>;
    /// Records one attempt of replay `n`.
    fn add_attempt(&self, n: u64, attempt: &Attempt) -> Result<(), ApiError>;
}

/// How one attempt went, as the edge saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Sent {
    /// The target answered with this status (and maybe `Retry-After`).
    Answered { status: u16, retry_after: Option<String> },
    /// No answer (network error, timeout): worth trying again.
    NoAnswer(String),
    /// The attempt can never succeed (capture gone, request not buildable).
    Impossible(String),
}

impl Sent {
    fn status(&self) -> Option<u16> {
        match self {
            Sent::Answered { status, .. } => Some(*status),
            Sent::NoAnswer(_) | Sent::Impossible(_) => None,
        }
    }

    /// The attempt's error text, bounded; `None` for a 2xx.
    fn error(&self) -> Option<String> {
        match self {
            Sent::Answered { status, .. } if (200..300).contains(status) => None,
            Sent::Answered { status, .. } => Some(format!("target answered {status}")),
            Sent::NoAnswer(e) | Sent::Impossible(e) => Some(e.chars().take(MAX_ERROR_CHARS).collect()),
        }
    }

    fn outcome(&self) -> Outcome {
        match self {
            Sent::Impossible(_) => Outcome::Permanent,
            other => classify(other.status()),
        }
    }
}

/// One settled attempt: the replay after it, the attempt as stored, and
/// the final status if the replay ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settled {
    /// The replay, as saved.
    pub replay: Replay,
    /// The attempt, as recorded.
    pub attempt: Attempt,
    /// `Succeeded` or `Failed` when this attempt ended the replay.
    pub finished: Option<Status>,
}

/// What one claim round did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Round {
    /// Stalled attempts settled as failed.
    pub interrupted: Vec<Settled>,
    /// Replays claimed for an attempt now, oldest first.
    pub claimed: Vec<Replay>,
}

/// The replay runner of one bin.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Runner {
    /// Backoff and `Retry-After` policy.
    pub policy: Policy,
    /// How long a claim owns a replay, in ms: the attempt limit plus grace.
    pub lease_ms: u64,
    /// Most attempts running at once; the rest wait for the next alarm.
    pub max_running: usize,
}

impl Runner {
    /// The runner for `config`.
    pub fn new(config: &Config) -> Runner {
        Runner {
            policy: Policy {
                base_ms: config.replay_backoff_base_ms,
                retry_after_cap_ms: config.replay_retry_after_cap_s * 1000,
            },
            lease_ms: config.replay_timeout_ms + LEASE_GRACE_MS,
            max_running: usize::try_from(config.replay_max_concurrent).unwrap_or(usize::MAX),
        }
    }

    /// Settles stalled attempts, then claims due replays, oldest first, up
    /// to `max_running` attempts in flight. Nothing here awaits, so it all
    /// commits as one step.
    pub fn claim(&self, repo: &impl ReplayRepo, now_ms: i64) -> Result<Round, ApiError> {
        let mut round = Round::default();
        let mut pending = repo.pending()?;
        pending.sort_by_key(|r| r.n);
        let mut running = pending.iter().filter(|r| r.status == Status::InProgress && !r.stale(now_ms)).count();
        for mut replay in pending {
            if replay.stale(now_ms) {
                let settled = self.settle(repo, replay, now_ms, Sent::NoAnswer(INTERRUPTED.into()), 0, now_ms)?;
                replay = settled.replay.clone();
                round.interrupted.push(settled);
            }
            if replay.due(now_ms) && running < self.max_running {
                replay.claim(now_ms, self.lease_ms);
                repo.save(&replay)?;
                running += 1;
                round.claimed.push(replay);
            }
        }
        Ok(round)
    }

    /// Records how the attempt of `replay` started at `started_ms` went,
    /// taking `duration_ms`, and applies the retry policy at `now_ms`.
    pub fn settle(
        &self,
        repo: &impl ReplayRepo,
        mut replay: Replay,
        started_ms: i64,
        sent: Sent,
        duration_ms: u64,
        now_ms: i64,
    ) -> Result<Settled, ApiError> {
        let error = sent.error();
        let attempt = Attempt {
            attempt: replay.attempts,
            started_at_ms: started_ms,
            duration_ms,
            status_code: sent.status(),
            error: error.clone(),
        };
        repo.add_attempt(replay.n, &attempt)?;
        let retry_after = match &sent {
            Sent::Answered { retry_after, .. } => retry_after_s(retry_after.as_deref()),
            Sent::NoAnswer(_) | Sent::Impossible(_) => None,
        };
        let text = error.clone().unwrap_or_default();
        let next =
            self.policy.next(replay.round_attempt(), replay.max_retries, sent.outcome(), &text, retry_after, now_ms);
        replay.settle(next, error, now_ms);
        repo.save(&replay)?;
        let finished = matches!(replay.status, Status::Succeeded | Status::Failed).then_some(replay.status);
        Ok(Settled { replay, attempt, finished })
    }
}

#[cfg(test)]
#[path = "runner_tests.rs"]
mod tests;
