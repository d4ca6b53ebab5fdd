//! A bin's sequences and their steps in its SQLite storage.

use super::sql::{int, rows, run};
use crate::core::http::error::ApiError;
use crate::core::sequence::model::Sequence;
use serde::Deserialize;
use worker::SqlStorage;

/// Typed access to one bin's sequences.
pub struct Sequences {
    sql: SqlStorage,
}

#[derive(Deserialize)]
struct StateRow {
    state: String,
}

#[derive(Deserialize)]
struct StepRow {
    request_seq: u64,
    offset_ms: u64,
}

#[derive(Deserialize)]
struct CountRow {
    n: u64,
}

fn decode(row: StateRow) -> Result<Sequence, ApiError> {
    serde_json::from_str(&row.state).map_err(|e| ApiError::internal(format!("stored sequence: {e}")))
}

impl Sequences {
    /// Wraps the object's SQL storage.
    pub fn new(sql: SqlStorage) -> Self {
        Sequences { sql }
    }

    /// How many sequences the bin has started; the next one's number is this plus one.
    pub fn count(&self) -> Result<u64, ApiError> {
        let found: Vec<CountRow> = rows(&self.sql, "SELECT COUNT(*) AS n FROM sequences", vec![])?;
        Ok(found.first().map_or(0, |c| c.n))
    }

    /// Sequence `n`, if it exists.
    pub fn get(&self, n: u64) -> Result<Option<Sequence>, ApiError> {
        let found: Vec<StateRow> = rows(&self.sql, "SELECT state FROM sequences WHERE n = ?", vec![int(n)])?;
        found.into_iter().next().map(decode).transpose()
    }

    /// Every sequence, by number (a bin holds at most `SEQUENCE_MAX_PER_BIN`).
    pub fn all(&self) -> Result<Vec<Sequence>, ApiError> {
        let found: Vec<StateRow> = rows(&self.sql, "SELECT state FROM sequences ORDER BY n", vec![])?;
        found.into_iter().map(decode).collect()
    }

    /// Inserts or updates `s`.
    pub fn save(&self, s: &Sequence) -> Result<(), ApiError> {
        let state = serde_json::to_string(s).map_err(|e| ApiError::internal(format!("encode sequence: {e}")))?;
        run(&self.sql, "INSERT OR REPLACE INTO sequences (n, state) VALUES (?, ?)", vec![int(s.n), state.into()])
    }

    /// Stores the steps of sequence `n`: each capture with its offset, in order.
    pub fn add_steps(&self, n: u64, steps: &[(u64, u64)]) -> Result<(), ApiError> {
        let sql = "INSERT INTO sequence_steps (sequence_n, idx, request_seq, offset_ms) VALUES (?, ?, ?, ?)";
        steps.iter().enumerate().try_for_each(|(i, (seq, offset))| {
            run(&self.sql, sql, vec![int(n), int(i as u64), int(*seq), int(*offset)])
        })
    }

    /// Step `idx` of sequence `n`: its capture and offset, in ms.
    pub fn step(&self, n: u64, idx: u64) -> Result<Option<(u64, u64)>, ApiError> {
        let sql = "SELECT request_seq, offset_ms FROM sequence_steps WHERE sequence_n = ? AND idx = ?";
        let found: Vec<StepRow> = rows(&self.sql, sql, vec![int(n), int(idx)])?;
        Ok(found.first().map(|s| (s.request_seq, s.offset_ms)))
    }
}
