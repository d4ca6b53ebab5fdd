//! Signing a request as each scheme's sender does, so an edited replay
//! still verifies at its target: the inverse of [`super::schemes`], with a
//! fresh timestamp (and, for Standard Webhooks, a fresh message id).

use super::mac;
use super::verifier::{Encoding, Scheme, Verifier};
use crate::core::hex::hex;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;

/// Every header a scheme's signature lives in, in both namings where a
/// scheme has two: all are removed before the new ones are set.
pub fn signature_headers(v: &Verifier) -> Vec<String> {
    let names: &[&str] = match v.scheme {
        Scheme::Github => &["x-hub-signature-256", "x-hub-signature"],
        Scheme::Stripe => &["stripe-signature"],
        Scheme::StandardWebhooks => {
            &["webhook-id", "webhook-timestamp", "webhook-signature", "svix-id", "svix-timestamp", "svix-signature"]
        }
        Scheme::Slack => &["x-slack-signature", "x-slack-request-timestamp"],
        Scheme::Shopify => &["x-shopify-hmac-sha256"],
        Scheme::HmacSha256 => &[],
    };
    let mut out: Vec<String> = names.iter().map(|n| n.to_string()).collect();
    out.extend(v.header.clone());
    out
}

/// The headers that sign `body` under `v` at `now_s` (Unix seconds), with
/// `message_id` for Standard Webhooks; `svix` picks the `svix-*` names
/// (what the original request used) over the `webhook-*` ones.
pub fn sign(v: &Verifier, body: &[u8], now_s: i64, message_id: &str, svix: bool) -> Vec<(String, String)> {
    let key = v.key();
    let t = now_s.to_string();
    let pair = |n: &str, val: String| (n.to_string(), val);
    match v.scheme {
        Scheme::Github => vec![pair("x-hub-signature-256", format!("sha256={}", hex(&mac::sign(&key, &[body]))))],
        Scheme::Shopify => vec![pair("x-shopify-hmac-sha256", STANDARD.encode(mac::sign(&key, &[body])))],
        Scheme::Stripe => {
            let sig = hex(&mac::sign(&key, &[t.as_bytes(), b".", body]));
            vec![pair("stripe-signature", format!("t={t},v1={sig}"))]
        }
        Scheme::Slack => {
            let sig = hex(&mac::sign(&key, &[b"v0:", t.as_bytes(), b":", body]));
            vec![pair("x-slack-request-timestamp", t.clone()), pair("x-slack-signature", format!("v0={sig}"))]
        }
        Scheme::StandardWebhooks => {
            let sig = STANDARD.encode(mac::sign(&key, &[message_id.as_bytes(), b".", t.as_bytes(), b".", body]));
            let prefix = if svix { "svix" } else { "webhook" };
            vec![
                pair(&format!("{prefix}-id"), message_id.to_string()),
                pair(&format!("{prefix}-timestamp"), t),
                pair(&format!("{prefix}-signature"), format!("v1,{sig}")),
            ]
        }
        Scheme::HmacSha256 => {
            let raw = mac::sign(&key, &[body]);
            let sig = match v.encoding.unwrap_or_default() {
                Encoding::Hex => hex(&raw),
                Encoding::Base64 => STANDARD.encode(raw),
            };
            let name = v.header.clone().unwrap_or_default();
            vec![(name, format!("{}{sig}", v.prefix.as_deref().unwrap_or_default()))]
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::verify::schemes;

    fn verifier(scheme: Scheme, secret: &str) -> Verifier {
        Verifier { scheme, secret: secret.into(), header: None, encoding: None, prefix: None, tolerance_s: None }
    }

    fn headers(pairs: Vec<(String, String)>) -> schemes::Headers {
        pairs.into_iter().collect()
    }

    #[test]
    fn what_is_signed_verifies_by_each_schemes_own_check() {
        let body = br#"{"edited":true}"#;
        let (now_s, at_ms) = (1_764_000_000, 1_764_000_000_000);
        let gh = verifier(Scheme::Github, "s");
        assert_eq!(schemes::github(&gh, &headers(sign(&gh, body, now_s, "", false)), body), Ok(()));
        let shop = verifier(Scheme::Shopify, "s");
        assert_eq!(schemes::shopify(&shop, &headers(sign(&shop, body, now_s, "", false)), body), Ok(()));
        let stripe = verifier(Scheme::Stripe, "whsec_test");
        assert_eq!(schemes::stripe(&stripe, &headers(sign(&stripe, body, now_s, "", false)), body, at_ms), Ok(()));
        let slack = verifier(Scheme::Slack, "8f742231b10e8888abcd99yyyzzz85a5");
        assert_eq!(schemes::slack(&slack, &headers(sign(&slack, body, now_s, "", false)), body, at_ms), Ok(()));
        let std = verifier(Scheme::StandardWebhooks, "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
        for svix in [false, true] {
            let signed = headers(sign(&std, body, now_s, "msg_1", svix));
            assert_eq!(signed.contains_key("svix-id"), svix);
            assert_eq!(schemes::standard(&std, &signed, body, at_ms), Ok(()));
        }
        let generic = Verifier {
            header: Some("x-signature".into()),
            encoding: Some(Encoding::Base64),
            prefix: Some("sha256=".into()),
            ..verifier(Scheme::HmacSha256, "k")
        };
        assert_eq!(schemes::generic(&generic, &headers(sign(&generic, body, now_s, "", false)), body), Ok(()));
        assert!(signature_headers(&generic).contains(&"x-signature".to_string()));
    }

    #[test]
    fn a_changed_body_no_longer_matches_an_old_signature() {
        let gh = verifier(Scheme::Github, "s");
        let old = headers(sign(&gh, b"original", 0, "", false));
        assert!(schemes::github(&gh, &old, b"edited").is_err());
    }
}
