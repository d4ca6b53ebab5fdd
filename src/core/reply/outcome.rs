//! What became of a capture's wait for the responder, as stored with it.

use serde::{Deserialize, Serialize};

/// Why the sender got the rule's answer (or the 202) rather than the app's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Fallback {
    /// No responder was connected.
    Absent,
    /// The app did not answer within `REPLY_TIMEOUT_MS`.
    Timeout,
    /// The responder went away (or was replaced) while the sender waited.
    Disconnected,
    /// The bin already held `REPLY_MAX_WAITING` senders waiting.
    Busy,
    /// The responder had captures still to forward or to retry.
    Behind,
    /// The app's body was larger than `REPLY_MAX_BODY_BYTES`.
    TooLarge,
    /// The app's answer could not be sent (a status outside 200-599, a body that is not base64).
    Invalid,
}

impl Fallback {
    /// The label of this outcome in `polyhook_listener_answers_total`.
    pub fn label(self) -> &'static str {
        match self {
            Fallback::Absent => "absent",
            Fallback::Timeout => "timeout",
            Fallback::Disconnected => "disconnected",
            Fallback::Busy => "busy",
            Fallback::Behind => "behind",
            Fallback::TooLarge => "too_large",
            Fallback::Invalid => "invalid",
        }
    }
}

/// Outcomes counted in `polyhook_listener_answers_total` (`absent` is not:
/// a bin without a responder is the common case).
pub const COUNTED: [&str; 7] = ["answered", "behind", "busy", "disconnected", "invalid", "timeout", "too_large"];

/// The app's answer to a capture, as the responder reported it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppAnswer {
    /// The app's status.
    pub status: u16,
    /// Its body's size, in bytes.
    pub body_size: u64,
    /// Headers that could not be passed on (names, lowercase), each once.
    #[serde(default)]
    pub dropped_headers: Vec<String>,
    /// True if it came after the sender had been answered otherwise.
    pub late: bool,
}

/// A capture's dealings with the responder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Replied {
    /// How long the sender waited for the app, in ms.
    pub waited_ms: u64,
    /// Why the app's answer was not sent, when it was not.
    pub fallback: Option<Fallback>,
    /// The app's answer, once known.
    pub app: Option<AppAnswer>,
}

impl Replied {
    /// A capture whose sender is waiting for the app now (never stored).
    pub fn pending() -> Replied {
        Replied { waited_ms: 0, fallback: None, app: None }
    }

    /// A sender answered otherwise, after `waited_ms`, because of `why`.
    pub fn fell_back(why: Fallback, waited_ms: u64) -> Replied {
        Replied { waited_ms, fallback: Some(why), app: None }
    }

    /// True while the sender waits for the app.
    pub fn is_pending(&self) -> bool {
        self.fallback.is_none() && self.app.is_none()
    }

    /// The app's answer went to the sender.
    pub fn by_listener(&self) -> Option<&AppAnswer> {
        self.app.as_ref().filter(|_| self.fallback.is_none())
    }

    /// The app's `answer`, known after the sender was answered otherwise:
    /// recorded against `was` (the capture's record so far, if any).
    pub fn late(was: Option<Replied>, mut answer: AppAnswer) -> Replied {
        answer.late = true;
        let was = was.filter(|r| !r.is_pending()).unwrap_or(Replied::fell_back(Fallback::Absent, 0));
        Replied { app: Some(answer), fallback: was.fallback.or(Some(Fallback::Absent)), ..was }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn app(status: u16) -> AppAnswer {
        AppAnswer { status, body_size: 2, dropped_headers: vec![], late: false }
    }

    #[test]
    fn a_late_answer_keeps_why_the_sender_did_not_get_it() {
        let timed_out = Replied::fell_back(Fallback::Timeout, 2500);
        let late = Replied::late(Some(timed_out), app(201));
        assert_eq!((late.fallback, late.waited_ms), (Some(Fallback::Timeout), 2500));
        assert!(late.app.as_ref().is_some_and(|a| a.late && a.status == 201));
        assert!(late.by_listener().is_none(), "the sender got the fallback");
        let unasked = Replied::late(None, app(500));
        assert_eq!(unasked.fallback, Some(Fallback::Absent));
        assert_eq!(Replied::late(Some(Replied::pending()), app(200)).fallback, Some(Fallback::Absent));
    }

    #[test]
    fn stored_form_is_stable() {
        let r = Replied { waited_ms: 12, fallback: None, app: Some(app(200)) };
        let json = serde_json::to_string(&r).unwrap();
        assert_eq!(
            json,
            r#"{"waited_ms":12,"fallback":null,"app":{"status":200,"body_size":2,"dropped_headers":[],"late":false}}"#
        );
        assert_eq!(serde_json::from_str::<Replied>(&json).unwrap(), r);
        assert!(r.by_listener().is_some() && !r.is_pending() && Replied::pending().is_pending());
        assert_eq!(serde_json::to_string(&Fallback::TooLarge).unwrap(), "\"too_large\"");
    }
}
