//! A bin's verifiers: what `PUT /v1/bins/{id}/verify` accepts, how they
//! are stored (with their secrets), and how they are shown (without).
//! Every refusal names the field, such as `verifiers[0].secret`.

use crate::core::capture::build::is_token;
use crate::core::hex::hex;
use crate::core::http::error::ApiError;
use crate::core::json::{unknown_member, whole_number};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

/// Longest secret accepted, in characters.
pub const MAX_SECRET_CHARS: usize = 512;
/// Longest `header` name of an `hmac-sha256` verifier, in characters.
const MAX_HEADER_CHARS: usize = 32;
/// Default and largest timestamp tolerance, in seconds.
pub const DEFAULT_TOLERANCE_S: u64 = 300;
const MAX_TOLERANCE_S: u64 = 7 * 86_400;

/// The signing schemes a verifier can check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Scheme {
    /// `X-Hub-Signature-256: sha256=<hex>` over the body.
    Github,
    /// `Stripe-Signature: t=..,v1=<hex>` over `{t}.{body}`.
    Stripe,
    /// `webhook-signature: v1,<base64>` over `{id}.{timestamp}.{body}`.
    StandardWebhooks,
    /// `X-Slack-Signature: v0=<hex>` over `v0:{timestamp}:{body}`.
    Slack,
    /// `X-Shopify-Hmac-Sha256: <base64>` over the body.
    Shopify,
    /// Any header holding `<prefix><hex or base64>` over the body.
    HmacSha256,
}

impl Scheme {
    /// The scheme's name on the wire.
    pub fn name(self) -> &'static str {
        match self {
            Scheme::Github => "github",
            Scheme::Stripe => "stripe",
            Scheme::StandardWebhooks => "standard-webhooks",
            Scheme::Slack => "slack",
            Scheme::Shopify => "shopify",
            Scheme::HmacSha256 => "hmac-sha256",
        }
    }

    fn timed(self) -> bool {
        matches!(self, Scheme::Stripe | Scheme::StandardWebhooks | Scheme::Slack)
    }
}

/// How a generic `hmac-sha256` signature is written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Encoding {
    /// Hexadecimal, either case.
    #[default]
    Hex,
    /// Standard base64.
    Base64,
}

/// One verifier as stored: the secret is kept, never shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verifier {
    /// The scheme.
    pub scheme: Scheme,
    /// The shared secret, as the sender's dashboard shows it.
    pub secret: String,
    /// `hmac-sha256` only: the header holding the signature (lowercase).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub header: Option<String>,
    /// `hmac-sha256` only: how the signature is encoded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encoding: Option<Encoding>,
    /// `hmac-sha256` only: text before the signature, such as `sha256=`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prefix: Option<String>,
    /// Timed schemes only: largest distance between the signed timestamp
    /// and the capture's receive time, in seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tolerance_s: Option<u64>,
}

/// A verifier as `GET` shows it: the secret replaced by a fingerprint.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Shown<'a> {
    /// The scheme.
    pub scheme: Scheme,
    /// Identifies the secret without revealing it.
    pub fingerprint: String,
    /// See [`Verifier::header`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub header: Option<&'a str>,
    /// See [`Verifier::encoding`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub encoding: Option<Encoding>,
    /// See [`Verifier::prefix`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prefix: Option<&'a str>,
    /// The tolerance in effect, in seconds (timed schemes only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tolerance_s: Option<u64>,
}

impl Verifier {
    /// The tolerance in effect, in seconds.
    pub fn tolerance_s(&self) -> u64 {
        self.tolerance_s.unwrap_or(DEFAULT_TOLERANCE_S)
    }

    /// The HMAC key: the secret's bytes, except for Standard Webhooks,
    /// whose `whsec_` secrets are base64 of the key.
    pub fn key(&self) -> Vec<u8> {
        match self.scheme {
            Scheme::StandardWebhooks => standard_key(&self.secret).unwrap_or_default(),
            _ => self.secret.as_bytes().to_vec(),
        }
    }

    /// The shown form for bin `bin`. The fingerprint is the first 8 bytes
    /// of SHA-256 over a fixed label, the bin id and the secret: stable for
    /// one secret in one bin, different across bins.
    pub fn shown(&self, bin: &str) -> Shown<'_> {
        let digest = Sha256::digest(format!("polyhook-verifier\0{bin}\0{}", self.secret).as_bytes());
        Shown {
            scheme: self.scheme,
            fingerprint: format!("sha256:{}", hex(&digest[..8])),
            header: self.header.as_deref(),
            encoding: self.encoding,
            prefix: self.prefix.as_deref(),
            tolerance_s: self.scheme.timed().then(|| self.tolerance_s()),
        }
    }
}

/// The key of a Standard Webhooks secret: base64 after an optional `whsec_`.
fn standard_key(secret: &str) -> Option<Vec<u8>> {
    STANDARD.decode(secret.strip_prefix("whsec_").unwrap_or(secret)).ok().filter(|k| !k.is_empty())
}

fn bad(field: &str, why: impl std::fmt::Display) -> ApiError {
    ApiError::bad_request("invalid verifiers").with_details(format!("{field}: {why}"))
}

/// Parses and checks the body of `PUT .../verify`: `{"verifiers": [...]}`,
/// at most `max` of them. An empty list removes every verifier.
pub fn parse_verifiers(body: &[u8], max: usize) -> Result<Vec<Verifier>, ApiError> {
    let value: Value = serde_json::from_slice(body).map_err(|e| bad("body", format!("not JSON: {e}")))?;
    let top = value.as_object().ok_or_else(|| bad("body", "must be an object"))?;
    if let Some(extra) = unknown_member(top, &["verifiers"]) {
        return Err(bad(extra, "unknown field"));
    }
    let list = top.get("verifiers").and_then(Value::as_array).ok_or_else(|| bad("verifiers", "must be an array"))?;
    if list.len() > max {
        return Err(bad("verifiers", format!("at most {max} verifiers")));
    }
    list.iter().enumerate().map(|(i, v)| parse_verifier(&format!("verifiers[{i}]"), v)).collect()
}

fn parse_verifier(at: &str, value: &Value) -> Result<Verifier, ApiError> {
    let obj = value.as_object().ok_or_else(|| bad(at, "must be an object"))?;
    let known = ["scheme", "secret", "header", "encoding", "prefix", "tolerance_s"];
    if let Some(extra) = unknown_member(obj, &known) {
        return Err(bad(&format!("{at}.{extra}"), "unknown field"));
    }
    let scheme: Scheme = field(obj, at, "scheme")?.ok_or_else(|| {
        bad(&format!("{at}.scheme"), "required: github, stripe, standard-webhooks, slack, shopify or hmac-sha256")
    })?;
    let secret: String = field(obj, at, "secret")?.ok_or_else(|| bad(&format!("{at}.secret"), "required"))?;
    if secret.is_empty() || secret.chars().count() > MAX_SECRET_CHARS {
        return Err(bad(&format!("{at}.secret"), format!("must be 1 to {MAX_SECRET_CHARS} characters")));
    }
    if scheme == Scheme::StandardWebhooks && standard_key(&secret).is_none() {
        return Err(bad(&format!("{at}.secret"), "must be whsec_ followed by base64"));
    }
    let tolerance_s = match obj.get("tolerance_s") {
        None | Some(Value::Null) => None,
        Some(v) => Some(whole_number(v).ok_or_else(|| bad(&format!("{at}.tolerance_s"), "must be a whole number"))?),
    };
    if tolerance_s.is_some() && !scheme.timed() {
        return Err(bad(&format!("{at}.tolerance_s"), "only stripe, standard-webhooks and slack sign a timestamp"));
    }
    if tolerance_s.is_some_and(|t| t > MAX_TOLERANCE_S) {
        return Err(bad(&format!("{at}.tolerance_s"), format!("at most {MAX_TOLERANCE_S} seconds")));
    }
    let mut verifier = Verifier { scheme, secret, header: None, encoding: None, prefix: None, tolerance_s };
    generic_fields(obj, at, &mut verifier)?;
    Ok(verifier)
}

/// `header`, `encoding` and `prefix`: required, optional and optional for
/// `hmac-sha256`, refused for every other scheme.
fn generic_fields(obj: &Map<String, Value>, at: &str, v: &mut Verifier) -> Result<(), ApiError> {
    let header: Option<String> = field(obj, at, "header")?;
    let encoding: Option<Encoding> = field(obj, at, "encoding")?;
    let prefix: Option<String> = field(obj, at, "prefix")?;
    if v.scheme != Scheme::HmacSha256 {
        return match ["header", "encoding", "prefix"].into_iter().find(|k| obj.contains_key(*k)) {
            Some(k) => Err(bad(&format!("{at}.{k}"), "only for the hmac-sha256 scheme")),
            None => Ok(()),
        };
    }
    let header = header.map(|h| h.to_ascii_lowercase()).unwrap_or_default();
    if !is_token(&header) || header.len() > MAX_HEADER_CHARS {
        return Err(bad(
            &format!("{at}.header"),
            format!("required: a header name of at most {MAX_HEADER_CHARS} characters"),
        ));
    }
    if prefix.as_ref().is_some_and(|p| p.chars().count() > 64) {
        return Err(bad(&format!("{at}.prefix"), "at most 64 characters"));
    }
    (v.header, v.encoding, v.prefix) = (Some(header), Some(encoding.unwrap_or_default()), prefix);
    Ok(())
}

/// Field `name` of `obj`, decoded; `None` if absent or null.
fn field<T: serde::de::DeserializeOwned>(
    obj: &Map<String, Value>,
    at: &str,
    name: &str,
) -> Result<Option<T>, ApiError> {
    match obj.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => serde_json::from_value(v.clone()).map(Some).map_err(|e| bad(&format!("{at}.{name}"), e)),
    }
}

#[cfg(test)]
#[path = "verifier_tests.rs"]
mod tests;
