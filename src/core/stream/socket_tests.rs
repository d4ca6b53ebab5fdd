use super::*;
use crate::core::stream::events::{self, Lost};
use crate::core::stream::sse;
use std::rc::Rc;

#[test]
fn every_stream_event_has_its_message() {
    let cases: [(Frame, &str); 4] = [
        (
            sse::event(Some("b-7"), "request", "{\"seq\":7}"),
            "{\"type\":\"request\",\"id\":\"b-7\",\"data\":{\"seq\":7}}",
        ),
        (
            events::notice("lost", &Lost { first_seq: 1, last_seq: 2, resumes_after: 2 }),
            "{\"type\":\"lost\",\"id\":null,\"data\":{\"first_seq\":1,\"last_seq\":2,\"resumes_after\":2}}",
        ),
        (
            events::ended("b", events::End::Deleted),
            "{\"type\":\"deleted\",\"id\":null,\"data\":{\"bin\":\"b\",\"reason\":\"deleted\"}}",
        ),
        (
            sse::event(Some("b-9"), "skipped", "{\"reason\":\"scan_limit\",\"resumes_after\":9}"),
            "{\"type\":\"skipped\",\"id\":\"b-9\",\"data\":{\"reason\":\"scan_limit\",\"resumes_after\":9}}",
        ),
    ];
    for (frame, want) in cases {
        let got = message(&frame).unwrap();
        assert_eq!(got, want);
        assert!(serde_json::from_str::<serde_json::Value>(&got).is_ok());
    }
    assert_eq!(message(&sse::comment("ping")), None);
    assert_eq!(message(&Rc::from(": ok\nretry: 2000\n\n")), None);
}

#[test]
fn close_codes_are_distinct_and_reasons_fit() {
    let all = [
        Close::Ended,
        Close::Unauthorized,
        Close::AuthTimeout,
        Close::Stalled,
        Close::Resume,
        Close::Retry,
        Close::TooFast,
        Close::Replaced,
    ];
    let codes: std::collections::BTreeSet<u16> = all.iter().map(|c| c.code()).collect();
    assert_eq!(codes.len(), all.len());
    assert!(codes.iter().all(|c| (4000..5000).contains(c)));
    assert_eq!(Close::Retry.reason(&"é".repeat(100)).len(), 122, "cut on a character boundary");
    assert_eq!(Close::Retry.reason("a\nb"), "a b");
}

#[test]
fn client_messages_parse_strictly() {
    assert_eq!(
        serde_json::from_str::<ClientMessage>(r#"{"type":"ack","seq":5}"#).unwrap(),
        ClientMessage::Ack { seq: 5 }
    );
    assert_eq!(
        serde_json::from_str::<ClientMessage>(r#"{"type":"auth","token":"t"}"#).unwrap(),
        ClientMessage::Auth { token: "t".into() }
    );
    for bad in [
        r#"{"type":"ack"}"#,
        r#"{"type":"nack","seq":1}"#,
        r#"{"type":"ack","seq":-1}"#,
        r#"{"type":"ack","seq":1,"x":1}"#,
        "ping",
    ] {
        assert!(serde_json::from_str::<ClientMessage>(bad).is_err(), "{bad}");
    }
}

fn seat() -> Seat {
    Seat {
        client: "203.0.113.9".into(),
        query: String::new(),
        sent: 0,
        delivered: 0,
        unacked: 0,
        behind: false,
        authorized: true,
        opened_ms: 0,
        full_since_ms: 0,
        closed: false,
        messages: Default::default(),
        acked: 0,
        responder: false,
    }
}

#[test]
fn the_window_holds_unacknowledged_bytes() {
    let mut s = seat();
    assert!(s.has_room(5000, 100), "one message always fits an empty window");
    s.delivered(1, 60);
    assert!(s.has_room(40, 100) && !s.has_room(41, 100));
    s.fell_behind(1_000);
    assert!(!s.has_room(1, 100), "behind: fed from storage, not live");
    assert!(!s.stalled(30_999, 30_000) && s.stalled(31_000, 30_000));
    s.sent = 5; // captures 2..=5 were passed over by the filter
    s.acked(0);
    assert_eq!(s.unacked, 60, "a partial ack frees nothing");
    s.acked(1);
    assert_eq!((s.unacked, s.full_since_ms), (0, 0), "an ack of the last capture delivered empties the window");
    assert!(s.behind, "it still catches up from storage before going live");
}

#[test]
fn a_seat_fits_the_attachment_bound_or_says_so() {
    let mut s = seat();
    assert!(s.encode().is_some());
    s.query = "x".repeat(MAX_SEAT_BYTES);
    assert!(s.encode().is_none());
    let room = MAX_SEAT_BYTES - seat().encode().unwrap().len();
    s.query = "x".repeat(room);
    assert_eq!(s.encode().map(|e| e.len()), Some(MAX_SEAT_BYTES), "exactly at the bound");
    assert!(!s.fits(), "but its counters could not grow");
    // Room for the counters and the message bucket to reach their widest.
    s.query.truncate(room - 160);
    assert!(s.fits());
    let mut grown = s.clone();
    (grown.sent, grown.delivered, grown.unacked) = (u64::MAX, u64::MAX, u64::MAX);
    (grown.opened_ms, grown.full_since_ms) = (i64::MIN, i64::MIN);
    grown.messages = crate::core::limits::bucket::Bucket::widest();
    assert!(grown.encode().is_some(), "a seat that fits stays within the bound");
}

#[test]
fn a_request_frame_names_its_capture() {
    assert_eq!(request_seq(&sse::event(Some("k3p9q2x7m1nb-42"), "request", "{}")), Some(42));
    assert_eq!(request_seq(&sse::event(Some("k3p9q2x7m1nb-42"), "skipped", "{}")), None);
    assert_eq!(request_seq(&events::notice("lost", &Lost { first_seq: 1, last_seq: 2, resumes_after: 2 })), None);
}

#[test]
fn a_live_offer_sends_falls_behind_or_stalls() {
    let mut s = Seat::new("c".into(), "", 4, 5, true, 0);
    assert!(!s.behind, "nothing to catch up");
    assert_eq!(s.offer(5, 80, 100, 0, 1000), Offered::Send);
    assert_eq!((s.sent, s.delivered, s.unacked), (5, 5, 80));
    assert_eq!(s.offer(6, 80, 100, 10, 1000), Offered::Behind);
    assert_eq!((s.sent, s.full_since_ms), (5, 10), "not sent, so not passed over");
    assert_eq!(s.offer(7, 80, 100, 1009, 1000), Offered::Behind);
    assert_eq!(s.offer(8, 80, 100, 1010, 1000), Offered::Stalled);
    assert!(!s.closed, "closing it is the caller's");
    assert!(Seat::new("c".into(), "", 2, 5, true, 0).behind, "captures 3 and 4 come from storage first");
}

#[test]
fn a_reply_parses_with_or_without_its_optional_parts() {
    let full =
        r#"{"type":"reply","seq":3,"status":201,"headers":[["x-a","1"],["x-a","2"]],"body_b64":"b2s=","body_size":2}"#;
    match serde_json::from_str::<ClientMessage>(full).unwrap() {
        ClientMessage::Reply { seq, status, headers, body_b64, body_size } => {
            assert_eq!((seq, status, headers.len(), body_b64.as_deref(), body_size), (3, 201, 2, Some("b2s="), 2));
        }
        other => panic!("{other:?}"),
    }
    let bare = serde_json::from_str::<ClientMessage>(r#"{"type":"reply","seq":1,"status":200}"#);
    assert!(matches!(bare, Ok(ClientMessage::Reply { seq: 1, status: 200, body_size: 0, .. })), "{bare:?}");
}
