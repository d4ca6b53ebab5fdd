//! A bin's signature verifiers, secrets included, in its SQLite storage.

use super::sql::{int, rows, run};
use crate::core::http::error::ApiError;
use crate::core::verify::verifier::Verifier;
use serde::Deserialize;
use worker::SqlStorage;

#[derive(Deserialize)]
struct VerifierRow {
    verifier: String,
}

/// Typed access to one bin's verifiers.
pub struct Verifiers {
    sql: SqlStorage,
}

impl Verifiers {
    /// Wraps the object's SQL storage.
    pub fn new(sql: SqlStorage) -> Self {
        Verifiers { sql }
    }

    /// The verifiers in order.
    pub fn load(&self) -> Result<Vec<Verifier>, ApiError> {
        let found: Vec<VerifierRow> = rows(&self.sql, "SELECT verifier FROM verifiers ORDER BY idx", vec![])?;
        found
            .iter()
            .map(|r| serde_json::from_str(&r.verifier).map_err(|e| ApiError::internal(format!("stored verifier: {e}"))))
            .collect()
    }

    /// Replaces every verifier.
    pub fn replace(&self, verifiers: &[Verifier]) -> Result<(), ApiError> {
        run(&self.sql, "DELETE FROM verifiers", vec![])?;
        for (i, v) in verifiers.iter().enumerate() {
            let json = serde_json::to_string(v).map_err(|e| ApiError::internal(e.to_string()))?;
            run(&self.sql, "INSERT INTO verifiers (idx, verifier) VALUES (?, ?)", vec![int(i as u64), json.into()])?;
        }
        Ok(())
    }
}
