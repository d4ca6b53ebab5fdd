//! Server-Sent Events framing (WHATWG HTML, "Server-sent events").
//!
//! A frame is encoded once and shared by every subscriber, so it is an
//! `Rc<str>`: cloning it for a queue costs a reference count, not a copy.

use std::rc::Rc;

/// One encoded event or comment, ready to write.
pub type Frame = Rc<str>;

/// Client reconnection delay sent in the `retry:` field, in milliseconds.
pub const RETRY_MS: u64 = 2000;

/// An event frame. Every line of `data` becomes its own `data:` line, so
/// payloads containing CR, LF or CRLF are carried intact; `id` is omitted
/// for events that must not move the client's last event id. An id never
/// holds CR, LF or NUL (ids here are request ids), which the field forbids.
pub fn event(id: Option<&str>, name: &str, data: &str) -> Frame {
    let mut out = String::with_capacity(data.len() + 32);
    if let Some(id) = id {
        out.push_str("id: ");
        out.push_str(id);
        out.push('\n');
    }
    out.push_str("event: ");
    out.push_str(name);
    out.push('\n');
    for line in split_lines(data) {
        out.push_str("data: ");
        out.push_str(line);
        out.push('\n');
    }
    out.push('\n');
    Rc::from(out)
}

/// Splits on CRLF, CR or LF, the three line ends the SSE parser accepts.
fn split_lines(data: &str) -> impl Iterator<Item = &str> {
    data.split('\n').flat_map(|l| l.strip_suffix('\r').unwrap_or(l).split('\r'))
}

/// A comment frame (`: text`), which clients ignore; used to open the stream
/// and as a keep-alive that also reveals dead connections when it fails.
pub fn comment(text: &str) -> Frame {
    Rc::from(format!(": {}\n\n", text.replace(['\r', '\n'], " ")))
}

/// The stream's opening: a comment and the reconnection hint.
pub fn preamble() -> Frame {
    Rc::from(format!(": ok\nretry: {RETRY_MS}\n\n"))
}

/// Least wait a refused stream is told to take before reconnecting, in ms.
pub const REFUSAL_RETRY_MIN_MS: u64 = 10_000;

/// The whole body of a stream turned away for load: a comment saying why
/// and a `retry:` hint, then the stream ends. Browsers give up for good on
/// a 429 or 5xx, but reconnect after a 200 stream ends, so this is how a
/// busy bin says "later". `jitter` (any number) spreads the retry over
/// 10-20 s so refused clients do not all return at once.
pub fn refusal(reason: &str, jitter: u64) -> Frame {
    let retry_ms = REFUSAL_RETRY_MIN_MS + jitter % REFUSAL_RETRY_MIN_MS;
    Rc::from(format!(": {}\nretry: {retry_ms}\n\n", reason.replace(['\r', '\n'], " ")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusal_hints_a_spread_retry() {
        assert_eq!(&*refusal("busy\nnow", 12_345), ": busy now\nretry: 12345\n\n");
        assert_eq!(&*refusal("busy", 7), ": busy\nretry: 10007\n\n");
    }

    #[test]
    fn frames_an_event() {
        assert_eq!(&*event(Some("b-7"), "request", "{\"a\":1}"), "id: b-7\nevent: request\ndata: {\"a\":1}\n\n");
    }

    #[test]
    fn one_data_line_per_line() {
        assert_eq!(&*event(None, "x", "a\nb\r\nc\rd"), "event: x\ndata: a\ndata: b\ndata: c\ndata: d\n\n");
        assert_eq!(&*event(None, "x", ""), "event: x\ndata: \n\n");
        assert_eq!(&*event(None, "x", "end\n"), "event: x\ndata: end\ndata: \n\n");
    }

    #[test]
    fn comments_cannot_break_framing() {
        assert_eq!(&*comment("ping"), ": ping\n\n");
        assert_eq!(&*comment("a\nb"), ": a b\n\n");
    }

    #[test]
    fn preamble_sets_retry() {
        assert_eq!(&*preamble(), ": ok\nretry: 2000\n\n");
    }
}
