//! The request `listen` sends for a capture: its method, sub-path (with
//! `--keep-path`), query, headers and body bytes, changed in nothing a
//! signature covers.

use base64::Engine;
use polyhook_rs::core::replay::headers::forward_headers;
use url::Url;

use crate::wire::Capture;

/// One request to send to the target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outgoing {
    /// The captured method, as sent.
    pub method: String,
    /// The target URL with the capture's sub-path and query.
    pub url: String,
    /// Headers in send order (hop-by-hop ones dropped).
    pub headers: Vec<(String, String)>,
    /// The exact body bytes.
    pub body: Vec<u8>,
}

/// Headers a proxy sets to say who the client was and what it asked for.
/// The sender chose them, so they are not passed on unless asked: a local
/// app that trusts proxies on loopback would believe them.
const PROXY_HEADERS: [&str; 8] = [
    "forwarded",
    "x-real-ip",
    "x-original-url",
    "x-rewrite-url",
    "x-original-host",
    "true-client-ip",
    "x-client-ip",
    "x-cluster-client-ip",
];

fn is_proxy_header(name: &str) -> bool {
    name.starts_with("x-forwarded-") || PROXY_HEADERS.contains(&name)
}

/// How a capture is turned into a request.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Options {
    /// Append the capture's sub-path to the target's path.
    pub keep_path: bool,
    /// Pass proxy headers (`X-Forwarded-*`, `Forwarded`, ...) on.
    pub keep_proxy_headers: bool,
    /// Leave out `Accept-Encoding`, so the app answers uncompressed and its
    /// body can be passed on to the sender as it is (`--reply`).
    pub plain_answer: bool,
}

/// Builds the request for `capture` to `target`. With `keep_path` the
/// capture's sub-path is appended to the target's path; the capture's
/// query is appended to the target's own.
pub fn build(capture: &Capture, target: &Url, options: Options) -> Result<Outgoing, String> {
    let keep_path = options.keep_path;
    let mut url = target.clone();
    if keep_path && capture.path != "/" {
        let joined = format!("{}{}", target.path().trim_end_matches('/'), capture.path);
        url.set_path(&joined);
    }
    if !capture.query.is_empty() {
        let query = match target.query() {
            Some(own) if !own.is_empty() => format!("{own}&{}", capture.query),
            _ => capture.query.clone(),
        };
        url.set_query(Some(&query));
    }
    let body = match &capture.body_b64 {
        Some(b64) => base64::engine::general_purpose::STANDARD
            .decode(b64)
            .map_err(|e| format!("capture {} has a bad body_b64: {e}", capture.id))?,
        None if capture.body_size == 0 => Vec::new(),
        None => return Err(format!("capture {} came without its body", capture.id)),
    };
    if u64::try_from(body.len()).ok() != Some(capture.body_size) {
        return Err(format!("capture {}: body is {} bytes, expected {}", capture.id, body.len(), capture.body_size));
    }
    Ok(Outgoing {
        method: capture.method.clone(),
        url: url.to_string(),
        headers: forward_headers(&capture.headers, &capture.set_cookies)
            .into_iter()
            .filter(|(name, _)| options.keep_proxy_headers || !is_proxy_header(name))
            .filter(|(name, _)| !(options.plain_answer && name == "accept-encoding"))
            .collect(),
        body,
    })
}

/// Checks a `--to` URL: absolute http or https.
pub fn parse_target(s: &str) -> Result<Url, String> {
    let url = Url::parse(s).map_err(|e| format!("--to {s:?} is not a URL: {e}"))?;
    match url.scheme() {
        "http" | "https" => Ok(url),
        other => Err(format!("--to must be http or https, not {other}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn capture(path: &str, query: &str, body: &[u8]) -> Capture {
        let headers: BTreeMap<String, String> = [
            ("host", "hooks.example.dev"),
            ("content-length", "3"),
            ("x-hub-signature-256", "sha256=00"),
            ("cf-connecting-ip", "203.0.113.9"),
            ("content-type", "application/x-www-form-urlencoded"),
        ]
        .into_iter()
        .map(|(n, v)| (n.to_string(), v.to_string()))
        .collect();
        Capture {
            id: "abcdefghijkl-7".into(),
            seq: 7,
            method: "PATCH".into(),
            path: path.into(),
            query: query.into(),
            headers,
            set_cookies: vec![],
            content_type: None,
            body_size: body.len() as u64,
            body_b64: Some(base64::engine::general_purpose::STANDARD.encode(body)),
            received_at: "2026-11-30T00:00:00.000Z".into(),
        }
    }

    #[test]
    fn keeps_method_body_bytes_and_signing_headers() -> Result<(), String> {
        let body = [0u8, 255, b'a', b'=', b'1', 0xc3];
        let out = build(&capture("/", "", &body), &parse_target("http://127.0.0.1:3000/hook")?, Options::default())?;
        assert_eq!(out.method, "PATCH");
        assert_eq!(out.url, "http://127.0.0.1:3000/hook");
        assert_eq!(out.body, body);
        let names: Vec<&str> = out.headers.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["content-type", "x-hub-signature-256"]);
        Ok(())
    }

    #[test]
    fn appends_sub_path_only_when_asked_and_merges_queries() -> Result<(), String> {
        let c = capture("/github/push", "a=1&b=%20", b"");
        let target = parse_target("http://127.0.0.1:3000/hook/?t=x")?;
        let keep = Options { keep_path: true, ..Options::default() };
        assert_eq!(build(&c, &target, keep)?.url, "http://127.0.0.1:3000/hook/github/push?t=x&a=1&b=%20");
        assert_eq!(build(&c, &target, Options::default())?.url, "http://127.0.0.1:3000/hook/?t=x&a=1&b=%20");
        let root = parse_target("http://127.0.0.1:3000")?;
        assert_eq!(build(&capture("/", "", b""), &root, keep)?.url, "http://127.0.0.1:3000/");
        Ok(())
    }

    #[test]
    fn proxy_headers_stay_behind_unless_asked() -> Result<(), String> {
        let mut c = capture("/", "", b"");
        for (n, v) in [("x-forwarded-for", "10.0.0.1"), ("forwarded", "for=10.0.0.1"), ("x-real-ip", "10.0.0.1")] {
            c.headers.insert(n.into(), v.into());
        }
        c.headers.insert("x-original-url".into(), "/admin".into());
        let to = parse_target("http://127.0.0.1:3000/")?;
        let names = |o: Outgoing| o.headers.into_iter().map(|(n, _)| n).collect::<Vec<_>>();
        assert_eq!(names(build(&c, &to, Options::default())?), ["content-type", "x-hub-signature-256"]);
        let kept = names(build(&c, &to, Options { keep_proxy_headers: true, ..Options::default() })?);
        for n in ["forwarded", "x-forwarded-for", "x-original-url", "x-real-ip"] {
            assert!(kept.iter().any(|k| k == n), "{n} kept with --keep-proxy-headers");
        }
        Ok(())
    }

    #[test]
    fn refuses_a_body_that_does_not_match_its_size() -> Result<(), String> {
        let mut c = capture("/", "", b"abc");
        c.body_size = 4;
        assert!(build(&c, &parse_target("http://h/")?, Options::default()).is_err());
        c.body_b64 = None;
        assert!(build(&c, &parse_target("http://h/")?, Options::default()).is_err());
        assert!(parse_target("ftp://h/").is_err() && parse_target("nope").is_err());
        Ok(())
    }
}
