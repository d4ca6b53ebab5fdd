//! The private protocol between the Worker entry and a bin's object. Only
//! the entry can reach an object, and it forwards only public bin routes,
//! so the paths here are unreachable from outside.

use serde::{Deserialize, Serialize};

/// Path of the order that creates a bin inside its (empty) object.
pub const INIT_PATH: &str = "/_internal/init";

/// Body of the create order: the id the entry drew and the digest of the
/// delete token it will hand to the caller.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct InitOrder {
    /// The new bin's id.
    pub id: String,
    /// SHA-256 hex of its delete token.
    pub token_digest: String,
    /// SHA-256 hex of its read token, for a private bin.
    #[serde(default)]
    pub read_token_digest: Option<String>,
}

/// The object's `201` answer to an [`InitOrder`]. A `409` instead means the
/// id is taken and the entry should draw another.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct InitDone {
    /// When the bin expires, epoch milliseconds.
    pub expires_at_ms: i64,
}
