//! The result of checking one capture's signature, as stored and shown.

use serde::{Deserialize, Serialize};

/// Why a signature did not verify. The strings are part of the API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Reason {
    /// A header the scheme needs was not sent.
    #[serde(rename = "missing header")]
    MissingHeader,
    /// The signature header does not have the scheme's form.
    #[serde(rename = "malformed signature")]
    Malformed,
    /// The signed timestamp is too far from the capture's receive time.
    #[serde(rename = "timestamp outside tolerance")]
    Stale,
    /// No signature in the header matches the body under the secret.
    #[serde(rename = "signature mismatch")]
    Mismatch,
}

/// One capture's verification: which scheme decided it, and how.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verification {
    /// The scheme of the verifier that decided (e.g. `github`).
    pub scheme: String,
    /// True when a signature matched and its timestamp, if any, was in tolerance.
    pub valid: bool,
    /// Why it is not valid; `null` when it is.
    pub reason: Option<Reason>,
}

impl Verification {
    /// The outcome `result` under scheme `scheme`.
    pub fn of(scheme: &str, result: Result<(), Reason>) -> Verification {
        Verification { scheme: scheme.to_string(), valid: result.is_ok(), reason: result.err() }
    }
}
