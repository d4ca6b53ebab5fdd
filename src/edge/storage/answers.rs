//! A bin's response rules and their use counts in its SQLite storage.

use super::sql::{int, rows, run};
use crate::core::answer::rule::Rule;
use crate::core::http::error::ApiError;
use serde::Deserialize;
use worker::SqlStorage;

#[derive(Deserialize)]
struct RuleRow {
    rule: String,
    uses: u64,
}

/// Typed access to one bin's response rules.
pub struct Answers {
    sql: SqlStorage,
}

impl Answers {
    /// Wraps the object's SQL storage.
    pub fn new(sql: SqlStorage) -> Self {
        Answers { sql }
    }

    /// The rules in order, with their use counts.
    pub fn load(&self) -> Result<(Vec<Rule>, Vec<u64>), ApiError> {
        let found: Vec<RuleRow> = rows(&self.sql, "SELECT rule, uses FROM responses ORDER BY idx", vec![])?;
        let mut rules = Vec::with_capacity(found.len());
        let mut uses = Vec::with_capacity(found.len());
        for row in found {
            rules.push(serde_json::from_str(&row.rule).map_err(|e| ApiError::internal(format!("stored rule: {e}")))?);
            uses.push(row.uses);
        }
        Ok((rules, uses))
    }

    /// Replaces every rule; use counts start again at zero.
    pub fn replace(&self, rules: &[Rule]) -> Result<(), ApiError> {
        run(&self.sql, "DELETE FROM responses", vec![])?;
        for (i, rule) in rules.iter().enumerate() {
            let json = serde_json::to_string(rule).map_err(|e| ApiError::internal(e.to_string()))?;
            run(
                &self.sql,
                "INSERT INTO responses (idx, rule, uses) VALUES (?, ?, 0)",
                vec![int(i as u64), json.into()],
            )?;
        }
        Ok(())
    }

    /// Counts one answer by rule `idx`.
    pub fn count_use(&self, idx: usize) -> Result<(), ApiError> {
        run(&self.sql, "UPDATE responses SET uses = uses + 1 WHERE idx = ?", vec![int(idx as u64)])
    }
}
