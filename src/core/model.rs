//! JSON models on the wire, named as in the contract. Fields beyond the
//! contract are additive and documented in `openapi.yaml`.

use crate::core::ids::request_id;
use crate::core::time::rfc3339_ms;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

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

/// `202` answer to an ingest.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct RequestAccepted {
    /// The new capture's id.
    pub request_id: String,
    /// When it was received (RFC 3339, milliseconds).
    pub received_at: String,
    /// Additive: its per-bin sequence number, also its SSE event id.
    pub seq: u64,
}

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
        }
    }
}

/// The contract's `CapturedRequest`, plus additive fields.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct CapturedRequest<'a> {
    /// Request id (`<bin>-<seq>`).
    pub id: String,
    /// Additive: the sequence number.
    pub seq: u64,
    /// HTTP method.
    pub method: &'a str,
    /// Additive: sub-path below `/in`.
    pub path: &'a str,
    /// Additive: raw query string.
    pub query: &'a str,
    /// Lowercased header map.
    pub headers: &'a BTreeMap<String, String>,
    /// Additive: every `Set-Cookie` value, unjoined.
    pub set_cookies: &'a [String],
    /// Additive: the content type.
    pub content_type: Option<&'a str>,
    /// Additive: the client IP.
    pub client_ip: Option<&'a str>,
    /// Body length in bytes.
    pub body_size: u64,
    /// Base64 of the raw body; present on detail and stream, absent in lists.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body_b64: Option<String>,
    /// Receipt time (RFC 3339, milliseconds).
    pub received_at: String,
}

impl Capture {
    /// The wire view of this capture in bin `bin`, with the body if given.
    pub fn view<'a>(&'a self, bin: &str, body: Option<&[u8]>) -> CapturedRequest<'a> {
        CapturedRequest {
            id: request_id(bin, self.seq),
            seq: self.seq,
            method: &self.method,
            path: &self.path,
            query: &self.query,
            headers: &self.headers,
            set_cookies: &self.set_cookies,
            content_type: self.content_type.as_deref(),
            client_ip: self.client_ip.as_deref(),
            body_size: self.body_size,
            body_b64: body.map(|b| STANDARD.encode(b)),
            received_at: rfc3339_ms(self.received_at_ms),
        }
    }
}

/// The contract's `RequestPage`.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct RequestPage<'a> {
    /// Captures, newest first, without bodies.
    pub items: Vec<CapturedRequest<'a>>,
    /// Cursor for the next (older) page; `null` on the last page.
    pub next_cursor: Option<String>,
}

/// `GET /healthz` answer.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Health {
    /// Always `ok` when the Worker answers.
    pub status: &'static str,
    /// Which implementation this is: `rust`.
    #[serde(rename = "impl")]
    pub implementation: &'static str,
    /// Seconds since this isolate started.
    pub uptime_seconds: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn capture() -> Capture {
        Capture {
            seq: 7,
            method: "POST".into(),
            path: "/github/push".into(),
            query: "a=1".into(),
            headers: BTreeMap::from([("content-type".into(), "application/json".into())]),
            set_cookies: vec![],
            content_type: Some("application/json".into()),
            client_ip: Some("203.0.113.9".into()),
            body_size: 2,
            received_at_ms: 0,
        }
    }

    #[test]
    fn view_has_contract_fields() {
        let c = capture();
        let v = serde_json::to_value(c.view("k3p9q2x7m1nb", Some(b"{}"))).unwrap();
        assert_eq!(v["id"], "k3p9q2x7m1nb-7");
        assert_eq!(v["method"], "POST");
        assert_eq!(v["headers"]["content-type"], "application/json");
        assert_eq!(v["body_size"], 2);
        assert_eq!(v["body_b64"], "e30=");
        assert_eq!(v["received_at"], "1970-01-01T00:00:00.000Z");
    }

    #[test]
    fn list_view_omits_body() {
        let c = capture();
        let v = serde_json::to_value(c.view("k3p9q2x7m1nb", None)).unwrap();
        assert!(v.get("body_b64").is_none());
    }

    #[test]
    fn bin_created_urls() {
        let b = BinCreated::new("https://h.example", "k3p9q2x7m1nb", "t".into(), 0);
        assert_eq!(b.ingest_url, "https://h.example/v1/bins/k3p9q2x7m1nb/in");
        assert_eq!(b.view_url, "https://h.example/v1/bins/k3p9q2x7m1nb/requests");
        assert_eq!(b.stream_url, "https://h.example/v1/bins/k3p9q2x7m1nb/stream");
    }

    #[test]
    fn health_uses_impl_key() {
        let v = serde_json::to_value(Health { status: "ok", implementation: "rust", uptime_seconds: 3 }).unwrap();
        assert_eq!(v, serde_json::json!({"status": "ok", "impl": "rust", "uptime_seconds": 3}));
    }
}
