//! The stream events the responder adds (both without an id, so a
//! client's resume point stays the last capture): `response`, a capture's
//! answer known after its `request` event went out; and `listener`,
//! whether a responder is connected.

use crate::core::bin::ids::request_id;
use crate::core::capture::model::Answered;
use crate::core::capture::response::ResponseView;
use crate::core::reply::outcome::Replied;
use crate::core::stream::events::notice;
use crate::core::stream::sse::Frame;
use crate::core::time::rfc3339_ms;
use serde::Serialize;

/// Data of a `response` event.
#[derive(Debug, Serialize)]
struct Answer<'a> {
    request_id: String,
    seq: u64,
    response: ResponseView<'a>,
}

/// The `response` event of capture `seq` of bin `bin`, answered by rule
/// `answer` (if any) with `reply` from the responder.
pub fn response(bin: &str, seq: u64, answer: Option<&Answered>, reply: &Replied) -> Frame {
    let data = Answer { request_id: request_id(bin, seq), seq, response: ResponseView::of(answer, Some(reply)) };
    notice("response", &data)
}

/// The `listener` event: a responder connected at `since_ms` (epoch ms), or none is (`None`).
pub fn listener(since_ms: Option<i64>) -> Frame {
    let data = serde_json::json!({ "connected": since_ms.is_some(), "since": since_ms.map(rfc3339_ms) });
    notice("listener", &data)
}

/// The socket message `text` (a `request`) as the responder gets it when
/// the sender waits: with `"reply_ms"`, how long it waits. Our messages
/// are JSON objects, so the member goes before the closing brace.
pub fn asking(text: &str, reply_ms: u64) -> String {
    let open = text.strip_suffix('}').unwrap_or(text);
    format!("{open},\"reply_ms\":{reply_ms}}}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::reply::outcome::Fallback;

    #[test]
    fn events_carry_no_id() {
        let f = response("k3p9q2x7m1nb", 4, None, &Replied::fell_back(Fallback::Timeout, 2500));
        assert!(f.starts_with("event: response\ndata: {\"request_id\":\"k3p9q2x7m1nb-4\",\"seq\":4,\"response\":{"));
        assert!(f.contains("\"fallback\":\"timeout\"") && f.contains("\"waited_ms\":2500"));
        assert_eq!(&*listener(None), "event: listener\ndata: {\"connected\":false,\"since\":null}\n\n");
        assert!(listener(Some(0)).contains("\"since\":\"1970-01-01T00:00:00.000Z\""));
    }

    #[test]
    fn the_responder_is_told_how_long_the_sender_waits() {
        let asked = asking(r#"{"type":"request","id":"b-1","data":{"seq":1}}"#, 2500);
        let v: serde_json::Value = serde_json::from_str(&asked).unwrap();
        assert_eq!((v["reply_ms"].as_u64(), v["data"]["seq"].as_u64()), (Some(2500), Some(1)));
    }
}
