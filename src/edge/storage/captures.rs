//! A bin's record and captures in its SQLite storage. Statements run
//! without an `.await` between them commit together, so each public method
//! here is one atomic step.

use super::migrations::{self, migrate};
use super::sql::{db, int, rows, run};
use crate::core::bin::ids::MAX_SAFE_SEQ;
use crate::core::bin::meta::BinMeta;
use crate::core::capture::model::Capture;
use crate::core::capture::namespace::Namespace;
use crate::core::capture::retention::{self, Limits, Usage};
use crate::core::http::error::ApiError;
use crate::core::stream::backlog::CaptureSource;
use serde::Deserialize;
use worker::{SqlStorage, SqlStorageValue as V};

const CAPTURE_COLUMNS: &str =
    "seq, method, path, query, headers, set_cookies, content_type, client_ip, body_size, received_at_ms";
/// Oldest rows fetched per eviction round.
const EVICTION_BATCH: i64 = 64;

/// Typed access to one bin's tables.
pub struct Captures {
    sql: SqlStorage,
}

#[derive(Deserialize)]
struct BinRow {
    id: String,
    token_digest: String,
    // Absent in bins created before private bins existed.
    #[serde(default)]
    read_token_digest: Option<String>,
    created_at_ms: i64,
    expires_at_ms: i64,
    next_seq: u64,
    capture_count: u64,
    body_bytes: u64,
}

#[derive(Deserialize)]
struct CaptureRow {
    seq: u64,
    method: String,
    path: String,
    query: String,
    headers: String,
    set_cookies: String,
    content_type: Option<String>,
    client_ip: Option<String>,
    body_size: u64,
    received_at_ms: i64,
}

#[derive(Deserialize)]
struct SizeRow {
    seq: u64,
    body_size: u64,
}

impl Captures {
    /// Wraps the object's SQL storage.
    pub fn new(sql: SqlStorage) -> Self {
        Captures { sql }
    }

    /// The bin record, or `None` if this object holds no bin. Checking the
    /// schema first keeps a lookup of an unknown bin from creating storage.
    pub fn load_meta(&self) -> Result<Option<BinMeta>, ApiError> {
        let tables: Vec<serde_json::Value> =
            rows(&self.sql, "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'bin'", vec![])?;
        if tables.is_empty() {
            return Ok(None);
        }
        migrate(&self.sql, migrations::BIN)?;
        let rows: Vec<BinRow> = rows(&self.sql, "SELECT * FROM bin LIMIT 1", vec![])?;
        Ok(rows.into_iter().next().map(|r| BinMeta {
            id: r.id,
            token_digest: r.token_digest,
            read_token_digest: r.read_token_digest,
            created_at_ms: r.created_at_ms,
            expires_at_ms: r.expires_at_ms,
            next_seq: r.next_seq,
            usage: Usage { count: r.capture_count, bytes: r.body_bytes },
        }))
    }

    /// Creates the schema and the bin record.
    pub fn create(&self, meta: &BinMeta) -> Result<(), ApiError> {
        migrate(&self.sql, migrations::BIN)?;
        run(&self.sql,
            "INSERT INTO bin (id, token_digest, read_token_digest, created_at_ms, expires_at_ms, next_seq, capture_count, body_bytes) VALUES (?, ?, ?, ?, ?, ?, 0, 0)",
            vec![
                meta.id.as_str().into(),
                meta.token_digest.as_str().into(),
                meta.read_token_digest.clone().into(),
                meta.created_at_ms.into(),
                meta.expires_at_ms.into(),
                int(meta.next_seq),
            ],
        )
    }

    /// Stores `capture` and `body`, then evicts the oldest captures until the
    /// bin is within `limits`. Returns the bin's usage afterwards.
    pub fn insert(&self, capture: &Capture, body: Vec<u8>, usage: Usage, limits: Limits) -> Result<Usage, ApiError> {
        let headers = serde_json::to_string(&capture.headers).map_err(|e| ApiError::internal(e.to_string()))?;
        let cookies = serde_json::to_string(&capture.set_cookies).map_err(|e| ApiError::internal(e.to_string()))?;
        run(
            &self.sql,
            &format!("INSERT INTO captures ({CAPTURE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
            vec![
                int(capture.seq),
                capture.method.as_str().into(),
                capture.path.as_str().into(),
                capture.query.as_str().into(),
                headers.into(),
                cookies.into(),
                capture.content_type.clone().into(),
                capture.client_ip.clone().into(),
                int(capture.body_size),
                capture.received_at_ms.into(),
            ],
        )?;
        run(&self.sql, "INSERT INTO bodies (seq, body) VALUES (?, ?)", vec![int(capture.seq), V::Blob(body)])?;
        let grown = Usage { count: usage.count + 1, bytes: usage.bytes + capture.body_size };
        let after = self.evict(grown, limits)?;
        run(
            &self.sql,
            "UPDATE bin SET next_seq = ?, capture_count = ?, body_bytes = ?",
            vec![int(capture.seq + 1), int(after.count), int(after.bytes)],
        )?;
        Ok(after)
    }

    fn evict(&self, mut usage: Usage, limits: Limits) -> Result<Usage, ApiError> {
        while usage.over(limits) {
            let oldest: Vec<SizeRow> = rows(
                &self.sql,
                "SELECT seq, body_size FROM captures ORDER BY seq LIMIT ?",
                vec![EVICTION_BATCH.into()],
            )?;
            let pairs: Vec<(u64, u64)> = oldest.iter().map(|r| (r.seq, r.body_size)).collect();
            let (drop, after) = retention::plan(usage, limits, &pairs);
            let Some(&(cut, _)) = drop.checked_sub(1).and_then(|i| pairs.get(i)) else {
                break;
            };
            run(&self.sql, "DELETE FROM captures WHERE seq <= ?", vec![int(cut)])?;
            run(&self.sql, "DELETE FROM bodies WHERE seq <= ?", vec![int(cut)])?;
            usage = after;
        }
        Ok(usage)
    }

    /// Up to `limit` captures in `namespace` older than `before_seq` (all if
    /// `None`), newest first.
    pub fn page(&self, before_seq: Option<u64>, limit: usize, namespace: &Namespace) -> Result<Vec<Capture>, ApiError> {
        let (filter, mut args) = namespace_filter(namespace);
        args.splice(0..0, [int(before_seq.unwrap_or(MAX_SAFE_SEQ))]);
        args.push(int(limit as u64));
        let query = format!("SELECT {CAPTURE_COLUMNS} FROM captures WHERE seq < ?{filter} ORDER BY seq DESC LIMIT ?");
        let rows: Vec<CaptureRow> = rows(&self.sql, &query, args)?;
        rows.into_iter().map(capture_from_row).collect()
    }

    /// The capture numbered `seq`, if still retained.
    pub fn capture(&self, seq: u64) -> Result<Option<Capture>, ApiError> {
        let rows: Vec<CaptureRow> =
            rows(&self.sql, &format!("SELECT {CAPTURE_COLUMNS} FROM captures WHERE seq = ?"), vec![int(seq)])?;
        rows.into_iter().next().map(capture_from_row).transpose()
    }
}

impl CaptureSource for Captures {
    /// Up to `limit` captures in `namespace` with `after < seq < until`, oldest first.
    fn range(&self, after: u64, until: u64, namespace: &Namespace, limit: usize) -> Result<Vec<Capture>, ApiError> {
        let (filter, mut args) = namespace_filter(namespace);
        args.splice(0..0, [int(after), int(until)]);
        args.push(int(limit as u64));
        let query =
            format!("SELECT {CAPTURE_COLUMNS} FROM captures WHERE seq > ? AND seq < ?{filter} ORDER BY seq LIMIT ?");
        let rows: Vec<CaptureRow> = rows(&self.sql, &query, args)?;
        rows.into_iter().map(capture_from_row).collect()
    }

    /// The oldest retained sequence number, if any capture is retained.
    fn oldest_seq(&self) -> Result<Option<u64>, ApiError> {
        let rows: Vec<SizeRow> = rows(&self.sql, "SELECT seq, body_size FROM captures ORDER BY seq LIMIT 1", vec![])?;
        Ok(rows.first().map(|r| r.seq))
    }

    /// The body of capture `seq` (empty if it is gone).
    fn body(&self, seq: u64) -> Result<Vec<u8>, ApiError> {
        let cursor = self.sql.exec("SELECT body FROM bodies WHERE seq = ?", vec![int(seq)]).map_err(db)?;
        for row in cursor.raw() {
            if let Some(V::Blob(bytes)) = row.map_err(db)?.into_iter().next() {
                return Ok(bytes);
            }
        }
        Ok(Vec::new())
    }
}

/// The SQL condition and arguments restricting `path` to `namespace`.
/// `substr`/`length` count characters on both sides, so non-ASCII prefixes work.
fn namespace_filter(namespace: &Namespace) -> (&'static str, Vec<V>) {
    if namespace.is_root() {
        return ("", vec![]);
    }
    let below = format!("{}/", namespace.prefix());
    (
        " AND (path = ? OR substr(path, 1, length(?)) = ?)",
        vec![namespace.prefix().into(), below.clone().into(), below.into()],
    )
}

fn capture_from_row(r: CaptureRow) -> Result<Capture, ApiError> {
    let corrupt = |e: serde_json::Error| ApiError::internal(format!("stored capture {}: {e}", r.seq));
    Ok(Capture {
        headers: serde_json::from_str(&r.headers).map_err(corrupt)?,
        set_cookies: serde_json::from_str(&r.set_cookies).map_err(corrupt)?,
        seq: r.seq,
        method: r.method,
        path: r.path,
        query: r.query,
        content_type: r.content_type,
        client_ip: r.client_ip,
        body_size: r.body_size,
        received_at_ms: r.received_at_ms,
    })
}
