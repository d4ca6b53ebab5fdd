//! One capture as a HAR 1.2 entry (W3C Web Performance WG draft "HTTP
//! Archive (HAR) format", version 1.2). Fields a bin cannot know are
//! given as the format asks: -1 for unknown sizes and timings. Custom
//! fields start with `_`, as the format allows.

use crate::core::bin::ids::request_id;
use crate::core::capture::model::Capture;
use crate::core::capture::view::RequestAccepted;
use crate::core::time::rfc3339_ms;
use crate::core::verify::outcome::Verification;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde::Serialize;

/// A `{name, value}` pair: headers, query parameters, cookies.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Pair {
    name: String,
    value: String,
}

fn pair(name: impl Into<String>, value: impl Into<String>) -> Pair {
    Pair { name: name.into(), value: value.into() }
}

/// The request as the bin received it.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
struct Request {
    method: String,
    url: String,
    http_version: &'static str,
    cookies: Vec<Pair>,
    headers: Vec<Pair>,
    query_string: Vec<Pair>,
    #[serde(skip_serializing_if = "Option::is_none")]
    post_data: Option<Body>,
    headers_size: i64,
    body_size: u64,
}

/// A request or response body: text when it is UTF-8 and its JSON escaping
/// at most doubles it, else base64 with `encoding` (the field HAR 1.2
/// defines for `content`, used on `postData` too so binary bodies survive).
/// So an entry's body takes at most twice its bytes (and a few more): a
/// body of control characters would take six times its size as text.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
struct Body {
    mime_type: String,
    text: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    encoding: Option<&'static str>,
}

fn body(mime_type: &str, bytes: &[u8]) -> Body {
    match std::str::from_utf8(bytes) {
        Ok(text) if escaped_len(text) <= bytes.len().saturating_mul(2).saturating_add(16) => {
            Body { mime_type: mime_type.into(), text: text.into(), encoding: None }
        }
        _ => Body { mime_type: mime_type.into(), text: STANDARD.encode(bytes), encoding: Some("base64") },
    }
}

/// Length of `text` as the inside of a JSON string, as serde_json writes it.
fn escaped_len(text: &str) -> usize {
    text.bytes()
        .map(|b| match b {
            b'"' | b'\\' | b'\n' | b'\r' | b'\t' | 0x08 | 0x0c => 2,
            0..=0x1f => 6,
            _ => 1,
        })
        .sum()
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
struct Content {
    size: i64,
    mime_type: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    text: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    comment: Option<&'static str>,
}

/// The answer the bin sent.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
struct Response {
    status: u16,
    status_text: &'static str,
    http_version: &'static str,
    cookies: Vec<Pair>,
    headers: Vec<Pair>,
    content: Content,
    #[serde(rename = "redirectURL")]
    redirect_url: &'static str,
    headers_size: i64,
    body_size: i64,
}

#[derive(Debug, Clone, Copy, Serialize)]
struct Timings {
    send: i64,
    wait: i64,
    receive: i64,
}

/// One HAR entry.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Entry<'a> {
    started_date_time: String,
    time: u64,
    request: Request,
    response: Response,
    cache: serde_json::Map<String, serde_json::Value>,
    timings: Timings,
    #[serde(rename = "_id")]
    id: String,
    #[serde(rename = "_clientIp", skip_serializing_if = "Option::is_none")]
    client_ip: Option<&'a str>,
    #[serde(rename = "_verification")]
    verification: Option<&'a Verification>,
}

/// The HAR entry of `capture` of bin `bin`, whose ingest URL starts with
/// `ingest_base` (`https://host/v1/bins/{bin}/in`).
pub fn entry<'a>(bin: &str, ingest_base: &str, capture: &'a Capture, body_bytes: &[u8]) -> Entry<'a> {
    let query = if capture.query.is_empty() { String::new() } else { format!("?{}", capture.query) };
    let mime = capture.content_type.clone().unwrap_or_default();
    let waited = capture.reply.as_ref().map_or(0, |r| r.waited_ms);
    let wait = i64::try_from(capture.answer.map_or(0, |a| a.delay_ms) + waited).unwrap_or(i64::MAX);
    let request = Request {
        method: capture.method.clone(),
        url: format!("{ingest_base}{}{query}", capture.path),
        http_version: "HTTP/1.1",
        cookies: cookies(capture.headers.get("cookie").map(String::as_str)),
        headers: capture.headers.iter().map(|(k, v)| pair(k.as_str(), v.as_str())).collect(),
        query_string: form_urlencoded::parse(capture.query.as_bytes()).map(|(k, v)| pair(k, v)).collect(),
        post_data: (!body_bytes.is_empty()).then(|| body(&mime, body_bytes)),
        headers_size: -1,
        body_size: capture.body_size,
    };
    Entry {
        started_date_time: rfc3339_ms(capture.received_at_ms),
        time: wait.unsigned_abs(),
        request,
        response: response(bin, capture),
        cache: serde_json::Map::new(),
        timings: Timings { send: 0, wait, receive: 0 },
        id: request_id(bin, capture.seq),
        client_ip: capture.client_ip.as_deref(),
        verification: capture.verification.as_ref(),
    }
}

/// The bin's answer: the default 202 is rebuilt exactly; a response
/// rule's body is not kept with the capture, so only its status is.
fn response(bin: &str, capture: &Capture) -> Response {
    let by_app = capture.reply.as_ref().and_then(|r| r.by_listener()).map(|a| a.status);
    let (status, content, headers) = match (by_app, capture.answer) {
        (Some(status), _) => {
            let comment = Some("answered by the owner's app through polyhook listen --reply; its body is not kept");
            (status, Content { size: -1, mime_type: String::new(), text: None, comment }, Vec::new())
        }
        (None, None) => {
            let accepted = RequestAccepted {
                request_id: request_id(bin, capture.seq),
                received_at: rfc3339_ms(capture.received_at_ms),
                seq: capture.seq,
            };
            let text = serde_json::to_string(&accepted).unwrap_or_default();
            let size = i64::try_from(text.len()).unwrap_or(-1);
            let mime = "application/json";
            (
                202,
                Content { size, mime_type: mime.into(), text: Some(text), comment: None },
                vec![pair("content-type", mime)],
            )
        }
        (None, Some(a)) => {
            let comment = Some("answered by a response rule, whose body is not kept with the capture");
            (a.status, Content { size: -1, mime_type: String::new(), text: None, comment }, Vec::new())
        }
    };
    let status_text = status_text(status);
    Response {
        status,
        status_text,
        http_version: "HTTP/1.1",
        cookies: Vec::new(),
        headers,
        content,
        redirect_url: "",
        headers_size: -1,
        body_size: -1,
    }
}

/// The cookies of a `Cookie` header (`a=1; b=2`).
fn cookies(header: Option<&str>) -> Vec<Pair> {
    let pairs = header.unwrap_or_default().split(';').filter_map(|c| c.trim().split_once('='));
    pairs.map(|(n, v)| pair(n.trim(), v.trim())).filter(|p| !p.name.is_empty()).collect()
}

/// Reason phrases of the statuses a bin answers with most (RFC 9110).
fn status_text(status: u16) -> &'static str {
    match status {
        200 => "OK",
        201 => "Created",
        202 => "Accepted",
        204 => "No Content",
        301 => "Moved Permanently",
        302 => "Found",
        304 => "Not Modified",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        409 => "Conflict",
        410 => "Gone",
        422 => "Unprocessable Content",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "",
    }
}

#[cfg(test)]
#[path = "har_tests.rs"]
mod tests;
