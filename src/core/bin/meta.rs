//! A bin's own record: identity, delete credential, lifetime and counters.

use crate::core::bin::token::{check, Credential};
use crate::core::capture::retention::Usage;
use crate::core::http::error::ApiError;

/// The state a bin's object keeps about itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BinMeta {
    /// The bin id.
    pub id: String,
    /// SHA-256 hex of the delete token.
    pub token_digest: String,
    /// SHA-256 hex of the read token of a private bin; `None` for a public bin.
    pub read_token_digest: Option<String>,
    /// Hex key that signs the bin's stream tickets; made on first use in
    /// bins created before tickets existed.
    pub ticket_key: Option<String>,
    /// Creation time, epoch milliseconds.
    pub created_at_ms: i64,
    /// Expiry time, epoch milliseconds.
    pub expires_at_ms: i64,
    /// The sequence number the next capture gets; starts at 1.
    pub next_seq: u64,
    /// What the bin currently holds.
    pub usage: Usage,
    /// The newest capture's receive time, epoch ms (0 before the first):
    /// a new capture is never stamped earlier, so receive times never
    /// decrease with `seq`, even if the clock steps back.
    pub last_received_ms: i64,
}

impl BinMeta {
    /// A new, empty bin created at `now_ms` that lives `ttl_s` seconds.
    pub fn new(id: &str, token_digest: String, now_ms: i64, ttl_s: u64) -> Self {
        let ttl_ms = i64::try_from(ttl_s.saturating_mul(1000)).unwrap_or(i64::MAX);
        BinMeta {
            id: id.to_string(),
            token_digest,
            read_token_digest: None,
            ticket_key: None,
            created_at_ms: now_ms,
            expires_at_ms: now_ms.saturating_add(ttl_ms),
            next_seq: 1,
            usage: Usage::default(),
            last_received_ms: 0,
        }
    }

    /// True once the bin's lifetime is over at `now_ms`.
    pub fn expired(&self, now_ms: i64) -> bool {
        now_ms >= self.expires_at_ms
    }
}

impl BinMeta {
    /// Checks a presented `credential`. The delete token guards `DELETE`;
    /// the read token guards a private bin's reads, and public bins pass.
    pub fn authorize(&self, credential: Credential, presented: Option<&str>) -> Result<(), ApiError> {
        match credential {
            Credential::Delete => check(credential, presented, &self.token_digest),
            Credential::Read => match &self.read_token_digest {
                Some(digest) => check(credential, presented, digest),
                None => Ok(()),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::bin::token::token_digest;

    #[test]
    fn lifetime_is_ttl_from_creation() {
        let m = BinMeta::new("k3p9q2x7m1nb", String::new(), 1_000, 3);
        assert_eq!(m.expires_at_ms, 4_000);
        assert!(!m.expired(3_999));
        assert!(m.expired(4_000));
        assert_eq!(m.next_seq, 1);
    }

    #[test]
    fn read_token_checks_only_private_bins() {
        let mut m = BinMeta::new("k3p9q2x7m1nb", String::new(), 0, 1);
        assert!(m.authorize(Credential::Read, None).is_ok());
        m.read_token_digest = Some(token_digest("r"));
        assert_eq!(m.authorize(Credential::Read, None).unwrap_err().status(), 401);
        assert_eq!(m.authorize(Credential::Read, Some("x")).unwrap_err().status(), 403);
        assert!(m.authorize(Credential::Read, Some("r")).is_ok());
    }

    #[test]
    fn delete_token_checks() {
        let m = BinMeta::new("k3p9q2x7m1nb", token_digest("secret"), 0, 1);
        assert!(m.authorize(Credential::Delete, Some("secret")).is_ok());
        assert_eq!(m.authorize(Credential::Delete, None).unwrap_err().status(), 401);
        assert_eq!(m.authorize(Credential::Delete, Some(" ")).unwrap_err().status(), 401);
        assert_eq!(m.authorize(Credential::Delete, Some("nope")).unwrap_err().status(), 401);
    }
}
