//! A bin's own record: identity, delete credential, lifetime and counters.

use crate::core::error::{ApiError, ErrorKind};
use crate::core::retention::Usage;
use crate::core::secret::token_matches;

/// The state a bin's object keeps about itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BinMeta {
    /// The bin id.
    pub id: String,
    /// SHA-256 hex of the delete token.
    pub token_digest: String,
    /// Creation time, epoch milliseconds.
    pub created_at_ms: i64,
    /// Expiry time, epoch milliseconds.
    pub expires_at_ms: i64,
    /// The sequence number the next capture gets; starts at 1.
    pub next_seq: u64,
    /// What the bin currently holds.
    pub usage: Usage,
}

impl BinMeta {
    /// A new, empty bin created at `now_ms` that lives `ttl_s` seconds.
    pub fn new(id: &str, token_digest: String, now_ms: i64, ttl_s: u64) -> Self {
        let ttl_ms = i64::try_from(ttl_s.saturating_mul(1000)).unwrap_or(i64::MAX);
        BinMeta {
            id: id.to_string(),
            token_digest,
            created_at_ms: now_ms,
            expires_at_ms: now_ms.saturating_add(ttl_ms),
            next_seq: 1,
            usage: Usage::default(),
        }
    }

    /// True once the bin's lifetime is over at `now_ms`.
    pub fn expired(&self, now_ms: i64) -> bool {
        now_ms >= self.expires_at_ms
    }

    /// Checks the `X-Delete-Token` header: 401 when missing, 403 when wrong.
    pub fn authorize_delete(&self, presented: Option<&str>) -> Result<(), ApiError> {
        match presented.map(str::trim).filter(|t| !t.is_empty()) {
            None => Err(ApiError::new(ErrorKind::Unauthorized, "delete token required")
                .with_details("send the bin's delete_token in the X-Delete-Token header")),
            Some(t) if token_matches(t, &self.token_digest) => Ok(()),
            Some(_) => Err(ApiError::new(ErrorKind::Forbidden, "invalid delete token")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::secret::token_digest;

    #[test]
    fn lifetime_is_ttl_from_creation() {
        let m = BinMeta::new("k3p9q2x7m1nb", String::new(), 1_000, 3);
        assert_eq!(m.expires_at_ms, 4_000);
        assert!(!m.expired(3_999));
        assert!(m.expired(4_000));
        assert_eq!(m.next_seq, 1);
    }

    #[test]
    fn delete_token_checks() {
        let m = BinMeta::new("k3p9q2x7m1nb", token_digest("secret"), 0, 1);
        assert!(m.authorize_delete(Some("secret")).is_ok());
        assert_eq!(m.authorize_delete(None).unwrap_err().status(), 401);
        assert_eq!(m.authorize_delete(Some(" ")).unwrap_err().status(), 401);
        assert_eq!(m.authorize_delete(Some("nope")).unwrap_err().status(), 403);
    }
}
