//! A response rule and the validation of `PUT /v1/bins/{id}/responses`.
//! Every refusal names the field, such as `rules[1].headers.connection`.

use crate::core::answer::headers;
use crate::core::http::error::ApiError;
use crate::core::json::{unknown_member, whole_number};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// Longest text body, in characters (as JSON Schema counts `maxLength`).
pub const MAX_BODY_CHARS: usize = 64 * 1024;
/// Longest base64 body, in characters: 64 KiB of bytes and a little more.
pub const MAX_BODY_B64_CHARS: usize = 87_384;

/// Which requests a rule answers; absent fields match anything.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Matcher {
    /// The method, compared without case.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    /// A sub-path under `/in`, matched as a namespace (whole segments).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path_prefix: Option<String>,
}

/// One rule, as stored and shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rule {
    /// Which requests it answers.
    #[serde(rename = "match", default)]
    pub matcher: Matcher,
    /// The status sent, 200 to 599.
    pub status: u16,
    /// Headers sent (names lowercased).
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    /// A text body.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    /// A binary body, in base64.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body_b64: Option<String>,
    /// Wait before answering, in ms.
    #[serde(default)]
    pub delay_ms: u64,
    /// Answers after which the rule is used up; none means forever.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub times: Option<u64>,
}

impl Rule {
    /// The body bytes, before placeholders.
    pub fn body_bytes(&self) -> Vec<u8> {
        match (&self.body, &self.body_b64) {
            (Some(text), _) => text.as_bytes().to_vec(),
            (None, Some(b64)) => STANDARD.decode(b64).unwrap_or_default(),
            (None, None) => Vec::new(),
        }
    }
}

/// Limits on a rule set, from the config.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RuleLimits {
    /// Most rules per bin.
    pub max_rules: usize,
    /// Longest delay, in ms.
    pub max_delay_ms: u64,
}

fn bad(field: &str, why: impl std::fmt::Display) -> ApiError {
    ApiError::bad_request("invalid response rules").with_details(format!("{field}: {why}"))
}

/// Parses and checks the body of `PUT .../responses` for bin `bin`: `{"rules": [...]}`.
pub fn parse_rules(body: &[u8], bin: &str, limits: RuleLimits) -> Result<Vec<Rule>, ApiError> {
    let value: Value = serde_json::from_slice(body).map_err(|e| bad("body", format!("not JSON: {e}")))?;
    let top = value.as_object().ok_or_else(|| bad("body", "must be an object"))?;
    if let Some(extra) = unknown_member(top, &["rules"]) {
        return Err(bad(extra, "unknown field"));
    }
    let rules = top.get("rules").and_then(Value::as_array).ok_or_else(|| bad("rules", "must be an array"))?;
    if rules.len() > limits.max_rules {
        return Err(bad("rules", format!("at most {} rules", limits.max_rules)));
    }
    rules.iter().enumerate().map(|(i, r)| parse_rule(&format!("rules[{i}]"), r, bin, limits)).collect()
}

fn parse_rule(at: &str, value: &Value, bin: &str, limits: RuleLimits) -> Result<Rule, ApiError> {
    let obj = value.as_object().ok_or_else(|| bad(at, "must be an object"))?;
    let known = ["match", "status", "headers", "body", "body_b64", "delay_ms", "times"];
    if let Some(extra) = unknown_member(obj, &known) {
        return Err(bad(&format!("{at}.{extra}"), "unknown field"));
    }
    let status = int(obj, at, "status")?.ok_or_else(|| bad(&format!("{at}.status"), "required"))?;
    if !(200..=599).contains(&status) {
        return Err(bad(&format!("{at}.status"), "must be from 200 to 599"));
    }
    let delay_ms = int(obj, at, "delay_ms")?.unwrap_or(0);
    if delay_ms > limits.max_delay_ms {
        return Err(bad(&format!("{at}.delay_ms"), format!("at most {} ms", limits.max_delay_ms)));
    }
    let times = int(obj, at, "times")?;
    if times == Some(0) {
        return Err(bad(&format!("{at}.times"), "must be at least 1 when given"));
    }
    let (body, body_b64) = bodies(obj, at)?;
    if matches!(status, 204 | 205 | 304) && (body.is_some() || body_b64.is_some()) {
        return Err(bad(&format!("{at}.body"), format!("a {status} answer carries no body")));
    }
    Ok(Rule {
        matcher: matcher(obj.get("match"), at)?,
        status: status as u16,
        headers: headers(obj.get("headers"), at, bin)?,
        body,
        body_b64,
        delay_ms,
        times,
    })
}

fn int(obj: &Map<String, Value>, at: &str, key: &str) -> Result<Option<u64>, ApiError> {
    match obj.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => whole_number(v).map(Some).ok_or_else(|| bad(&format!("{at}.{key}"), "must be a whole number")),
    }
}

fn text<'a>(v: Option<&'a Value>, field: &str) -> Result<Option<&'a str>, ApiError> {
    match v {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(bad(field, "must be a string")),
    }
}

fn matcher(v: Option<&Value>, at: &str) -> Result<Matcher, ApiError> {
    let Some(v) = v.filter(|v| !v.is_null()) else { return Ok(Matcher::default()) };
    let obj = v.as_object().ok_or_else(|| bad(&format!("{at}.match"), "must be an object"))?;
    let method = text(obj.get("method"), &format!("{at}.match.method"))?;
    if method.is_some_and(|m| m.is_empty() || !m.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_".contains(&b))) {
        return Err(bad(&format!("{at}.match.method"), "must be a method name"));
    }
    let path_prefix = text(obj.get("path_prefix"), &format!("{at}.match.path_prefix"))?;
    if path_prefix.is_some_and(|p| !p.starts_with('/')) {
        return Err(bad(&format!("{at}.match.path_prefix"), "must start with /"));
    }
    Ok(Matcher { method: method.map(str::to_ascii_uppercase), path_prefix: path_prefix.map(str::to_string) })
}

fn headers(v: Option<&Value>, at: &str, bin: &str) -> Result<BTreeMap<String, String>, ApiError> {
    let Some(v) = v.filter(|v| !v.is_null()) else { return Ok(BTreeMap::new()) };
    let obj = v.as_object().ok_or_else(|| bad(&format!("{at}.headers"), "must be an object"))?;
    let mut out = BTreeMap::new();
    for (name, value) in obj {
        let field = format!("{at}.headers.{name}");
        let value = value.as_str().ok_or_else(|| bad(&field, "must be a string"))?;
        if let Some(why) = headers::refusal(name, value, bin) {
            return Err(bad(&field, why));
        }
        let lower = name.to_ascii_lowercase();
        out.insert(lower, value.to_string());
    }
    Ok(out)
}

fn bodies(obj: &Map<String, Value>, at: &str) -> Result<(Option<String>, Option<String>), ApiError> {
    let body = text(obj.get("body"), &format!("{at}.body"))?;
    let b64 = text(obj.get("body_b64"), &format!("{at}.body_b64"))?;
    if body.is_some() && b64.is_some() {
        return Err(bad(&format!("{at}.body_b64"), "give body or body_b64, not both"));
    }
    if body.is_some_and(|t| t.chars().count() > MAX_BODY_CHARS) {
        return Err(bad(&format!("{at}.body"), format!("at most {MAX_BODY_CHARS} characters")));
    }
    if let Some(b) = b64 {
        if b.len() > MAX_BODY_B64_CHARS {
            return Err(bad(&format!("{at}.body_b64"), format!("at most {MAX_BODY_B64_CHARS} characters")));
        }
        STANDARD.decode(b).map_err(|_| bad(&format!("{at}.body_b64"), "not base64"))?;
    }
    Ok((body.map(str::to_string), b64.map(str::to_string)))
}

#[cfg(test)]
#[path = "rule_tests.rs"]
mod tests;
