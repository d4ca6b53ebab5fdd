//! A bin's own record in its SQLite storage, and the usage and sequence
//! number rebuilt from its rows when the object loads (so ingest never
//! rewrites the record).

use super::migrations::{self, migrate};
use super::sql::{int, rows, run};
use crate::core::bin::meta::BinMeta;
use crate::core::capture::retention::Usage;
use crate::core::http::error::ApiError;
use serde::Deserialize;
use worker::SqlStorage;

#[derive(Deserialize)]
struct BinRow {
    id: String,
    token_digest: String,
    // Absent in bins created before private bins existed.
    #[serde(default)]
    read_token_digest: Option<String>,
    #[serde(default)]
    ticket_key: Option<String>,
    created_at_ms: i64,
    expires_at_ms: i64,
    next_seq: u64,
}

#[derive(Deserialize)]
struct Totals {
    count: u64,
    bytes: u64,
    next_seq: u64,
    last_received_ms: i64,
}

/// Typed access to the bin record.
pub struct BinRecord {
    sql: SqlStorage,
}

impl BinRecord {
    /// Wraps the object's SQL storage.
    pub fn new(sql: SqlStorage) -> Self {
        BinRecord { sql }
    }

    /// The bin record, or `None` if this object holds no bin. Checking the
    /// schema first keeps a lookup of an unknown bin from creating storage;
    /// storage written by older code is migrated first.
    pub fn load(&self) -> Result<Option<BinMeta>, ApiError> {
        let tables: Vec<serde_json::Value> =
            rows(&self.sql, "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'bin'", vec![])?;
        if tables.is_empty() {
            return Ok(None);
        }
        migrate(&self.sql, &migrations::BIN)?;
        let Some(r) = rows::<BinRow>(&self.sql, "SELECT * FROM bin LIMIT 1", vec![])?.pop() else {
            return Ok(None);
        };
        let totals = self.totals()?;
        Ok(Some(BinMeta {
            id: r.id,
            token_digest: r.token_digest,
            read_token_digest: r.read_token_digest,
            ticket_key: r.ticket_key,
            created_at_ms: r.created_at_ms,
            expires_at_ms: r.expires_at_ms,
            // Eviction keeps the newest capture, so the largest seq stored is the last one given.
            next_seq: r.next_seq.max(totals.next_seq),
            usage: Usage { count: totals.count, bytes: totals.bytes },
            last_received_ms: totals.last_received_ms,
        }))
    }

    /// What the bin holds now: captures, their stored bytes plus those of
    /// every replay, and the sequence number after the newest capture.
    pub fn totals_usage(&self) -> Result<Usage, ApiError> {
        self.totals().map(|t| Usage { count: t.count, bytes: t.bytes })
    }

    fn totals(&self) -> Result<Totals, ApiError> {
        let query = "SELECT COUNT(*) AS count, \
            COALESCE(SUM(COALESCE(stored_bytes, body_size)), 0) + (SELECT COALESCE(SUM(stored_bytes), 0) FROM replays) AS bytes, \
            COALESCE(MAX(seq), 0) + 1 AS next_seq, COALESCE(MAX(received_at_ms), 0) AS last_received_ms FROM captures";
        rows::<Totals>(&self.sql, query, vec![])?.pop().ok_or_else(|| ApiError::internal("bin totals: no row"))
    }

    /// Creates the schema and the bin record, which reports its metrics to
    /// `metrics_shard` for life.
    pub fn create(&self, meta: &BinMeta, metrics_shard: u32) -> Result<(), ApiError> {
        migrate(&self.sql, &migrations::BIN)?;
        run(&self.sql,
            "INSERT INTO bin (id, token_digest, read_token_digest, ticket_key, created_at_ms, expires_at_ms, next_seq, capture_count, body_bytes, metrics_shard) VALUES (?, ?, ?, ?, ?, ?, ?, 0, 0, ?)",
            vec![
                meta.id.as_str().into(),
                meta.token_digest.as_str().into(),
                meta.read_token_digest.clone().into(),
                meta.ticket_key.clone().into(),
                meta.created_at_ms.into(),
                meta.expires_at_ms.into(),
                int(meta.next_seq),
                int(u64::from(metrics_shard)),
            ],
        )
    }

    /// The metrics shard the bin reports to, `None` if there is no bin. A
    /// bin created before shards existed reported to the one aggregator,
    /// which is shard 0, and stays there. Read without migrating, so a
    /// lookup creates no storage.
    pub fn metrics_shard(&self) -> Option<u32> {
        let tables: Vec<serde_json::Value> =
            rows(&self.sql, "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'bin'", vec![]).ok()?;
        if tables.is_empty() {
            return None;
        }
        #[derive(serde::Deserialize)]
        struct Row {
            metrics_shard: Option<u32>,
        }
        match rows::<Row>(&self.sql, "SELECT metrics_shard FROM bin LIMIT 1", vec![]) {
            Ok(mut found) => found.pop().map(|r| r.metrics_shard.unwrap_or(0)),
            Err(_) => Some(0), // a bin from before the column
        }
    }

    /// Stores the key that signs the bin's stream tickets.
    pub fn set_ticket_key(&self, key: &str) -> Result<(), ApiError> {
        run(&self.sql, "UPDATE bin SET ticket_key = ?", vec![key.into()])
    }
}
