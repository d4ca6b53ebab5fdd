//! How the server closes a live socket: the codes, in the 4000-4999 range
//! the WebSocket protocol leaves to applications, and their reasons.

/// Why the server closes a socket; codes in the 4000-4999 range the
/// WebSocket protocol leaves to applications. The reason text (at most
/// 123 bytes) says what to do. (A socket past the caps is refused before
/// the upgrade, with a 429 and `Retry-After`, so it never holds a slot.)
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Close {
    /// 4000: the bin was deleted or expired (after the final event). Do not reconnect.
    Ended,
    /// 4001: the read token in the `auth` message is wrong. Do not reconnect with it.
    Unauthorized,
    /// 4002: a private bin's socket sent no `auth` message in time.
    AuthTimeout,
    /// 4004: the window stayed full past the stall time; reconnect with the last id processed.
    Stalled,
    /// 4005: a filtered catch-up turned down its allowance; reconnect with the `skipped` id.
    Resume,
    /// 4006: the server failed; reconnect after `retry_ms` with the last id processed.
    Retry,
    /// 4008: the client sent messages faster than `WS_MESSAGES_PER_SECOND`; reconnect after `retry_ms`.
    TooFast,
    /// 4009: a newer responder of the bin took over; do not reconnect as one.
    Replaced,
}

impl Close {
    /// The close code.
    pub fn code(self) -> u16 {
        match self {
            Close::Ended => 4000,
            Close::Unauthorized => 4001,
            Close::AuthTimeout => 4002,
            Close::Stalled => 4004,
            Close::Resume => 4005,
            Close::Retry => 4006,
            Close::TooFast => 4008,
            Close::Replaced => 4009,
        }
    }

    /// The close reason, cut to the protocol's 123 bytes.
    pub fn reason(self, detail: &str) -> String {
        let mut text = detail.replace(['\r', '\n'], " ");
        while text.len() > 123 {
            text.pop();
        }
        text
    }
}
