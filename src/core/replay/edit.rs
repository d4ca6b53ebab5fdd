//! An edited replay (additive on `POST .../requests/{rid}/replay`): the
//! overrides an order may carry (`method`, `path`, `headers`, `body` or
//! `body_b64`, `resign`), applied to the captured request when each
//! attempt is built, and the summary of what differs that the replay shows.

use crate::core::answer::headers::MAX_VALUE_BYTES;
use crate::core::capture::build::is_token;
use crate::core::hex::hex;
use crate::core::http::error::ApiError;
use crate::core::replay::headers::{FRAMED, IDEMPOTENCY_KEY, REPLAY_OF};
use crate::core::replay::order::check_method;
use base64::engine::{GeneralPurpose, GeneralPurposeConfig};
use base64::{alphabet, Engine};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

/// Standard base64, with padding, that also takes unused bits that are not
/// zero in the last character, as most encoders and the contract's pattern do.
const LENIENT: GeneralPurpose =
    GeneralPurpose::new(&alphabet::STANDARD, GeneralPurposeConfig::new().with_decode_allow_trailing_bits(true));

/// Longest `path` override, in bytes.
const MAX_PATH_BYTES: usize = 2048;
/// Most header overrides in one order.
const MAX_HEADERS: usize = 50;
/// Re-signing: with the verifier that decided the capture, or one scheme's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resign {
    /// `resign: true`.
    Decided,
    /// `resign: "<scheme>"`.
    Scheme(String),
}

/// What an order changes, as stored with the replay (the body apart).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Edit {
    /// Another method.
    #[serde(default)]
    pub method: Option<String>,
    /// Another sub-path and query, appended to the target's path.
    #[serde(default)]
    pub path: Option<String>,
    /// Headers set (lowercase names), replacing the captured ones of that name.
    #[serde(default)]
    pub set: Vec<(String, String)>,
    /// Headers removed (lowercase names).
    #[serde(default)]
    pub remove: Vec<String>,
    /// The new body's SHA-256 (hex) and size, when the body was replaced.
    #[serde(default)]
    pub body: Option<(String, u64)>,
    /// The scheme re-signed with at each attempt.
    #[serde(default)]
    pub resign: Option<String>,
}

/// An order's overrides: the edit, its new body, and how to re-sign.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Overrides {
    pub edit: Edit,
    pub body: Option<Vec<u8>>,
    pub resign: Option<Resign>,
}

fn bad(field: &str, why: impl std::fmt::Display) -> ApiError {
    ApiError::bad_request("invalid replay edit").with_details(format!("{field}: {why}"))
}

/// The overrides in `order` (the order's JSON object); bodies within `max_body_bytes`.
pub fn parse(order: &Map<String, Value>, max_body_bytes: u64) -> Result<Overrides, ApiError> {
    let text = |key: &str| match order.get(key) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.as_str())),
        Some(_) => Err(bad(key, "must be a string")),
    };
    let method = text("method")?.map(str::to_ascii_uppercase);
    if let Some(m) = &method {
        if !is_token(m) {
            return Err(bad("method", "must be a method name"));
        }
        check_method(m)?;
    }
    let path = text("path")?.map(str::to_string);
    if path
        .as_deref()
        .is_some_and(|p| !p.starts_with('/') || p.len() > MAX_PATH_BYTES || !p.bytes().all(|b| b.is_ascii_graphic()))
    {
        return Err(bad("path", format!("must start with / and be at most {MAX_PATH_BYTES} visible ASCII bytes")));
    }
    let (set, remove) = headers(order.get("headers"))?;
    let body = body(text("body")?, text("body_b64")?, max_body_bytes)?;
    let resign = resign(order.get("resign"))?;
    let digest = body.as_ref().map(|b| (hex(&Sha256::digest(b)), b.len() as u64));
    Ok(Overrides { edit: Edit { method, path, set, remove, body: digest, resign: None }, body, resign })
}

/// Headers to set (name, value) and to remove (names).
type HeaderEdits = (Vec<(String, String)>, Vec<String>);

/// An order's `resign`: absent or `false`, `true`, or a scheme's name.
pub fn resign(value: Option<&Value>) -> Result<Option<Resign>, ApiError> {
    match value {
        None | Some(Value::Bool(false)) => Ok(None),
        Some(Value::Bool(true)) => Ok(Some(Resign::Decided)),
        Some(Value::String(s)) => Ok(Some(Resign::Scheme(s.clone()))),
        Some(_) => Err(bad("resign", "must be true or a scheme name")),
    }
}

fn headers(value: Option<&Value>) -> Result<HeaderEdits, ApiError> {
    let Some(value) = value else { return Ok((vec![], vec![])) };
    let obj = value.as_object().ok_or_else(|| bad("headers", "must be an object of names to values (null removes)"))?;
    if obj.len() > MAX_HEADERS {
        return Err(bad("headers", format!("at most {MAX_HEADERS}")));
    }
    let (mut set, mut remove) = (Vec::new(), Vec::new());
    for (name, v) in obj {
        let lower = name.to_ascii_lowercase();
        let field = format!("headers.{name}");
        // The runtime frames the request, and the replay's own two name it.
        if !is_token(name) || FRAMED.contains(&lower.as_str()) || [REPLAY_OF, IDEMPOTENCY_KEY].contains(&lower.as_str())
        {
            return Err(bad(&field, "not a header an edit may set or remove"));
        }
        match v {
            Value::Null => remove.push(lower),
            Value::String(s)
                if s.len() <= MAX_VALUE_BYTES && s.bytes().all(|b| b == b'\t' || (b' '..=b'~').contains(&b)) =>
            {
                set.push((lower, s.clone()))
            }
            _ => return Err(bad(&field, format!("must be null or visible ASCII, at most {MAX_VALUE_BYTES} bytes"))),
        }
    }
    Ok((set, remove))
}

fn body(text: Option<&str>, b64: Option<&str>, max_body_bytes: u64) -> Result<Option<Vec<u8>>, ApiError> {
    let bytes = match (text, b64) {
        (Some(_), Some(_)) => return Err(bad("body_b64", "give body or body_b64, not both")),
        (Some(t), None) => Some(t.as_bytes().to_vec()),
        (None, Some(b)) => Some(LENIENT.decode(b).map_err(|_| bad("body_b64", "not base64"))?),
        (None, None) => None,
    };
    if bytes.as_ref().is_some_and(|b| b.len() as u64 > max_body_bytes) {
        return Err(bad("body", format!("at most MAX_BODY_BYTES ({max_body_bytes}) bytes")));
    }
    Ok(bytes)
}

impl Edit {
    /// Bytes this edit keeps: its JSON, roughly, and its new body.
    pub fn stored_bytes(&self) -> u64 {
        let headers: usize = self.set.iter().map(|(n, v)| n.len() + v.len()).sum::<usize>()
            + self.remove.iter().map(String::len).sum::<usize>();
        let texts = headers + self.path.as_ref().map_or(0, String::len) + 128;
        texts as u64 + self.body.as_ref().map_or(0, |(_, size)| *size)
    }

    /// `headers` (a replay's, in send order) with this edit's removals and settings.
    pub fn apply_headers(&self, headers: &mut Vec<(String, String)>) {
        headers.retain(|(n, _)| !self.remove.contains(n) && !self.set.iter().any(|(s, _)| s == n));
        let at = headers.iter().position(|(n, _)| n == REPLAY_OF).unwrap_or(headers.len());
        for (i, pair) in self.set.iter().enumerate() {
            headers.insert(at + i, pair.clone());
        }
    }

    /// `target` with this edit's sub-path and query appended.
    pub fn url(&self, target: &str) -> String {
        match &self.path {
            Some(path) => format!("{}{path}", target.trim_end_matches('/')),
            None => target.to_string(),
        }
    }
}

/// An [`Edit`] kept as a JSON text column.
pub mod as_text {
    use super::Edit;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    /// As JSON text, or null.
    pub fn serialize<S: Serializer>(edit: &Option<Edit>, s: S) -> Result<S::Ok, S::Error> {
        edit.as_ref().map(|e| serde_json::to_string(e).map_err(serde::ser::Error::custom)).transpose()?.serialize(s)
    }

    /// From JSON text, or null.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Edit>, D::Error> {
        let text: Option<String> = Option::deserialize(d)?;
        text.map(|t| serde_json::from_str(&t).map_err(serde::de::Error::custom)).transpose()
    }
}

#[cfg(test)]
#[path = "edit_tests.rs"]
mod tests;
