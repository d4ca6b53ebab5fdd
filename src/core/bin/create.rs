//! Creating a bin: the optional request body and the `201` answer.

use crate::core::http::error::ApiError;
use crate::core::time::rfc3339_ms;
use serde::{Deserialize, Serialize};

/// Reads the optional body of `POST /v1/bins`: empty, or a JSON object
/// whose `private` flag asks for a read token. Returns that flag.
pub fn wants_private(body: &[u8]) -> Result<bool, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(false);
    }
    let bad = |d: String| ApiError::bad_request("invalid JSON").with_details(d);
    let value: serde_json::Value =
        serde_json::from_slice(body).map_err(|e| bad(format!("the body must be a JSON object: {e}")))?;
    match value.get("private") {
        _ if !value.is_object() => Err(bad("the body must be a JSON object".into())),
        None => Ok(false),
        Some(v) => v.as_bool().ok_or_else(|| bad("private must be true or false".into())),
    }
}

/// `201` answer to `POST /v1/bins`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct BinCreated {
    /// The bin id, 12 characters of `[a-z0-9]`.
    pub id: String,
    /// Where webhook senders post.
    pub ingest_url: String,
    /// Where the captured requests are listed.
    pub view_url: String,
    /// Shown once; required to delete the bin.
    pub delete_token: String,
    /// RFC 3339 instant after which the bin is gone.
    pub expires_at: String,
    /// Additive, private bins only: the token that reads the bin. Shown once.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub read_token: Option<String>,
    /// Additive: the bin's live SSE feed.
    pub stream_url: String,
}

impl BinCreated {
    /// Builds the answer for bin `id` served under `base_url` (no trailing slash).
    pub fn new(base_url: &str, id: &str, delete_token: String, expires_at_ms: i64) -> Self {
        let bin_url = format!("{base_url}/v1/bins/{id}");
        BinCreated {
            id: id.to_string(),
            ingest_url: format!("{bin_url}/in"),
            view_url: format!("{bin_url}/requests"),
            stream_url: format!("{bin_url}/stream"),
            delete_token,
            read_token: None,
            expires_at: rfc3339_ms(expires_at_ms),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn create_options() {
        assert!(!wants_private(b"").unwrap());
        assert!(!wants_private(b" \n").unwrap());
        assert!(!wants_private(b"{}").unwrap());
        assert!(!wants_private(br#"{"private":false}"#).unwrap());
        assert!(wants_private(br#"{"private":true}"#).unwrap());
        for bad in [&b"nope"[..], b"[true]", br#"{"private":"yes"}"#, br#"{"private":null}"#] {
            assert_eq!(wants_private(bad).unwrap_err().status(), 400);
        }
    }

    #[test]
    fn bin_created_urls() {
        let b = BinCreated::new("https://h.example", "k3p9q2x7m1nb", "t".into(), 0);
        assert_eq!(b.ingest_url, "https://h.example/v1/bins/k3p9q2x7m1nb/in");
        assert_eq!(b.view_url, "https://h.example/v1/bins/k3p9q2x7m1nb/requests");
        assert_eq!(b.stream_url, "https://h.example/v1/bins/k3p9q2x7m1nb/stream");
    }
}
