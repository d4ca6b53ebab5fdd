//! A bin's replays and their attempts in its SQLite storage.

use super::captures::json_column;
use super::sql::{db, int, rows, run};
use crate::core::bin::ids::MAX_SAFE_SEQ;
use crate::core::http::error::ApiError;
use crate::core::replay::model::{Attempt, Replay, Status};
use crate::core::replay::runner::ReplayRepo;
use worker::{SqlStorage, SqlStorageValue as V};

const COLUMNS: &str = "n, request_seq, target_url, max_retries, status, attempts, round_start, rounds, last_error, created_at_ms, updated_at_ms, next_at_ms, lease_until_ms, edit";

/// Typed access to one bin's replays.
pub struct Replays {
    sql: SqlStorage,
}

#[derive(serde::Deserialize)]
struct Next {
    n: u64,
}

impl Replays {
    /// Wraps the object's SQL storage.
    pub fn new(sql: SqlStorage) -> Self {
        Replays { sql }
    }

    /// The number the next replay gets. Replays are never evicted, so the
    /// largest number only grows.
    pub fn next_n(&self) -> Result<u64, ApiError> {
        let rows: Vec<Next> = rows(&self.sql, "SELECT COALESCE(MAX(n), 0) + 1 AS n FROM replays", vec![])?;
        Ok(rows.first().map_or(1, |r| r.n))
    }

    /// How many replays are queued or running.
    pub fn pending_count(&self) -> Result<u64, ApiError> {
        #[derive(serde::Deserialize)]
        struct Count {
            n: u64,
        }
        let found: Vec<Count> =
            rows(&self.sql, "SELECT COUNT(*) AS n FROM replays WHERE status IN ('queued', 'in_progress')", vec![])?;
        Ok(found.first().map_or(0, |c| c.n))
    }

    /// Replay `n`, if it exists.
    pub fn get(&self, n: u64) -> Result<Option<Replay>, ApiError> {
        Ok(rows(&self.sql, &format!("SELECT {COLUMNS} FROM replays WHERE n = ?"), vec![int(n)])?.into_iter().next())
    }

    /// Up to `limit` replays with `n < before`, newest first, optionally of one status.
    pub fn page(&self, status: Option<Status>, before: Option<u64>, limit: usize) -> Result<Vec<Replay>, ApiError> {
        let before = int(before.unwrap_or(MAX_SAFE_SEQ));
        let limit = int(limit as u64);
        match status {
            Some(s) => rows(
                &self.sql,
                &format!("SELECT {COLUMNS} FROM replays WHERE status = ? AND n < ? ORDER BY n DESC LIMIT ?"),
                vec![s.as_str().into(), before, limit],
            ),
            None => rows(
                &self.sql,
                &format!("SELECT {COLUMNS} FROM replays WHERE n < ? ORDER BY n DESC LIMIT ?"),
                vec![before, limit],
            ),
        }
    }

    /// Keeps `body`, the new body of edited replay `n`.
    pub fn save_body(&self, n: u64, body: Vec<u8>) -> Result<(), ApiError> {
        run(&self.sql, "INSERT OR REPLACE INTO replay_bodies (n, body) VALUES (?, ?)", vec![int(n), V::Blob(body)])
    }

    /// The new body of edited replay `n` (empty if there is none).
    pub fn body(&self, n: u64) -> Result<Vec<u8>, ApiError> {
        let cursor = self.sql.exec("SELECT body FROM replay_bodies WHERE n = ?", vec![int(n)]).map_err(db)?;
        for row in cursor.raw() {
            if let Some(V::Blob(bytes)) = row.map_err(db)?.into_iter().next() {
                return Ok(bytes);
            }
        }
        Ok(Vec::new())
    }

    /// Every attempt of replay `n`, oldest first.
    pub fn attempts(&self, n: u64) -> Result<Vec<Attempt>, ApiError> {
        rows(&self.sql,
            "SELECT attempt, started_at_ms, duration_ms, status_code, error FROM replay_attempts WHERE replay_n = ? ORDER BY attempt",
            vec![int(n)],
        )
    }
}

impl ReplayRepo for Replays {
    /// Every replay that still has work: queued or in progress.
    fn pending(&self) -> Result<Vec<Replay>, ApiError> {
        rows(
            &self.sql,
            &format!("SELECT {COLUMNS} FROM replays WHERE status IN ('queued', 'in_progress') ORDER BY n"),
            vec![],
        )
    }

    /// Inserts or updates `replay`.
    fn save(&self, r: &Replay) -> Result<(), ApiError> {
        let args = vec![
            int(r.n),
            int(r.request_seq),
            r.target_url.as_str().into(),
            int(u64::from(r.max_retries)),
            r.status.as_str().into(),
            int(u64::from(r.attempts)),
            int(u64::from(r.round_start)),
            int(u64::from(r.rounds)),
            r.last_error.clone().into(),
            r.created_at_ms.into(),
            r.updated_at_ms.into(),
            r.next_at_ms.into(),
            r.lease_until_ms.into(),
            json_column(r.edit.as_ref())?.into(),
            int(r.stored_bytes()),
        ];
        let query = format!(
            "INSERT OR REPLACE INTO replays ({COLUMNS}, stored_bytes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        );
        run(&self.sql, &query, args)
    }

    /// Records one attempt of replay `n`.
    fn add_attempt(&self, n: u64, a: &Attempt) -> Result<(), ApiError> {
        let args = vec![
            int(n),
            int(u64::from(a.attempt)),
            a.started_at_ms.into(),
            int(a.duration_ms),
            a.status_code.map(i64::from).into(),
            a.error.clone().into(),
        ];
        run(
            &self.sql,
            "INSERT OR REPLACE INTO replay_attempts (replay_n, attempt, started_at_ms, duration_ms, status_code, error) VALUES (?, ?, ?, ?, ?, ?)",
            args,
        )
    }
}
