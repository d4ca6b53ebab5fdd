//! The service's JSON, as far as the command reads it (openapi.yaml has
//! every field; unknown ones are ignored so additive changes never break).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// `201` of `POST /v1/bins`.
#[derive(Debug, Deserialize)]
pub struct BinCreated {
    pub id: String,
    pub ingest_url: String,
    pub delete_token: String,
    pub expires_at: String,
    #[serde(default)]
    pub read_token: Option<String>,
}

/// A capture, as the stream's `request` event carries it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Capture {
    /// `<bin>-<seq>`.
    pub id: String,
    pub seq: u64,
    pub method: String,
    /// The sub-path below `/in`, starting with `/`.
    pub path: String,
    /// The raw query without `?`.
    pub query: String,
    /// Lowercased names; repeats joined with ", ".
    pub headers: BTreeMap<String, String>,
    #[serde(default)]
    pub set_cookies: Vec<String>,
    #[serde(default)]
    pub content_type: Option<String>,
    /// Bytes.
    pub body_size: u64,
    /// Standard base64; present on events and details.
    #[serde(default)]
    pub body_b64: Option<String>,
    pub received_at: String,
}

/// Data of a `lost` event.
#[derive(Debug, Clone, Deserialize)]
pub struct Lost {
    pub first_seq: u64,
    pub last_seq: u64,
    pub resumes_after: u64,
}

/// Data of a `reset` event.
#[derive(Debug, Clone, Deserialize)]
pub struct Reset {
    pub reason: String,
    pub resumes_after: u64,
}

/// Data of a `deleted` or `expired` event.
#[derive(Debug, Clone, Deserialize)]
pub struct Ended {
    pub reason: String,
}

/// A page of captures (only the newest sequence number is read).
#[derive(Debug, Deserialize)]
pub struct RequestPage {
    pub items: Vec<PageItem>,
}

/// One capture of a page.
#[derive(Debug, Deserialize)]
pub struct PageItem {
    pub seq: u64,
}

/// `202` of a replay start.
#[derive(Debug, Deserialize)]
pub struct ReplayQueued {
    pub replay_id: String,
}

/// A replay and its attempts.
#[derive(Debug, Deserialize)]
pub struct Replay {
    pub status: String,
    pub target_url: String,
    #[serde(default)]
    pub last_error: Option<String>,
    #[serde(default)]
    pub history: Vec<ReplayAttempt>,
}

/// One replay attempt.
#[derive(Debug, Deserialize, serde::Serialize)]
pub struct ReplayAttempt {
    pub attempt: u32,
    pub duration_ms: u64,
    #[serde(default)]
    pub status_code: Option<u16>,
    #[serde(default)]
    pub error: Option<String>,
}

/// The service's error body.
#[derive(Debug, Deserialize)]
pub struct ErrorBody {
    pub error: String,
    #[serde(default)]
    pub details: Option<String>,
}
