//! A bin's captures in its SQLite storage. Statements run
//! without an `.await` between them commit together, so each public method
//! here is one atomic step.

use super::retention::evict;
use super::sql::{db, int, rows, run};
use crate::core::bin::ids::MAX_SAFE_SEQ;
use crate::core::capture::model::{Answered, Capture};
use crate::core::capture::namespace::Namespace;
use crate::core::capture::retention::{Limits, Usage};
use crate::core::http::error::ApiError;
use crate::core::reply::outcome::Replied;
use crate::core::stream::backlog::CaptureSource;
use serde::Deserialize;
use worker::{SqlStorage, SqlStorageValue as V};

/// The stored columns of a capture, in [`CaptureRow`] order.
pub(super) const CAPTURE_COLUMNS: &str = "seq, method, path, query, headers, set_cookies, content_type, client_ip, \
    body_size, received_at_ms, answer, verification, reply";
/// Stores a capture row and its body in one statement (migration v9's view).
const INSERT: &str = "INSERT INTO capture_in (seq, method, path, query, headers, set_cookies, content_type, \
    client_ip, body_size, received_at_ms, answer, verification, reply, stored_bytes, ns_path, body) \
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
/// Typed access to one bin's captures.
pub struct Captures {
    pub(super) sql: SqlStorage,
}

#[derive(Deserialize)]
pub(super) struct CaptureRow {
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
    #[serde(default)]
    answer: Option<String>,
    #[serde(default)]
    verification: Option<String>,
    #[serde(default)]
    reply: Option<String>,
}

/// A row holding only a sequence number.
#[derive(Deserialize)]
pub(super) struct SeqRow {
    pub(super) seq: u64,
}

impl Captures {
    /// Wraps the object's SQL storage.
    pub fn new(sql: SqlStorage) -> Self {
        Captures { sql }
    }

    /// Stores `capture` and `body`, then evicts the oldest captures until the
    /// bin is within `limits`. Returns the bin's usage afterwards.
    pub fn insert(&self, capture: &Capture, body: Vec<u8>, usage: Usage, limits: Limits) -> Result<Usage, ApiError> {
        let headers = serde_json::to_string(&capture.headers).map_err(|e| ApiError::internal(e.to_string()))?;
        let cookies = serde_json::to_string(&capture.set_cookies).map_err(|e| ApiError::internal(e.to_string()))?;
        let answer = json_column(capture.answer.as_ref())?;
        let verification = json_column(capture.verification.as_ref())?;
        // A sender still waiting is not stored: the answer's own write follows.
        let reply = json_column(capture.reply.as_ref().filter(|r| !r.is_pending()))?;
        run(
            &self.sql,
            INSERT,
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
                answer.into(),
                verification.into(),
                reply.into(),
                int(capture.stored_bytes()),
                capture.ns_path().into(),
                V::Blob(body),
            ],
        )?;
        let grown = Usage { count: usage.count + 1, bytes: usage.bytes + capture.stored_bytes() };
        evict(&self.sql, grown, limits)
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

    /// Records how capture `seq`'s sender was answered once that is known:
    /// its responder `reply`, and the rule `answer` of a fallback. A
    /// capture already evicted is left alone.
    pub fn record_answer(&self, seq: u64, answer: Option<&Answered>, reply: &Replied) -> Result<(), ApiError> {
        let (answer, reply) = (json_column(answer)?, json_column(Some(reply))?);
        let sql = "UPDATE captures SET answer = COALESCE(?, answer), reply = ? WHERE seq = ?";
        run(&self.sql, sql, vec![answer.into(), reply.into(), int(seq)])
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
        let rows: Vec<SeqRow> = rows(&self.sql, "SELECT seq FROM captures ORDER BY seq LIMIT 1", vec![])?;
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
pub(super) fn namespace_filter(namespace: &Namespace) -> (&'static str, Vec<V>) {
    if namespace.is_root() {
        return ("", vec![]);
    }
    let below = format!("{}/", namespace.prefix());
    (
        " AND (COALESCE(ns_path, path) = ? OR substr(COALESCE(ns_path, path), 1, length(?)) = ?)",
        vec![namespace.prefix().into(), below.clone().into(), below.into()],
    )
}

/// An optional value as a JSON text column.
pub(super) fn json_column<T: serde::Serialize>(value: Option<&T>) -> Result<Option<String>, ApiError> {
    value.map(serde_json::to_string).transpose().map_err(|e| ApiError::internal(e.to_string()))
}

pub(super) fn capture_from_row(r: CaptureRow) -> Result<Capture, ApiError> {
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
        answer: r.answer.as_deref().map(serde_json::from_str).transpose().map_err(corrupt)?,
        verification: r.verification.as_deref().map(serde_json::from_str).transpose().map_err(corrupt)?,
        reply: r.reply.as_deref().map(serde_json::from_str).transpose().map_err(corrupt)?,
    })
}
