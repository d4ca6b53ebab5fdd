//! The catalogue of events a bin's stream carries.
//!
//! | event     | id     | when |
//! |-----------|--------|------|
//! | `request` | request id | a capture, as the detail endpoint shows it (with `body_b64`) |
//! | `lost`    | none   | on resume, captures after the given id were already evicted |
//! | `reset`   | none   | on resume, the given id was malformed or ahead of the bin |
//! | `replay`  | none   | a replay changed status (the `Replay` with its attempts) |
//! | `deleted` | none   | the bin was deleted; the stream then closes |
//! | `expired` | none   | the bin expired; the stream then closes |
//! | `skipped` | request id | a filtered catch-up turned down its allowance of captures; the stream then closes |
//! | `response` | none  | how a capture's sender was answered became known after its `request` event (the responder) |
//! | `listener` | none  | a responder connected or went away; also sent on connect while one is connected |
//!
//! `request` carries an `id:`, the request id `<bin>-<seq>` as the twins
//! send it, so the client's last event id names the last capture it
//! received. `skipped` carries the id of the last capture its filter turned
//! down, so the reconnect resumes after the captures already scanned.

use crate::core::bin::ids::request_id;
use crate::core::capture::model::Capture;
use crate::core::http::error::ApiError;
use crate::core::stream::sse::{event, Frame};
use serde::Serialize;

/// The `request` event for `capture` of bin `bin`, with its body.
pub fn request(bin: &str, capture: &Capture, body: &[u8]) -> Result<Frame, ApiError> {
    let json = serde_json::to_string(&capture.view(bin, Some(body)))
        .map_err(|e| ApiError::internal(format!("encode event: {e}")))?;
    Ok(event(Some(&request_id(bin, capture.seq)), "request", &json))
}

/// Data of a `lost` event: captures `first_seq..=last_seq` are gone.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Lost {
    /// First sequence number that can no longer be sent.
    pub first_seq: u64,
    /// Last sequence number that can no longer be sent.
    pub last_seq: u64,
    /// The stream continues with captures after this sequence number.
    pub resumes_after: u64,
}

/// Data of a `reset` event: the resume point was unusable, so the stream
/// continues live from `resumes_after`.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Reset {
    /// `malformed_last_event_id` or `last_event_id_ahead`.
    pub reason: &'static str,
    /// The id the client sent.
    pub last_event_id: String,
    /// The stream continues with captures after this sequence number.
    pub resumes_after: u64,
}

/// Data of a `skipped` event: a filtered catch-up read its allowance of
/// captures its filter turned down, and ends; reconnecting resumes after
/// `resumes_after` (also the event's id).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Skipped {
    /// `scan_limit`.
    pub reason: &'static str,
    /// The last sequence number scanned.
    pub resumes_after: u64,
}

/// Why a bin's stream ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum End {
    /// `DELETE` with the right token.
    Deleted,
    /// The bin's lifetime ran out.
    Expired,
}

impl End {
    /// The event name.
    pub fn name(self) -> &'static str {
        match self {
            End::Deleted => "deleted",
            End::Expired => "expired",
        }
    }
}

/// The final event of every stream of a bin that ended.
pub fn ended(bin: &str, end: End) -> Frame {
    let data = serde_json::json!({ "bin": bin, "reason": end.name() }).to_string();
    event(None, end.name(), &data)
}

/// An event with a JSON payload and no id.
pub fn notice<T: Serialize>(name: &str, data: &T) -> Frame {
    let json = serde_json::to_string(data).unwrap_or_else(|_| "{}".to_string());
    event(None, name, &json)
}

/// An event with a JSON payload and the id `id`.
pub fn with_id<T: Serialize>(id: &str, name: &str, data: &T) -> Frame {
    let json = serde_json::to_string(data).unwrap_or_else(|_| "{}".to_string());
    event(Some(id), name, &json)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_events_carry_seq_and_body() {
        let capture = Capture::sample(3, 2);
        let f = request("k3p9q2x7m1nb", &capture, b"hi").unwrap();
        assert!(f.starts_with("id: k3p9q2x7m1nb-3\nevent: request\ndata: {"));
        assert!(f.contains("\"body_b64\":\"aGk=\""));
        assert!(f.ends_with("}\n\n"));
    }

    #[test]
    fn end_events_have_no_id() {
        let f = ended("k3p9q2x7m1nb", End::Expired);
        assert!(f.starts_with("event: expired\ndata: {"));
        assert!(f.contains("\"reason\":\"expired\""));
    }

    #[test]
    fn notices_serialise() {
        let f = notice("lost", &Lost { first_seq: 1, last_seq: 4, resumes_after: 4 });
        assert_eq!(&*f, "event: lost\ndata: {\"first_seq\":1,\"last_seq\":4,\"resumes_after\":4}\n\n");
    }
}
