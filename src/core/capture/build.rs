//! Turning an incoming ingest request into a [`Capture`]: method, headers,
//! and the body-size limit.

use crate::core::capture::model::Capture;
use crate::core::http::error::{ApiError, ErrorKind};
use std::collections::BTreeMap;

/// Header that lets a sender that can only POST name the method to record.
const METHOD_OVERRIDE: &str = "x-forwarded-method";

/// What the edge reads off an ingest request before storing it.
#[derive(Debug, Clone, Default)]
pub struct IngestInput {
    /// The request's own method.
    pub method: String,
    /// The path below `/in`.
    pub sub_path: String,
    /// The raw query string without `?`.
    pub query: String,
    /// Header pairs as the runtime iterates them (names in any case).
    pub headers: Vec<(String, String)>,
    /// Every `Set-Cookie` value, unjoined.
    pub set_cookies: Vec<String>,
    /// `CF-Connecting-IP`, if present.
    pub client_ip: Option<String>,
}

/// Builds the capture numbered `seq` for a body of `body_size` bytes,
/// received at `now_ms`.
pub fn build(input: IngestInput, seq: u64, body_size: u64, now_ms: i64) -> Capture {
    let headers = header_map(&input.headers, &input.set_cookies);
    let method =
        headers.get(METHOD_OVERRIDE).filter(|m| is_token(m)).map(|m| m.to_ascii_uppercase()).unwrap_or(input.method);
    Capture {
        seq,
        method,
        path: input.sub_path,
        query: input.query,
        content_type: headers.get("content-type").cloned(),
        headers,
        set_cookies: input.set_cookies,
        client_ip: input.client_ip,
        body_size,
        received_at_ms: now_ms,
        answer: None,
        verification: None,
        reply: None,
    }
}

/// The contract's header map: lowercased names, repeats joined with `", "`.
/// `Set-Cookie` comes from its unjoined list, whatever the iteration gave.
fn header_map(pairs: &[(String, String)], set_cookies: &[String]) -> BTreeMap<String, String> {
    let mut map: BTreeMap<String, String> = BTreeMap::new();
    for (name, value) in pairs {
        let name = name.to_ascii_lowercase();
        if name == "set-cookie" {
            continue;
        }
        map.entry(name)
            .and_modify(|v| {
                v.push_str(", ");
                v.push_str(value);
            })
            .or_insert_with(|| value.clone());
    }
    if !set_cookies.is_empty() {
        map.insert("set-cookie".into(), set_cookies.join(", "));
    }
    map
}

/// The first value of header `name` (lowercase) among the runtime's `pairs`.
pub fn header<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
}

/// Every `Set-Cookie` value among the runtime's `pairs`: it iterates each
/// one on its own, never joined (Fetch's "sort and combine").
pub fn set_cookies(pairs: &[(String, String)]) -> Vec<String> {
    pairs.iter().filter(|(n, _)| n == "set-cookie").map(|(_, v)| v.clone()).collect()
}

/// True for an RFC 9110 `token`, the grammar of a method name.
pub fn is_token(s: &str) -> bool {
    !s.is_empty() && s.len() <= 32 && s.bytes().all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

/// 413 for a body over `max_bytes`.
pub fn too_large(max_bytes: u64) -> ApiError {
    ApiError::new(ErrorKind::PayloadTooLarge, "request body too large")
        .with_details(format!("bodies are limited to {max_bytes} bytes"))
}

/// Rejects early when `Content-Length` already says the body is too large.
pub fn check_declared_length(content_length: Option<&str>, max_bytes: u64) -> Result<(), ApiError> {
    match content_length.and_then(|v| v.trim().parse::<u64>().ok()) {
        Some(n) if n > max_bytes => Err(too_large(max_bytes)),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(headers: &[(&str, &str)]) -> IngestInput {
        IngestInput {
            method: "POST".into(),
            sub_path: "/".into(),
            headers: headers.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
            ..Default::default()
        }
    }

    #[test]
    fn lowercases_and_joins_repeats() {
        let c = build(input(&[("X-Tag", "a"), ("x-tag", "b"), ("Content-Type", "text/plain")]), 1, 0, 5);
        assert_eq!(c.headers["x-tag"], "a, b");
        assert_eq!(c.content_type.as_deref(), Some("text/plain"));
        assert_eq!(c.received_at_ms, 5);
    }

    #[test]
    fn reads_single_headers_and_every_cookie_from_pairs() {
        let pairs: Vec<(String, String)> = [("content-length", "7"), ("set-cookie", "a=1"), ("set-cookie", "b=2")]
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        assert_eq!(header(&pairs, "content-length"), Some("7"));
        assert_eq!(header(&pairs, "cf-connecting-ip"), None);
        assert_eq!(set_cookies(&pairs), vec!["a=1".to_string(), "b=2".to_string()]);
    }

    #[test]
    fn keeps_set_cookie_values_apart() {
        let mut i = input(&[("set-cookie", "a=1; Expires=Wed, 21 Oct 2026 07:28:00 GMT"), ("set-cookie", "b=2")]);
        i.set_cookies = vec!["a=1; Expires=Wed, 21 Oct 2026 07:28:00 GMT".into(), "b=2".into()];
        let c = build(i, 1, 0, 0);
        assert_eq!(c.set_cookies.len(), 2);
        assert_eq!(c.headers["set-cookie"], "a=1; Expires=Wed, 21 Oct 2026 07:28:00 GMT, b=2");
    }

    #[test]
    fn honours_a_valid_method_override() {
        assert_eq!(build(input(&[("X-Forwarded-Method", "put")]), 1, 0, 0).method, "PUT");
        assert_eq!(build(input(&[("x-forwarded-method", "bad method")]), 1, 0, 0).method, "POST");
        assert_eq!(build(input(&[]), 1, 0, 0).method, "POST");
    }

    #[test]
    fn declared_length_limit() {
        assert!(check_declared_length(Some("10"), 10).is_ok());
        assert_eq!(check_declared_length(Some("11"), 10).unwrap_err().status(), 413);
        assert!(check_declared_length(None, 10).is_ok());
        assert!(check_declared_length(Some("junk"), 10).is_ok());
    }
}
