//! The replay retry policy: which answers are worth retrying, and when.
//!
//! Retries wait `base`, `2 × base`, `4 × base`, ... (1, 2, 4, 8, 16 s with
//! the default 1 s base). A target's `Retry-After` is honoured when it asks
//! for longer, up to a cap.

/// How one attempt went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// A 2xx: delivered.
    Success,
    /// A network error, a timeout, 408, 429 or a 5xx: worth trying again.
    Retryable,
    /// Any other status: trying again would not help.
    Permanent,
}

/// Classifies an attempt by its status code (`None`: no answer at all).
pub fn classify(status: Option<u16>) -> Outcome {
    match status {
        None => Outcome::Retryable,
        Some(s) if (200..300).contains(&s) => Outcome::Success,
        Some(408 | 429) => Outcome::Retryable,
        Some(s) if (500..600).contains(&s) => Outcome::Retryable,
        Some(_) => Outcome::Permanent,
    }
}

/// The retry timing settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    /// Wait before the first retry, in milliseconds; doubles per retry.
    pub base_ms: u64,
    /// Longest wait a `Retry-After` can ask for, in milliseconds.
    pub retry_after_cap_ms: u64,
}

/// What to do after an attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Next {
    /// Delivered; the replay succeeded.
    Done,
    /// Give up; the replay failed (the dead-letter), with the reason.
    GiveUp(String),
    /// Try again at this epoch time, in milliseconds.
    RetryAt(i64),
}

impl Policy {
    /// The wait before retry number `retry` (1-based), in milliseconds.
    pub fn delay_ms(&self, retry: u32) -> u64 {
        self.base_ms.saturating_mul(1u64 << retry.saturating_sub(1).min(32))
    }

    /// Decides what follows attempt number `attempt` (1 is the first send,
    /// so `attempt - 1` retries are used) of a replay allowing `max_retries`.
    /// `error` describes a failed attempt; `retry_after_s` is the target's
    /// `Retry-After`, if it sent one in seconds.
    pub fn next(
        &self,
        attempt: u32,
        max_retries: u32,
        outcome: Outcome,
        error: &str,
        retry_after_s: Option<u64>,
        now_ms: i64,
    ) -> Next {
        match outcome {
            Outcome::Success => Next::Done,
            Outcome::Permanent => Next::GiveUp(error.to_string()),
            Outcome::Retryable if attempt > max_retries => {
                Next::GiveUp(format!("{error} (gave up after {attempt} attempts)"))
            }
            Outcome::Retryable => {
                let asked = retry_after_s.map_or(0, |s| s.saturating_mul(1000)).min(self.retry_after_cap_ms);
                let wait = self.delay_ms(attempt).max(asked);
                Next::RetryAt(now_ms.saturating_add(i64::try_from(wait).unwrap_or(i64::MAX)))
            }
        }
    }
}

/// Parses a `Retry-After` given in delta-seconds. (The HTTP-date form is
/// ignored, so the schedule's own delay applies.)
pub fn retry_after_s(header: Option<&str>) -> Option<u64> {
    header
        .map(str::trim)
        .filter(|v| !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|v| v.parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    const POLICY: Policy = Policy { base_ms: 1000, retry_after_cap_ms: 60_000 };

    #[test]
    fn classifies_statuses() {
        assert_eq!(classify(Some(200)), Outcome::Success);
        assert_eq!(classify(Some(204)), Outcome::Success);
        for s in [408, 429, 500, 502, 503, 599] {
            assert_eq!(classify(Some(s)), Outcome::Retryable, "{s}");
        }
        for s in [301, 400, 401, 404, 410, 422] {
            assert_eq!(classify(Some(s)), Outcome::Permanent, "{s}");
        }
        assert_eq!(classify(None), Outcome::Retryable);
    }

    #[test]
    fn schedule_doubles_from_the_base() {
        let waits: Vec<u64> = (1..=5).map(|r| POLICY.delay_ms(r)).collect();
        assert_eq!(waits, [1000, 2000, 4000, 8000, 16000]);
    }

    #[test]
    fn retries_until_the_budget_is_spent() {
        let n = |attempt| POLICY.next(attempt, 5, Outcome::Retryable, "503", None, 0);
        assert_eq!(n(1), Next::RetryAt(1000));
        assert_eq!(n(5), Next::RetryAt(16000));
        assert!(matches!(n(6), Next::GiveUp(e) if e.contains("503") && e.contains("6 attempts")));
        assert!(matches!(POLICY.next(1, 0, Outcome::Retryable, "x", None, 0), Next::GiveUp(_)));
    }

    #[test]
    fn permanent_and_success_end_at_once() {
        assert_eq!(POLICY.next(1, 5, Outcome::Success, "", None, 0), Next::Done);
        assert_eq!(
            POLICY.next(1, 5, Outcome::Permanent, "target answered 404", None, 0),
            Next::GiveUp("target answered 404".into())
        );
    }

    #[test]
    fn honours_a_longer_retry_after_up_to_the_cap() {
        assert_eq!(POLICY.next(1, 5, Outcome::Retryable, "429", Some(7), 100), Next::RetryAt(7100));
        assert_eq!(POLICY.next(3, 5, Outcome::Retryable, "429", Some(1), 0), Next::RetryAt(4000));
        assert_eq!(POLICY.next(1, 5, Outcome::Retryable, "429", Some(3600), 0), Next::RetryAt(60_000));
    }

    #[test]
    fn parses_delta_seconds_only() {
        assert_eq!(retry_after_s(Some("5")), Some(5));
        assert_eq!(retry_after_s(Some(" 12 ")), Some(12));
        assert_eq!(retry_after_s(Some("Wed, 21 Oct 2026 07:28:00 GMT")), None);
        assert_eq!(retry_after_s(Some("-1")), None);
        assert_eq!(retry_after_s(None), None);
    }
}
