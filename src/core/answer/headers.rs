//! Which headers an answer chosen by the bin's owner may carry, whether a
//! response rule sets them or the owner's own app sends them through
//! `polyhook listen --reply`: no hop-by-hop or framing header, no CORS
//! (the service answers it), and nothing that reaches past the one
//! response ([`origin`]).

use crate::core::answer::origin;

/// Headers the service frames or answers itself: hop-by-hop ones, those
/// that frame the message, and the encoding, which the runtime applies.
const FORBIDDEN: [&str; 11] = [
    "connection",
    "keep-alive",
    "transfer-encoding",
    "content-length",
    "content-encoding",
    "te",
    "trailer",
    "upgrade",
    "proxy-connection",
    "host",
    "set-cookie2",
];

/// Longest header value, in bytes.
pub const MAX_VALUE_BYTES: usize = 8192;

/// Why header `name` with `value` may not be sent in an answer of bin
/// `bin`, or `None` if it may.
pub fn refusal(name: &str, value: &str, bin: &str) -> Option<String> {
    let token = !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b));
    if !token {
        return Some("not a valid header name".into());
    }
    let lower = name.to_ascii_lowercase();
    if FORBIDDEN.contains(&lower.as_str()) || lower.starts_with("access-control-") {
        return Some("this header is set by the service and cannot be chosen".into());
    }
    // Visible ASCII, space and tab: what every runtime accepts in a header value.
    if !value.bytes().all(|b| b == b'\t' || (b' '..=b'~').contains(&b)) || value.len() > MAX_VALUE_BYTES {
        return Some(format!("must be visible ASCII (spaces and tabs allowed), at most {MAX_VALUE_BYTES} bytes"));
    }
    origin::check(&lower, value, bin).err()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn framing_cors_and_origin_wide_headers_are_refused() {
        let bin = "k3p9q2x7m1nb";
        for name in
            ["Connection", "content-length", "Content-Encoding", "access-control-allow-origin", "clear-site-data"]
        {
            assert!(refusal(name, "x", bin).is_some(), "{name}");
        }
        assert!(refusal("bad name", "x", bin).is_some());
        assert!(refusal("x-a", "caf\u{e9}", bin).is_some());
        assert!(refusal("set-cookie", "a=1; Path=/", bin).is_some(), "a cookie for the whole service");
        assert_eq!(refusal("set-cookie", &format!("a=1; Path=/v1/bins/{bin}/in"), bin), None);
        assert_eq!(refusal("X-Request-Id", "abc", bin), None);
    }
}
