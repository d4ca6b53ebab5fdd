//! How the bin answered a capture's sender, as the wire shows it: by the
//! owner's app through the responder, by a response rule, or with the
//! default 202.

use crate::core::capture::model::Answered;
use crate::core::reply::outcome::{AppAnswer, Fallback, Replied};
use serde::Serialize;

/// Who answered the sender.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    /// The owner's app, through `polyhook listen --reply`.
    Listener,
    /// A response rule.
    Rule,
    /// The default 202.
    Default,
}

/// The wire form of a capture's answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ResponseView<'a> {
    /// The response rule that answered, by index; `null` unless a rule did.
    pub rule: Option<u32>,
    /// The status sent (while `pending`, the one a fallback would send).
    pub status: u16,
    /// The rule's delay waited, in ms.
    pub delay_ms: u64,
    /// The rule's delay was skipped (too many delayed answers in flight).
    pub delay_skipped: bool,
    /// Who answered (while `pending`, who would answer on a fallback).
    pub source: Source,
    /// True while the sender still waits for the app; a `response` event follows.
    pub pending: bool,
    /// How long the sender waited for the app, in ms.
    pub waited_ms: u64,
    /// Why the app's answer was not sent, when a responder was involved and it was not.
    pub fallback: Option<Fallback>,
    /// The app's answer as recorded, once known (also when it came late).
    pub listener: Option<&'a AppAnswer>,
}

impl<'a> ResponseView<'a> {
    /// The view of a capture answered by rule `answer` (none: the 202)
    /// and with `reply` from its responder, if any.
    pub fn of(answer: Option<&Answered>, reply: Option<&'a Replied>) -> ResponseView<'a> {
        let mut view = ResponseView {
            rule: None,
            status: 202,
            delay_ms: 0,
            delay_skipped: false,
            source: Source::Default,
            pending: false,
            waited_ms: 0,
            fallback: None,
            listener: None,
        };
        if let Some(a) = answer {
            (view.rule, view.status, view.delay_ms, view.delay_skipped) =
                (Some(a.rule), a.status, a.delay_ms, a.delay_skipped);
            view.source = Source::Rule;
        }
        if let Some(r) = reply {
            (view.pending, view.waited_ms, view.fallback, view.listener) =
                (r.is_pending(), r.waited_ms, r.fallback.filter(|f| *f != Fallback::Absent), r.app.as_ref());
            if let Some(app) = r.by_listener() {
                (view.rule, view.status, view.source) = (None, app.status, Source::Listener);
            }
        }
        view
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_listener_the_rule_or_the_default() {
        let app = AppAnswer { status: 201, body_size: 3, dropped_headers: vec![], late: false };
        let answered = Replied { waited_ms: 40, fallback: None, app: Some(app.clone()) };
        let v = ResponseView::of(None, Some(&answered));
        assert_eq!((v.source, v.status, v.waited_ms, v.pending), (Source::Listener, 201, 40, false));
        let rule = Answered { rule: 0, status: 503, delay_ms: 0, delay_skipped: false };
        let late = Replied::late(Some(Replied::fell_back(Fallback::Timeout, 2500)), app);
        let v = ResponseView::of(Some(&rule), Some(&late));
        assert_eq!((v.source, v.status, v.fallback), (Source::Rule, 503, Some(Fallback::Timeout)));
        assert!(v.listener.is_some_and(|a| a.late && a.status == 201));
        let pending = Replied::pending();
        let v = ResponseView::of(None, Some(&pending));
        assert_eq!((v.source, v.status, v.pending), (Source::Default, 202, true));
        let absent = Replied::late(None, AppAnswer { status: 200, body_size: 0, dropped_headers: vec![], late: false });
        assert_eq!(ResponseView::of(None, Some(&absent)).fallback, None, "no responder: nothing fell back");
    }
}
