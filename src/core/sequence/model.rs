//! A sequence's state machine. The object stores it (and its steps) and
//! acts on what it says; every time is an argument.

use serde::{Deserialize, Serialize};

/// Where a sequence stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Sending its steps as they come due.
    Running,
    /// Held by its owner; `resume` goes on where it stopped.
    Paused,
    /// Every step was sent (some may have failed, with `continue`).
    Done,
    /// A step was dead-lettered and `on_failure` was `stop`.
    Stopped,
    /// Cancelled by its owner.
    Cancelled,
}

/// What a dead-lettered step does to its sequence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OnFailure {
    /// Go on with the next step.
    Continue,
    /// End the sequence there.
    Stop,
}

/// One sequence as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sequence {
    /// Per-bin number, from 1.
    pub n: u64,
    /// Where every step is sent.
    pub target_url: String,
    /// Retries per step's replay.
    pub max_retries: u32,
    /// What a dead-lettered step does.
    pub on_failure: OnFailure,
    /// The scheme each step is re-signed with, if any.
    pub resign: Option<String>,
    /// The client who started it: each step draws on its replay budget.
    pub client: String,
    /// Where it stands.
    pub status: Status,
    /// Steps in all.
    pub total: u64,
    /// The next step to send (0-based); `total` once all were sent.
    pub next: u64,
    /// Steps whose replay succeeded.
    pub sent: u64,
    /// Steps whose replay was dead-lettered.
    pub failed: u64,
    /// The replay of the step in flight, if one is.
    pub current: Option<u64>,
    /// When step 0 was due: step i is due at `anchor_ms` plus its offset. A pause moves it on.
    pub anchor_ms: i64,
    /// When it was paused, while it is.
    pub paused_at_ms: Option<i64>,
    /// The next step waits for the replay budget (or a pending slot) until then.
    pub not_before_ms: Option<i64>,
    /// Creation time, epoch ms.
    pub created_at_ms: i64,
    /// Last change, epoch ms.
    pub updated_at_ms: i64,
}

impl Sequence {
    /// True until it is done, stopped or cancelled.
    pub fn active(&self) -> bool {
        matches!(self.status, Status::Running | Status::Paused)
    }

    /// When the next step is due, given its offset: `None` while paused,
    /// finished, or while a step is in flight (steps never overlap).
    pub fn due_at(&self, next_offset_ms: Option<u64>) -> Option<i64> {
        if self.status != Status::Running || self.current.is_some() || self.next >= self.total {
            return None;
        }
        let at = self.anchor_ms.saturating_add(i64::try_from(next_offset_ms?).unwrap_or(i64::MAX));
        Some(self.not_before_ms.map_or(at, |nb| at.max(nb)))
    }

    /// The next step went out as replay `replay`.
    pub fn sent_step(&mut self, replay: u64, now_ms: i64) {
        (self.current, self.not_before_ms, self.updated_at_ms) = (Some(replay), None, now_ms);
        self.next += 1;
    }

    /// The next step must wait until `until_ms` (the replay budget, or a pending slot).
    pub fn hold(&mut self, until_ms: i64, now_ms: i64) {
        (self.not_before_ms, self.updated_at_ms) = (Some(until_ms), now_ms);
    }

    /// The step in flight ended: `succeeded`, or dead-lettered.
    pub fn step_ended(&mut self, succeeded: bool, now_ms: i64) {
        self.current = None;
        self.updated_at_ms = now_ms;
        if succeeded {
            self.sent += 1;
        } else {
            self.failed += 1;
        }
        if !succeeded && self.on_failure == OnFailure::Stop && self.status != Status::Cancelled {
            self.status = Status::Stopped;
        } else if self.next >= self.total && self.active() {
            self.status = Status::Done;
        }
    }

    /// Holds it; the step in flight, if any, still ends as a replay does.
    pub fn pause(&mut self, now_ms: i64) -> bool {
        if self.status != Status::Running {
            return false;
        }
        (self.status, self.paused_at_ms, self.updated_at_ms) = (Status::Paused, Some(now_ms), now_ms);
        true
    }

    /// Goes on, every later step moved on by the time it was paused.
    pub fn resume(&mut self, now_ms: i64) -> bool {
        if self.status != Status::Paused {
            return false;
        }
        let held = now_ms.saturating_sub(self.paused_at_ms.unwrap_or(now_ms));
        self.anchor_ms = self.anchor_ms.saturating_add(held);
        (self.status, self.paused_at_ms, self.updated_at_ms) = (Status::Running, None, now_ms);
        if self.next >= self.total && self.current.is_none() {
            self.status = Status::Done;
        }
        true
    }

    /// Ends it; no further step is sent.
    pub fn cancel(&mut self, now_ms: i64) -> bool {
        if !self.active() {
            return false;
        }
        (self.status, self.paused_at_ms, self.updated_at_ms) = (Status::Cancelled, None, now_ms);
        true
    }
}

#[cfg(test)]
#[path = "model_tests.rs"]
mod tests;
