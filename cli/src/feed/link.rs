//! What one connection of either transport yields, and how an answer that
//! refused it is read: the part both transports share.

use reqwest::StatusCode;

use crate::api::error_for;
use crate::error::CliError;

/// The transports a feed can use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Transport {
    /// The WebSocket when the service has one, else SSE.
    Auto,
    /// Only the WebSocket (`GET /v1/bins/{id}/ws`).
    Websocket,
    /// Only the SSE stream (`GET /v1/bins/{id}/stream`), as every polyhook serves it.
    Sse,
}

impl Transport {
    /// The name printed when a connection opens.
    pub fn name(self) -> &'static str {
        match self {
            Transport::Auto => "auto",
            Transport::Websocket => "websocket",
            Transport::Sse => "sse",
        }
    }
}

/// One thing a live connection yields.
#[derive(Debug)]
pub enum Incoming {
    /// An event: its name and its JSON data; for the responder, how long
    /// the sender of this capture waits for its answer, in ms.
    Event { name: String, data: String, reply_ms: Option<u64> },
    /// The connection ended; reconnect, after the server's hint (ms) if it gave one.
    Dropped(Option<u64>),
    /// The bin ended (the final event, if any, came before).
    Ended,
    /// Something no reconnect can fix.
    Fatal(CliError),
}

/// How a connection attempt that was answered without opening goes on.
#[derive(Debug)]
pub enum Refusal {
    /// Busy or restarting: try again, after the hint (ms) if there is one.
    Later(Option<u64>),
    /// The service has no such channel (a server without `/ws`).
    Unsupported,
    /// An answer no retry fixes; 404 is the bin being gone.
    Fatal(CliError),
}

/// Reads a refusing answer with `status`, its `Retry-After` (seconds) and
/// `body`, for `what`. `unsupported` lists the statuses that mean the
/// service lacks the channel rather than the bin.
pub fn refusal(status: u16, retry_after: Option<&str>, body: &[u8], what: &str, unsupported: &[u16]) -> Refusal {
    let Ok(status) = StatusCode::from_u16(status) else { return Refusal::Later(None) };
    if status.is_server_error() || status == StatusCode::TOO_MANY_REQUESTS || status == StatusCode::REQUEST_TIMEOUT {
        let hint = retry_after.and_then(|s| s.trim().parse::<u64>().ok()).map(|s| s.saturating_mul(1000));
        return Refusal::Later(hint);
    }
    if unsupported.contains(&status.as_u16()) {
        return Refusal::Unsupported;
    }
    Refusal::Fatal(error_for(status, &String::from_utf8_lossy(body), what))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_are_read_by_status() {
        assert!(matches!(refusal(429, Some("12"), b"", "x", &[]), Refusal::Later(Some(12_000))));
        assert!(matches!(refusal(503, None, b"", "x", &[]), Refusal::Later(None)));
        assert!(matches!(refusal(404, None, b"", "x", &[404]), Refusal::Unsupported));
        let gone = refusal(404, None, br#"{"error":"bin not found"}"#, "open bin b", &[]);
        assert!(
            matches!(gone, Refusal::Fatal(ref e) if e.code == crate::error::EXIT_BIN_GONE && e.message.contains("bin not found"))
        );
        assert!(matches!(refusal(401, None, b"", "x", &[404]), Refusal::Fatal(_)));
    }
}
