//! One captured request as stored, without its body. Its wire form is in
//! [`crate::core::capture::view`].

use crate::core::reply::outcome::Replied;
use crate::core::verify::outcome::Verification;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One captured request as stored, without its body.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Capture {
    /// Per-bin sequence number; only increases.
    pub seq: u64,
    /// The HTTP method (or the `X-Forwarded-Method` override).
    pub method: String,
    /// The sub-path below `/in`, starting with `/`.
    pub path: String,
    /// The raw query string without `?`; empty when there was none.
    pub query: String,
    /// Lowercased header names; repeated headers joined with `", "`.
    pub headers: BTreeMap<String, String>,
    /// Each `Set-Cookie` value separately, in order.
    pub set_cookies: Vec<String>,
    /// The `Content-Type` header, if any.
    pub content_type: Option<String>,
    /// The client address (`CF-Connecting-IP`), if known.
    pub client_ip: Option<String>,
    /// Body length in bytes.
    pub body_size: u64,
    /// Receipt time, epoch milliseconds.
    pub received_at_ms: i64,
    /// How the bin answered, when a response rule did (the default is 202).
    #[serde(default)]
    pub answer: Option<Answered>,
    /// Its signature check at ingest (or the last re-check); `None` when
    /// the bin had no verifier.
    #[serde(default)]
    pub verification: Option<Verification>,
    /// Its dealings with the bin's responder (`listen --reply`), if it had any.
    #[serde(default)]
    pub reply: Option<Replied>,
}

/// The answer a response rule gave a capture.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Answered {
    /// The rule's index in the bin's list.
    pub rule: u32,
    /// The status sent.
    pub status: u16,
    /// The delay waited before answering, in ms.
    pub delay_ms: u64,
    /// True if the rule asked for a delay that was skipped, because the
    /// bin already had its share of delayed answers in flight.
    pub delay_skipped: bool,
}

impl Capture {
    /// A bodiless POST capture for tests.
    #[cfg(test)]
    pub fn sample(seq: u64, body_size: u64) -> Capture {
        Capture {
            seq,
            method: "POST".into(),
            path: "/".into(),
            query: String::new(),
            headers: BTreeMap::new(),
            set_cookies: vec![],
            content_type: None,
            client_ip: None,
            body_size,
            received_at_ms: 0,
            answer: None,
            verification: None,
            reply: None,
        }
    }
}
