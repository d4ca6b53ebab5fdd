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
    /// SHA-256 hex of the read token of a private bin; `None` for a public bin.
    pub read_token_digest: Option<String>,
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
            read_token_digest: None,
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

/// Reads the optional body of `POST /v1/bins`: empty, or a JSON object
/// whose `private` flag asks for a read token. Returns that flag.
pub fn wants_private(body: &[u8]) -> Result<bool, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(false);
    }
    let bad = |d: String| ApiError::bad_request("invalid JSON").with_details(d);
    let value: serde_json::Value =
        serde_json::from_slice(body).map_err(|e| bad(format!("the body must be a JSON object: {e}")))?;
    match value.get("private") {
        _ if !value.is_object() => Err(bad("the body must be a JSON object".into())),
        None | Some(serde_json::Value::Null) => Ok(false),
        Some(v) => v.as_bool().ok_or_else(|| bad("private must be true or false".into())),
    }
}

impl BinMeta {
    /// Checks the read token of a private bin, given as `X-Authorization`
    /// or `?token=`: 401 when missing, 403 when wrong. Public bins pass.
    pub fn authorize_read(&self, presented: Option<&str>) -> Result<(), ApiError> {
        let Some(digest) = &self.read_token_digest else { return Ok(()) };
        match presented.map(str::trim).filter(|t| !t.is_empty()) {
            None => Err(ApiError::new(ErrorKind::Unauthorized, "read token required")
                .with_details("this bin is private: send its read_token as X-Authorization or ?token=")),
            Some(t) if token_matches(t, digest) => Ok(()),
            Some(_) => Err(ApiError::new(ErrorKind::Forbidden, "invalid read token")),
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
    fn create_options() {
        assert!(!wants_private(b"").unwrap());
        assert!(!wants_private(b" \n").unwrap());
        assert!(!wants_private(b"{}").unwrap());
        assert!(!wants_private(br#"{"private":false}"#).unwrap());
        assert!(wants_private(br#"{"private":true}"#).unwrap());
        for bad in [&b"nope"[..], b"[true]", br#"{"private":"yes"}"#] {
            assert_eq!(wants_private(bad).unwrap_err().status(), 400);
        }
    }

    #[test]
    fn read_token_checks_only_private_bins() {
        let mut m = BinMeta::new("k3p9q2x7m1nb", String::new(), 0, 1);
        assert!(m.authorize_read(None).is_ok());
        m.read_token_digest = Some(token_digest("r"));
        assert_eq!(m.authorize_read(None).unwrap_err().status(), 401);
        assert_eq!(m.authorize_read(Some("x")).unwrap_err().status(), 403);
        assert!(m.authorize_read(Some("r")).is_ok());
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
