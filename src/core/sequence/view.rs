//! A sequence on the wire.

use crate::core::sequence::model::{OnFailure, Sequence, Status};
use crate::core::time::rfc3339_ms;
use serde::Serialize;

/// `GET /v1/bins/{id}/sequences/{n}` and the answers of its controls.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct SequenceView<'a> {
    /// Its number in the bin.
    pub n: u64,
    /// `running`, `paused`, `done`, `stopped` or `cancelled`.
    pub status: Status,
    /// Where every step goes.
    pub target_url: &'a str,
    /// Steps in all.
    pub steps: u64,
    /// The next step to send, 0-based (`steps` once all were sent).
    pub step: u64,
    /// Steps whose replay succeeded.
    pub sent: u64,
    /// Steps whose replay was dead-lettered.
    pub failed: u64,
    /// The replay of the step in flight, if one is.
    pub current_replay_id: Option<String>,
    /// When the next step is due, while it waits to be sent.
    pub next_at: Option<String>,
    /// What a dead-lettered step does.
    pub on_failure: OnFailure,
    /// The scheme each step is re-signed with, if any.
    pub resign: Option<&'a str>,
    /// Retries per step.
    pub max_retries: u32,
    /// Creation and last change (RFC 3339).
    pub created_at: String,
    pub updated_at: String,
}

impl Sequence {
    /// The wire view in bin `bin`, with the next step due at `next_at_ms`.
    pub fn view(&self, bin: &str, next_at_ms: Option<i64>) -> SequenceView<'_> {
        SequenceView {
            n: self.n,
            status: self.status,
            target_url: &self.target_url,
            steps: self.total,
            step: self.next,
            sent: self.sent,
            failed: self.failed,
            current_replay_id: self.current.map(|r| crate::core::replay::model::replay_id(bin, r)),
            next_at: next_at_ms.map(rfc3339_ms),
            on_failure: self.on_failure,
            resign: self.resign.as_deref(),
            max_retries: self.max_retries,
            created_at: rfc3339_ms(self.created_at_ms),
            updated_at: rfc3339_ms(self.updated_at_ms),
        }
    }
}
