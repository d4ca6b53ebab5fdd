//! Evicting a bin's oldest captures, with their replays, until it is within
//! its limits. A capture's size here is its stored bytes plus those of
//! every replay of it that is not running (a running attempt settles into
//! its row, so that one stays until it ends).

use super::sql::{int, rows, run};
use crate::core::capture::retention::{self, Limits, Usage};
use crate::core::http::error::ApiError;
use serde::Deserialize;
use worker::SqlStorage;

/// Oldest rows fetched per eviction round.
const EVICTION_BATCH: i64 = 64;

#[derive(Deserialize)]
struct SizeRow {
    seq: u64,
    size: u64,
}

const OLDEST: &str = "SELECT c.seq AS seq, COALESCE(c.stored_bytes, c.body_size) + \
    (SELECT COALESCE(SUM(r.stored_bytes), 0) FROM replays r WHERE r.request_seq = c.seq AND r.status != 'in_progress') AS size \
    FROM captures c ORDER BY c.seq LIMIT ?";

/// Evicts until `usage` is within `limits`; returns the usage after.
pub fn evict(sql: &SqlStorage, mut usage: Usage, limits: Limits) -> Result<Usage, ApiError> {
    while usage.over(limits) {
        let oldest: Vec<SizeRow> = rows(sql, OLDEST, vec![EVICTION_BATCH.into()])?;
        let pairs: Vec<(u64, u64)> = oldest.iter().map(|r| (r.seq, r.size)).collect();
        let (drop, after) = retention::plan(usage, limits, &pairs);
        let Some(&(cut, _)) = drop.checked_sub(1).and_then(|i| pairs.get(i)) else {
            break;
        };
        run(sql, "DELETE FROM captures WHERE seq <= ?", vec![int(cut)])?;
        run(sql, "DELETE FROM bodies WHERE seq <= ?", vec![int(cut)])?;
        let finished = "request_seq <= ? AND status != 'in_progress'";
        run(
            sql,
            &format!("DELETE FROM replay_attempts WHERE replay_n IN (SELECT n FROM replays WHERE {finished})"),
            vec![int(cut)],
        )?;
        run(
            sql,
            &format!("DELETE FROM replay_bodies WHERE n IN (SELECT n FROM replays WHERE {finished})"),
            vec![int(cut)],
        )?;
        run(sql, &format!("DELETE FROM replays WHERE {finished}"), vec![int(cut)])?;
        // Sequence numbers are rebuilt from the rows on load; keep a floor
        // in the record in case eviction took every capture.
        run(sql, "UPDATE bin SET next_seq = MAX(next_seq, ?)", vec![int(cut + 1)])?;
        usage = after;
    }
    Ok(usage)
}
