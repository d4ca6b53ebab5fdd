//! Captures on the wire, named as in the contract. Fields beyond the
//! contract are additive and documented in `openapi.yaml`.

use crate::core::bin::ids::request_id;
use crate::core::capture::model::Capture;
use crate::core::capture::response::ResponseView;
use crate::core::time::rfc3339_ms;
use crate::core::verify::outcome::Verification;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// `202` answer to an ingest.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct RequestAccepted {
    /// The new capture's id.
    pub request_id: String,
    /// When it was received (RFC 3339, milliseconds).
    pub received_at: String,
    /// Additive: its per-bin sequence number.
    pub seq: u64,
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
    /// Additive: how the bin answered the sender.
    pub response: ResponseView<'a>,
    /// Additive: the signature check; `null` when the bin has no verifier.
    pub verification: Option<&'a Verification>,
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
            response: ResponseView::of(self.answer.as_ref(), self.reply.as_ref()),
            verification: self.verification.as_ref(),
        }
    }
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
            answer: None,
            verification: None,
            reply: None,
        }
    }

    #[test]
    fn view_has_contract_fields() {
        let v = serde_json::to_value(capture().view("k3p9q2x7m1nb", Some(b"{}"))).unwrap();
        assert_eq!(v["id"], "k3p9q2x7m1nb-7");
        assert_eq!(v["method"], "POST");
        assert_eq!(v["headers"]["content-type"], "application/json");
        assert_eq!(v["body_size"], 2);
        assert_eq!(v["body_b64"], "e30=");
        assert_eq!(v["received_at"], "1970-01-01T00:00:00.000Z");
        assert_eq!(
            v["response"],
            serde_json::json!({"rule": null, "status": 202, "delay_ms": 0, "delay_skipped": false,
                "source": "default", "pending": false, "waited_ms": 0, "fallback": null, "listener": null})
        );
    }

    #[test]
    fn list_view_omits_body() {
        let v = serde_json::to_value(capture().view("k3p9q2x7m1nb", None)).unwrap();
        assert!(v.get("body_b64").is_none());
    }
}
