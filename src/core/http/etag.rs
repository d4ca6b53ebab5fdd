//! Strong entity tags and `If-None-Match` evaluation (RFC 9110 §8.8.3, §13.1.2).

use crate::core::hex::hex;
use sha2::{Digest, Sha256};

/// A strong ETag over exact body bytes: a quoted 128-bit SHA-256 prefix.
pub fn strong(body: &[u8]) -> String {
    format!("\"{}\"", hex(&Sha256::digest(body)[..16]))
}

/// True if an `If-None-Match` header value matches `etag`, so the answer is
/// 304. `If-None-Match` uses weak comparison: `W/` prefixes are ignored.
pub fn if_none_match_hits(header: &str, etag: &str) -> bool {
    let ours = etag.trim_start_matches("W/");
    header.split(',').map(str::trim).any(|tag| tag == "*" || tag.trim_start_matches("W/") == ours)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn is_quoted_and_stable() {
        let a = strong(b"hello");
        assert!(a.starts_with('"') && a.ends_with('"'));
        assert_eq!(a.len(), 34);
        assert_eq!(a, strong(b"hello"));
        assert_ne!(a, strong(b"hello!"));
    }

    #[test]
    fn matches_lists_weak_and_star() {
        let e = strong(b"x");
        assert!(if_none_match_hits(&e, &e));
        assert!(if_none_match_hits(&format!("\"other\", {e}"), &e));
        assert!(if_none_match_hits(&format!("W/{e}"), &e));
        assert!(if_none_match_hits("*", &e));
        assert!(!if_none_match_hits("\"other\"", &e));
        assert!(!if_none_match_hits("", &e));
    }
}
