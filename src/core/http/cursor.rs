//! Opaque paging cursors.
//!
//! A cursor names the sequence number of the last item a page returned; the
//! next page holds the items strictly older than it. Sequence numbers only
//! grow, so captures arriving between two page reads land above every
//! cursor and can neither repeat nor push an item past a page boundary.
//!
//! Wire form: base64url (no padding) of `v1.<seq>.<check>`, where `check` is
//! a short digest that turns typos and truncation into a clear 400.

use crate::core::bin::ids::parse_seq;
use crate::core::hex::hex;
use crate::core::http::error::ApiError;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use sha2::{Digest, Sha256};

/// Longest cursor accepted, in characters; real ones are about 40.
const MAX_CURSOR_LEN: usize = 128;

fn check(seq: u64) -> String {
    hex(&Sha256::digest(format!("polyhook-cursor:{seq}").as_bytes())[..4])
}

/// Encodes a cursor that continues below `seq`.
pub fn encode(seq: u64) -> String {
    URL_SAFE_NO_PAD.encode(format!("v1.{seq}.{}", check(seq)))
}

/// Decodes a cursor back to its sequence number.
pub fn decode(cursor: &str) -> Result<u64, ApiError> {
    let invalid = |why: &str| ApiError::bad_request("invalid cursor").with_details(why.to_string());
    if cursor.len() > MAX_CURSOR_LEN {
        return Err(invalid("cursor is too long; pass back next_cursor exactly as received"));
    }
    let raw = URL_SAFE_NO_PAD
        .decode(cursor)
        .map_err(|_| invalid("cursor is not one this service issued; pass back next_cursor exactly as received"))?;
    let text = String::from_utf8(raw).map_err(|_| invalid("cursor is not one this service issued"))?;
    let mut parts = text.split('.');
    let (Some("v1"), Some(seq_text), Some(sum), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
        return Err(invalid("cursor is not one this service issued"));
    };
    let seq = parse_seq(seq_text).ok_or_else(|| invalid("cursor position is out of range"))?;
    if sum != check(seq) {
        return Err(invalid("cursor checksum does not match; it was altered or truncated"));
    }
    Ok(seq)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        for seq in [1, 42, 250, crate::core::bin::ids::MAX_SAFE_SEQ] {
            assert_eq!(decode(&encode(seq)).unwrap(), seq);
        }
    }

    #[test]
    fn is_url_safe() {
        let c = encode(123_456);
        assert!(c.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'), "{c}");
    }

    #[test]
    fn rejects_garbage_with_400() {
        let forged = URL_SAFE_NO_PAD.encode("v1.5.00000000");
        let long = "A".repeat(500);
        for bad in ["", "!!!", "djEuNQ", forged.as_str(), long.as_str()] {
            let err = decode(bad).unwrap_err();
            assert_eq!(err.status(), 400, "{bad}");
            assert_eq!(err.message, "invalid cursor");
        }
    }

    #[test]
    fn rejects_a_flipped_character() {
        let mut c = encode(77).into_bytes();
        c[3] = if c[3] == b'A' { b'B' } else { b'A' };
        assert!(decode(std::str::from_utf8(&c).unwrap()).is_err());
    }
}
