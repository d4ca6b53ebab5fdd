//! Bearer secrets (delete tokens): generation, storage form, and a
//! constant-time check.

use crate::core::error::ApiError;
use crate::core::ids::random_bytes;
use sha2::{Digest, Sha256};

/// Random bytes in a delete token: 192 bits, above the 128-bit floor.
const TOKEN_BYTES: usize = 24;

/// Draws a new token, hex-encoded (48 characters).
pub fn new_token() -> Result<String, ApiError> {
    let mut buf = [0u8; TOKEN_BYTES];
    random_bytes(&mut buf)?;
    Ok(hex(&buf))
}

/// The form a token is stored in: hex SHA-256, so a storage dump does not
/// reveal working tokens.
pub fn token_digest(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

/// True if `presented` hashes to `stored_digest`. The digests are compared in
/// constant time, so timing reveals nothing about how much matched.
pub fn token_matches(presented: &str, stored_digest: &str) -> bool {
    constant_time_eq(token_digest(presented).as_bytes(), stored_digest.as_bytes())
}

/// Compares two byte strings in time that depends only on their lengths.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Lowercase hex of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        s.push(char::from(DIGITS[usize::from(b >> 4)]));
        s.push(char::from(DIGITS[usize::from(b & 15)]));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_long_and_distinct() {
        let a = new_token().unwrap();
        assert_eq!(a.len(), 48);
        assert_ne!(a, new_token().unwrap());
    }

    #[test]
    fn digest_matches_only_its_token() {
        let t = new_token().unwrap();
        let d = token_digest(&t);
        assert!(token_matches(&t, &d));
        assert!(!token_matches("wrong", &d));
        assert!(!token_matches("", &d));
    }

    #[test]
    fn constant_time_eq_basics() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"abcd"));
    }

    #[test]
    fn hex_encodes() {
        assert_eq!(hex(&[0, 15, 255]), "000fff");
    }
}
