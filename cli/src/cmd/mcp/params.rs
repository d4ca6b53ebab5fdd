//! What each tool takes: JSON objects whose schemas the MCP client lists.

use schemars::JsonSchema;
use serde::Deserialize;

/// `create_bin`.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct CreateBin {
    /// Make the bin private: reading it takes its read token (saved for you).
    #[serde(default)]
    pub private: bool,
}

/// Tools that name only a bin.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct BinOnly {
    /// The bin's id (or any of its URLs).
    pub bin: String,
}

/// The list's filters, shared by `wait_for_request` and `list_requests`.
#[derive(Debug, Default, Deserialize, JsonSchema)]
pub struct Filters {
    /// Only this HTTP method.
    pub method: Option<String>,
    /// Only captures sent to this sub-path below /in, or below it.
    pub path: Option<String>,
    /// Only captures with these headers: `name` or `name=value` each.
    #[serde(default)]
    pub header: Vec<String>,
    /// Only captures whose signature verified (true) or failed (false).
    pub verified: Option<bool>,
}

/// `wait_for_request`.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct WaitFor {
    /// The bin's id (or any of its URLs).
    pub bin: String,
    #[serde(flatten)]
    pub filters: Filters,
    /// Only captures after this one: a sequence number or a request id.
    /// Without it, captures from the last minute count too.
    pub after: Option<String>,
    /// Seconds to wait, 1 to 120 (default 30).
    pub timeout_s: Option<u64>,
}

/// `list_requests`.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct ListRequests {
    /// The bin's id (or any of its URLs).
    pub bin: String,
    #[serde(flatten)]
    pub filters: Filters,
    /// Text to find in a header value or the body.
    pub q: Option<String>,
    /// Captures to return, newest first, 1 to 100 (default 20).
    pub limit: Option<u32>,
}

/// `get_request`.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct GetRequest {
    /// The bin's id (or any of its URLs).
    pub bin: String,
    /// The capture: its request id (`<bin>-<seq>`) or its sequence number.
    pub request_id: String,
    /// Most body bytes to return (default 65536); the rest is cut and said so.
    pub max_body_bytes: Option<usize>,
}

/// `set_verifier`.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct SetVerifier {
    /// The bin's id (or any of its URLs).
    pub bin: String,
    /// `github`, `stripe`, `standard`, `slack` or `hmac-sha256`.
    pub scheme: String,
    /// The signing secret the sender uses. Never shown back.
    pub secret: String,
    /// For `hmac-sha256`: the header that carries the signature.
    pub header: Option<String>,
}

/// `set_responses`.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct SetResponses {
    /// The bin's id (or any of its URLs).
    pub bin: String,
    /// The response rules, as `PUT /v1/bins/{id}/responses` takes them (first match wins).
    pub rules: Vec<serde_json::Value>,
}

/// `replay`.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct Replay {
    /// The bin's id (or any of its URLs).
    pub bin: String,
    /// The capture: its request id (`<bin>-<seq>`) or its sequence number.
    pub request_id: String,
    /// Where the service sends it.
    pub target_url: String,
    /// Retries after a failed attempt, 0 to 5.
    pub max_retries: Option<u32>,
}
