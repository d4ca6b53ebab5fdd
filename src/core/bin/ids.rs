//! Identifiers: bin ids, request ids, and their validation.
//!
//! A bin id is 12 characters of `[a-z0-9]` drawn from a CSPRNG. A request id
//! is `<bin id>-<seq>`: the per-bin sequence number makes it ordered and
//! cheap to look up, and the bin prefix makes an id from bin A unusable
//! under bin B.

use crate::core::http::error::ApiError;

/// Length of a bin id in characters.
pub const BIN_ID_LEN: usize = 12;
const ALPHABET: &[u8; 36] = b"abcdefghijklmnopqrstuvwxyz0123456789";
/// Largest multiple of 36 that fits in a byte; bytes at or above it are
/// rejected so every character is equally likely.
const REJECT_AT: u8 = 252;
/// Largest sequence number that survives a trip through a JavaScript number.
pub const MAX_SAFE_SEQ: u64 = (1 << 53) - 1;

/// Fills `buf` from the platform CSPRNG.
pub fn random_bytes(buf: &mut [u8]) -> Result<(), ApiError> {
    getrandom::fill(buf).map_err(|e| ApiError::internal(format!("csprng: {e}")))
}

/// Draws a fresh bin id from the CSPRNG.
pub fn new_bin_id() -> Result<String, ApiError> {
    let mut out = String::with_capacity(BIN_ID_LEN);
    let mut buf = [0u8; 32];
    while out.len() < BIN_ID_LEN {
        random_bytes(&mut buf)?;
        append_unbiased(&mut out, &buf, BIN_ID_LEN);
    }
    Ok(out)
}

/// Appends alphabet characters for the accepted bytes of `bytes` until `out`
/// holds `len` characters.
fn append_unbiased(out: &mut String, bytes: &[u8], len: usize) {
    for &b in bytes {
        if out.len() == len {
            return;
        }
        if b < REJECT_AT {
            out.push(char::from(ALPHABET[usize::from(b % 36)]));
        }
    }
}

/// True if `s` has the shape of a bin id (`^[a-z0-9]{12}$`).
pub fn is_bin_id(s: &str) -> bool {
    s.len() == BIN_ID_LEN && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
}

/// Formats the id of capture `seq` in bin `bin`.
pub fn request_id(bin: &str, seq: u64) -> String {
    format!("{bin}-{seq}")
}

/// Parses a request id under bin `bin`, returning its sequence number.
/// Any id that is malformed or belongs to another bin is "not found".
pub fn parse_request_id(bin: &str, rid: &str) -> Result<u64, ApiError> {
    let not_found = || ApiError::not_found("request not found").with_details(format!("no request {rid:?} in this bin"));
    let seq_text = rid.strip_prefix(bin).and_then(|r| r.strip_prefix('-')).ok_or_else(not_found)?;
    parse_seq(seq_text).ok_or_else(not_found)
}

/// Parses a canonical decimal sequence number (no sign, no leading zeros), at
/// least 1 and at most [`MAX_SAFE_SEQ`].
pub fn parse_seq(s: &str) -> Option<u64> {
    let canonical = !s.is_empty() && s.len() <= 16 && s.bytes().all(|b| b.is_ascii_digit()) && !s.starts_with('0');
    if !canonical {
        return None;
    }
    s.parse::<u64>().ok().filter(|&n| n <= MAX_SAFE_SEQ)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_bin_ids_have_the_contract_shape() {
        for _ in 0..200 {
            let id = new_bin_id().unwrap();
            assert!(is_bin_id(&id), "{id}");
        }
    }

    #[test]
    fn new_bin_ids_differ() {
        let a = new_bin_id().unwrap();
        let b = new_bin_id().unwrap();
        assert_ne!(a, b);
    }

    #[test]
    fn rejects_biased_bytes() {
        let mut out = String::new();
        append_unbiased(&mut out, &[252, 253, 255, 0, 35, 36, 251], 12);
        assert_eq!(out, "a9a9");
    }

    #[test]
    fn validates_bin_ids() {
        assert!(is_bin_id("k3p9q2x7m1nb"));
        assert!(!is_bin_id("K3p9q2x7m1nb"));
        assert!(!is_bin_id("k3p9q2x7m1n"));
        assert!(!is_bin_id("k3p9q2x7m1nb0"));
        assert!(!is_bin_id("k3p9q2x7m1n-"));
    }

    #[test]
    fn request_ids_round_trip() {
        let rid = request_id("k3p9q2x7m1nb", 42);
        assert_eq!(rid, "k3p9q2x7m1nb-42");
        assert_eq!(parse_request_id("k3p9q2x7m1nb", &rid).unwrap(), 42);
    }

    #[test]
    fn request_ids_of_another_bin_are_not_found() {
        let err = parse_request_id("aaaaaaaaaaaa", "k3p9q2x7m1nb-42").unwrap_err();
        assert_eq!(err.status(), 404);
    }

    #[test]
    fn malformed_request_ids_are_not_found() {
        for rid in [
            "",
            "k3p9q2x7m1nb",
            "k3p9q2x7m1nb-",
            "k3p9q2x7m1nb-0",
            "k3p9q2x7m1nb-01",
            "k3p9q2x7m1nb--1",
            "k3p9q2x7m1nb-1x",
            "k3p9q2x7m1nb-99999999999999999",
        ] {
            assert_eq!(parse_request_id("k3p9q2x7m1nb", rid).unwrap_err().status(), 404, "{rid}");
        }
    }

    #[test]
    fn seq_bounds() {
        assert_eq!(parse_seq("1"), Some(1));
        assert_eq!(parse_seq("9007199254740991"), Some(MAX_SAFE_SEQ));
        assert_eq!(parse_seq("9007199254740992"), None);
        assert_eq!(parse_seq("+1"), None);
    }
}
