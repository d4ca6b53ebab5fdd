//! The wire view of a replay: the contract's `Replay` plus its attempts.

use crate::core::bin::ids::request_id;
use crate::core::replay::model::{replay_id, Attempt, Replay, Status};
use crate::core::time::rfc3339_ms;
use serde::Serialize;

/// The contract's `Replay`, plus additive fields.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ReplayView<'a> {
    /// Replay id.
    pub id: String,
    /// The replayed capture's id.
    pub request_id: String,
    /// The target.
    pub target_url: &'a str,
    /// `queued`, `in_progress`, `succeeded` or `failed`.
    pub status: Status,
    /// Attempts made.
    pub attempts: u32,
    /// Why the last attempt failed.
    pub last_error: Option<&'a str>,
    /// Last change (RFC 3339).
    pub updated_at: String,
    /// Additive: retries allowed per round.
    pub max_retries: u32,
    /// Additive: creation time (RFC 3339).
    pub created_at: String,
    /// Additive: when the next attempt is due, while queued.
    pub next_attempt_at: Option<String>,
    /// Additive: every attempt, oldest first.
    pub history: Vec<AttemptView<'a>>,
}

/// One attempt on the wire.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct AttemptView<'a> {
    /// Attempt number.
    pub attempt: u32,
    /// Start time (RFC 3339).
    pub started_at: String,
    /// Duration in milliseconds.
    pub duration_ms: u64,
    /// Target status code, if it answered.
    pub status_code: Option<u16>,
    /// The failure, if any.
    pub error: Option<&'a str>,
}

impl Replay {
    /// The wire view in bin `bin` with its attempt history.
    pub fn view<'a>(&'a self, bin: &str, history: &'a [Attempt]) -> ReplayView<'a> {
        ReplayView {
            id: replay_id(bin, self.n),
            request_id: request_id(bin, self.request_seq),
            target_url: &self.target_url,
            status: self.status,
            attempts: self.attempts,
            last_error: self.last_error.as_deref(),
            updated_at: rfc3339_ms(self.updated_at_ms),
            max_retries: self.max_retries,
            created_at: rfc3339_ms(self.created_at_ms),
            next_attempt_at: self.next_at_ms.filter(|_| self.status == Status::Queued).map(rfc3339_ms),
            history: history.iter().map(Attempt::view).collect(),
        }
    }
}

impl Attempt {
    fn view(&self) -> AttemptView<'_> {
        AttemptView {
            attempt: self.attempt,
            started_at: rfc3339_ms(self.started_at_ms),
            duration_ms: self.duration_ms,
            status_code: self.status_code,
            error: self.error.as_deref(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn view_has_contract_fields_and_history() {
        let mut r = Replay::new(2, 9, "https://t.example/hook".into(), 5, 0);
        r.claim(0, 10);
        let history = [Attempt {
            attempt: 1,
            started_at_ms: 0,
            duration_ms: 12,
            status_code: Some(503),
            error: Some("target answered 503".into()),
        }];
        let v = serde_json::to_value(r.view("k3p9q2x7m1nb", &history)).unwrap();
        assert_eq!(v["id"], "k3p9q2x7m1nb-r2");
        assert_eq!(v["request_id"], "k3p9q2x7m1nb-9");
        assert_eq!(v["status"], "in_progress");
        assert_eq!(v["attempts"], 1);
        assert!(v["last_error"].is_null());
        assert_eq!(v["updated_at"], "1970-01-01T00:00:00.000Z");
        assert!(v["next_attempt_at"].is_null());
        assert_eq!(v["history"][0]["status_code"], 503);
    }
}
