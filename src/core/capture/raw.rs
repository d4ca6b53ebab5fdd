//! Serving a captured body back byte for byte.

use crate::core::http::reply::Reply;

/// The raw body with its original content type. Captured bodies are
/// untrusted: `nosniff` and a sandboxing CSP keep an HTML or SVG payload
/// from running script on this origin when opened in a browser.
pub fn raw_reply(content_type: Option<&str>, body: Vec<u8>) -> Reply {
    Reply::bytes(200, body)
        .header("content-type", content_type.unwrap_or("application/octet-stream"))
        .header("x-content-type-options", "nosniff")
        .header("content-security-policy", "sandbox; default-src 'none'")
        .header("cache-control", "private, max-age=60")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_type_and_bytes_and_sandboxes() {
        let r = raw_reply(Some("text/html"), vec![0, 255]);
        assert_eq!(r.body, vec![0, 255]);
        assert_eq!(r.header_value("content-type"), Some("text/html"));
        assert!(r.header_value("content-security-policy").unwrap().starts_with("sandbox"));
    }

    #[test]
    fn defaults_to_octet_stream() {
        assert_eq!(raw_reply(None, vec![]).header_value("content-type"), Some("application/octet-stream"));
    }
}
