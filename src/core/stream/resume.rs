//! Where a (re)connecting subscriber's stream starts.
//!
//! Event ids are request ids (`<bin>-<seq>`), and a resume point may be
//! given as a request id or as a bare sequence number; either way resuming
//! needs no scan: the stream sends every retained capture with a larger
//! sequence number, then goes live. The `Last-Event-ID` header wins over the `last_event_id` query
//! parameter, because an EventSource keeps its original URL (with the
//! parameter) and sends the newer id in the header when it reconnects.

use crate::core::bin::ids::{is_bin_id, MAX_SAFE_SEQ};
use crate::core::http::error::ApiError;
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
    /// An id that is neither a sequence number nor a request id.
    Malformed(String),
    /// A request id of another bin.
    OtherBin(String),
}

/// Reads the resume point of bin `bin` from the header, else the query
/// parameter: `42` or `<bin>-42`. An empty value means none, as the SSE spec
/// resets an id with an empty field.
pub fn asked(bin: &str, header: Option<&str>, query_param: Option<&str>) -> Asked {
    let raw = [header, query_param].into_iter().flatten().map(str::trim).find(|v| !v.is_empty());
    let Some(v) = raw else { return Asked::Live };
    let shown = || v.chars().take(64).collect::<String>();
    let seq_text = match v.rsplit_once('-') {
        Some((prefix, seq)) if prefix == bin => seq,
        Some((prefix, _)) if is_bin_id(prefix) => return Asked::OtherBin(shown()),
        _ => v,
    };
    match seq_text.parse::<u64>() {
        Ok(n) if n <= MAX_SAFE_SEQ && seq_text.bytes().all(|b| b.is_ascii_digit()) => Asked::After(n),
        _ => Asked::Malformed(shown()),
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
pub fn plan(asked: &Asked, next_seq: u64, oldest_retained: Option<u64>) -> Result<Start, ApiError> {
    let newest = next_seq.saturating_sub(1);
    let live = |notices: Vec<Frame>| Start { notices, backlog_after: newest, live_from: next_seq };
    Ok(match asked {
        Asked::OtherBin(id) => {
            return Err(ApiError::bad_request("invalid last_event_id")
                .with_details(format!("{id:?} is a request id of another bin")))
        }
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
    })
}

fn reset(reason: &'static str, id: &str, newest: u64) -> Frame {
    events::notice("reset", &Reset { reason, last_event_id: id.to_string(), resumes_after: newest })
}

#[cfg(test)]
mod tests {
    use super::*;

    const BIN: &str = "k3p9q2x7m1nb";

    #[test]
    fn header_wins_and_blank_means_live() {
        assert_eq!(asked(BIN, Some("7"), Some("3")), Asked::After(7));
        assert_eq!(asked(BIN, None, Some("3")), Asked::After(3));
        assert_eq!(asked(BIN, Some(""), Some("3")), Asked::After(3));
        assert_eq!(asked(BIN, Some(" "), None), Asked::Live);
        assert_eq!(asked(BIN, None, None), Asked::Live);
        assert_eq!(asked(BIN, Some("abc"), None), Asked::Malformed("abc".into()));
        assert_eq!(asked(BIN, Some("-1"), None), Asked::Malformed("-1".into()));
        assert_eq!(asked(BIN, Some("99999999999999999999"), None), Asked::Malformed("99999999999999999999".into()));
    }

    #[test]
    fn request_ids_resume_too() {
        assert_eq!(asked(BIN, Some("k3p9q2x7m1nb-42"), None), Asked::After(42));
        assert_eq!(asked(BIN, None, Some("k3p9q2x7m1nb-0")), Asked::After(0));
        assert_eq!(asked(BIN, Some("k3p9q2x7m1nb-x"), None), Asked::Malformed("k3p9q2x7m1nb-x".into()));
        assert_eq!(asked(BIN, Some("aaaaaaaaaaaa-3"), None), Asked::OtherBin("aaaaaaaaaaaa-3".into()));
        assert_eq!(asked(BIN, Some("nope-3"), None), Asked::Malformed("nope-3".into()));
        assert_eq!(plan(&Asked::OtherBin("aaaaaaaaaaaa-3".into()), 5, None).unwrap_err().status(), 400);
    }

    #[test]
    fn live_start_has_no_backlog() {
        let s = plan(&Asked::Live, 11, Some(1)).unwrap();
        assert_eq!((s.backlog_after, s.live_from), (10, 11));
        assert!(s.notices.is_empty());
    }

    #[test]
    fn resume_sends_the_missed_ones() {
        let s = plan(&Asked::After(4), 11, Some(1)).unwrap();
        assert_eq!((s.backlog_after, s.live_from), (4, 11));
        assert!(s.notices.is_empty());
        let from_start = plan(&Asked::After(0), 11, Some(1)).unwrap();
        assert_eq!(from_start.backlog_after, 0);
    }

    #[test]
    fn evicted_range_is_announced() {
        let s = plan(&Asked::After(2), 11, Some(6)).unwrap();
        assert_eq!(s.backlog_after, 5);
        assert_eq!(s.notices.len(), 1);
        assert!(s.notices[0].contains("\"first_seq\":3,\"last_seq\":5"));
        let nothing_kept = plan(&Asked::After(2), 11, None).unwrap();
        assert_eq!(nothing_kept.backlog_after, 10);
        assert!(nothing_kept.notices[0].contains("\"last_seq\":10"));
    }

    #[test]
    fn up_to_date_resume_has_no_notice() {
        let s = plan(&Asked::After(10), 11, Some(1)).unwrap();
        assert!(s.notices.is_empty());
        assert_eq!(s.backlog_after, 10);
    }

    #[test]
    fn bad_ids_reset_to_live() {
        for a in [Asked::Malformed("x".into()), Asked::After(12)] {
            let s = plan(&a, 11, Some(1)).unwrap();
            assert_eq!((s.backlog_after, s.live_from), (10, 11));
            assert!(s.notices[0].starts_with("event: reset\n"));
        }
    }
}
