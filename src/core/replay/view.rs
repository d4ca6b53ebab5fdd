//! The wire view of a replay: the contract's `Replay` plus its attempts.

use crate::core::bin::ids::request_id;
use crate::core::replay::edit::Edit;
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
    /// Additive: what an edited replay changes from the capture; `null` for a plain one.
    pub changes: Option<Changes<'a>>,
}

/// What an edited replay sends differently from its capture.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Changes<'a> {
    /// The method sent instead, if another.
    pub method: Option<&'a str>,
    /// The sub-path and query appended to the target, if any.
    pub path: Option<&'a str>,
    /// Headers set (lowercase names).
    pub headers_set: Vec<&'a str>,
    /// Headers removed (lowercase names).
    pub headers_removed: &'a [String],
    /// True when the body was replaced.
    pub body_changed: bool,
    /// The new body's SHA-256, hex.
    pub body_sha256: Option<&'a str>,
    /// The new body's size, bytes.
    pub body_size: Option<u64>,
    /// The scheme each attempt is re-signed with, if any.
    pub resigned: Option<&'a str>,
}

impl Edit {
    fn changes(&self) -> Changes<'_> {
        Changes {
            method: self.method.as_deref(),
            path: self.path.as_deref(),
            headers_set: self.set.iter().map(|(n, _)| n.as_str()).collect(),
            headers_removed: &self.remove,
            body_changed: self.body.is_some(),
            body_sha256: self.body.as_ref().map(|(h, _)| h.as_str()),
            body_size: self.body.as_ref().map(|(_, n)| *n),
            resigned: self.resign.as_deref(),
        }
    }
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
            changes: self.edit.as_ref().map(Edit::changes),
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
        assert!(v["changes"].is_null(), "a plain replay changes nothing");
        r.edit = Some(Edit {
            body: Some(("ab".into(), 2)),
            resign: Some("github".into()),
            remove: vec!["x-a".into()],
            ..Edit::default()
        });
        let v = serde_json::to_value(r.view("k3p9q2x7m1nb", &history)).unwrap();
        assert_eq!(v["changes"]["body_changed"], true);
        assert_eq!(v["changes"]["resigned"], "github");
        assert_eq!(v["changes"]["headers_removed"][0], "x-a");
    }
}
