//! Bearer secrets (delete tokens): generation, storage form, and a
//! constant-time check.

use crate::core::bin::ids::random_bytes;
use crate::core::hex::hex;
use crate::core::http::error::{ApiError, ErrorKind};
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

/// The bearer credentials of a bin.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Credential {
    /// The delete token, sent as `X-Delete-Token`.
    Delete,
    /// A private bin's read token, sent as `X-Authorization` or `?token=`.
    Read,
}

impl Credential {
    fn name(self) -> &'static str {
        match self {
            Credential::Delete => "delete",
            Credential::Read => "read",
        }
    }

    /// What a wrong token gets: the contract answers a bad delete token with
    /// 401 ("missing or invalid"); a private bin's wrong read token is 403.
    fn wrong(self) -> ErrorKind {
        match self {
            Credential::Delete => ErrorKind::Unauthorized,
            Credential::Read => ErrorKind::Forbidden,
        }
    }

    fn how_to_send(self) -> &'static str {
        match self {
            Credential::Delete => "send the bin's delete_token in the X-Delete-Token header",
            Credential::Read => "this bin is private: send its read_token as X-Authorization or ?token=",
        }
    }
}

/// The one token check: 401 when `presented` is missing or blank; when it
/// does not hash to `digest`, the credential's own answer (see `wrong`).
pub fn check(credential: Credential, presented: Option<&str>, digest: &str) -> Result<(), ApiError> {
    let name = credential.name();
    match presented.map(str::trim).filter(|t| !t.is_empty()) {
        None => Err(ApiError::new(ErrorKind::Unauthorized, format!("{name} token required"))
            .with_details(credential.how_to_send())),
        Some(t) if token_matches(t, digest) => Ok(()),
        Some(_) => Err(ApiError::new(credential.wrong(), format!("invalid {name} token"))),
    }
}

/// Compares two byte strings in time that depends only on their lengths.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
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
}
