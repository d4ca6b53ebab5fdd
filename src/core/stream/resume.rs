//! Where a (re)connecting subscriber's stream starts.
//!
//! Event ids are sequence numbers, so resuming needs no scan: the stream
//! sends every retained capture with a larger sequence number, then goes
//! live. The `Last-Event-ID` header wins over the `last_event_id` query
//! parameter, because an EventSource keeps its original URL (with the
//! parameter) and sends the newer id in the header when it reconnects.

use crate::core::bin::ids::MAX_SAFE_SEQ;
use crate::core::stream::backlog::gap;
use crate::core::stream::events::{self, Reset};
use crate::core::stream::sse::Frame;

/// The start a subscriber asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Asked {
    /// No id: live only.
    Live,
    /// Resume after this sequence number (`0` means from the beginning).
    After(u64),
    /// An id that is not a sequence number.
    Malformed(String),
}

/// Reads the resume point from the header, else the query parameter. An
/// empty value means none, as the SSE spec resets an id with an empty field.
pub fn asked(header: Option<&str>, query_param: Option<&str>) -> Asked {
    let raw = [header, query_param].into_iter().flatten().map(str::trim).find(|v| !v.is_empty());
    match raw {
        None => Asked::Live,
        Some(v) => match v.parse::<u64>() {
            Ok(n) if n <= MAX_SAFE_SEQ && v.bytes().all(|b| b.is_ascii_digit()) => Asked::After(n),
            _ => Asked::Malformed(v.chars().take(64).collect()),
        },
    }
}

/// How to start one stream.
#[derive(Debug, Clone, PartialEq)]
pub struct Start {
    /// Notice events to send first (`lost` or `reset`), if any.
    pub notices: Vec<Frame>,
    /// Send retained captures with a sequence number above this one ...
    pub backlog_after: u64,
    /// ... and below this one; from here on, captures arrive live.
    pub live_from: u64,
}

/// Plans the start of a stream for `asked`, given the bin's next sequence
/// number and the oldest sequence number it still retains.
pub fn plan(asked: &Asked, next_seq: u64, oldest_retained: Option<u64>) -> Start {
    let newest = next_seq.saturating_sub(1);
    let live = |notices: Vec<Frame>| Start { notices, backlog_after: newest, live_from: next_seq };
    match asked {
        Asked::Live => live(vec![]),
        Asked::Malformed(id) => live(vec![reset("malformed_last_event_id", id, newest)]),
        Asked::After(n) if *n > newest => live(vec![reset("last_event_id_ahead", &n.to_string(), newest)]),
        Asked::After(n) => {
            // Everything up to the oldest retained capture (or all, if none is
            // retained) that comes after `n` has been evicted.
            match gap(*n, oldest_retained.unwrap_or(next_seq).min(next_seq)) {
                Some(lost) => Start {
                    notices: vec![events::notice("lost", &lost)],
                    backlog_after: lost.resumes_after,
                    live_from: next_seq,
                },
                None => Start { notices: vec![], backlog_after: *n, live_from: next_seq },
            }
        }
    }
}

fn reset(reason: &'static str, id: &str, newest: u64) -> Frame {
    events::notice("reset", &Reset { reason, last_event_id: id.to_string(), resumes_after: newest })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_wins_and_blank_means_live() {
        assert_eq!(asked(Some("7"), Some("3")), Asked::After(7));
        assert_eq!(asked(None, Some("3")), Asked::After(3));
        assert_eq!(asked(Some(""), Some("3")), Asked::After(3));
        assert_eq!(asked(Some(" "), None), Asked::Live);
        assert_eq!(asked(None, None), Asked::Live);
        assert_eq!(asked(Some("abc"), None), Asked::Malformed("abc".into()));
        assert_eq!(asked(Some("-1"), None), Asked::Malformed("-1".into()));
        assert_eq!(asked(Some("99999999999999999999"), None), Asked::Malformed("99999999999999999999".into()));
    }

    #[test]
    fn live_start_has_no_backlog() {
        let s = plan(&Asked::Live, 11, Some(1));
        assert_eq!((s.backlog_after, s.live_from), (10, 11));
        assert!(s.notices.is_empty());
    }

    #[test]
    fn resume_sends_the_missed_ones() {
        let s = plan(&Asked::After(4), 11, Some(1));
        assert_eq!((s.backlog_after, s.live_from), (4, 11));
        assert!(s.notices.is_empty());
        let from_start = plan(&Asked::After(0), 11, Some(1));
        assert_eq!(from_start.backlog_after, 0);
    }

    #[test]
    fn evicted_range_is_announced() {
        let s = plan(&Asked::After(2), 11, Some(6));
        assert_eq!(s.backlog_after, 5);
        assert_eq!(s.notices.len(), 1);
        assert!(s.notices[0].contains("\"first_seq\":3,\"last_seq\":5"));
        let nothing_kept = plan(&Asked::After(2), 11, None);
        assert_eq!(nothing_kept.backlog_after, 10);
        assert!(nothing_kept.notices[0].contains("\"last_seq\":10"));
    }

    #[test]
    fn up_to_date_resume_has_no_notice() {
        let s = plan(&Asked::After(10), 11, Some(1));
        assert!(s.notices.is_empty());
        assert_eq!(s.backlog_after, 10);
    }

    #[test]
    fn bad_ids_reset_to_live() {
        for a in [Asked::Malformed("x".into()), Asked::After(12)] {
            let s = plan(&a, 11, Some(1));
            assert_eq!((s.backlog_after, s.live_from), (10, 11));
            assert!(s.notices[0].starts_with("event: reset\n"));
        }
    }
}
