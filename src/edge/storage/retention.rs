//! Evicting a bin's oldest captures, with their replays, until it is within
//! its limits. A capture's size here is its stored bytes plus those of
//! every replay of it that is not running (a running attempt settles into
//! its row, so that one stays until it ends).

use super::sql::{int, rows, run};
use crate::core::capture::retention::{self, Limits, Usage};
use crate::core::http::error::ApiError;
use serde::Deserialize;
use worker::SqlStorage;

/// Most oldest rows read per eviction round.
const EVICTION_BATCH: u64 = 64;

#[derive(Deserialize)]
struct SizeRow {
    seq: u64,
    size: u64,
    /// 1 if any replay, of any status, is of this capture or an older one
    /// (one that outlived its capture's eviction, running then, included).
    replayed: u8,
}

const OLDEST: &str = "SELECT c.seq AS seq, COALESCE(c.stored_bytes, c.body_size) + \
    (SELECT COALESCE(SUM(r.stored_bytes), 0) FROM replays r WHERE r.request_seq = c.seq AND r.status != 'in_progress') AS size, \
    EXISTS (SELECT 1 FROM replays r WHERE r.request_seq <= c.seq) AS replayed \
    FROM captures c ORDER BY c.seq LIMIT ?";

/// Evicts until `usage` is within `limits`; returns the usage after. A full
/// bin evicts on every capture it takes, so a round reads only the rows it
/// needs ([`retention::batch`]), and the replay tables are left alone when
/// no replay is of an evicted capture.
pub fn evict(sql: &SqlStorage, mut usage: Usage, limits: Limits) -> Result<Usage, ApiError> {
    while usage.over(limits) {
        let batch = retention::batch(usage, limits, EVICTION_BATCH);
        let oldest: Vec<SizeRow> = rows(sql, OLDEST, vec![int(batch)])?;
        let pairs: Vec<(u64, u64)> = oldest.iter().map(|r| (r.seq, r.size)).collect();
        let (drop, after) = retention::plan(usage, limits, &pairs);
        // The newest row evicted: its seq is the cut.
        let Some(last) = drop.checked_sub(1).and_then(|i| oldest.get(i)) else {
            break;
        };
        let cut = last.seq;
        run(sql, "DELETE FROM captures WHERE seq <= ?", vec![int(cut)])?;
        run(sql, "DELETE FROM bodies WHERE seq <= ?", vec![int(cut)])?;
        if last.replayed != 0 {
            drop_replays(sql, cut)?;
        }
        // Sequence numbers are rebuilt from the rows on load; keep a floor
        // in the record in case eviction took every capture.
        run(sql, "UPDATE bin SET next_seq = MAX(next_seq, ?)", vec![int(cut + 1)])?;
        usage = after;
    }
    Ok(usage)
}

/// Deletes the finished replays of the captures up to `cut`, with their
/// attempts and edited bodies (a running one settles into its row first).
fn drop_replays(sql: &SqlStorage, cut: u64) -> Result<(), ApiError> {
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
    run(sql, &format!("DELETE FROM replays WHERE {finished}"), vec![int(cut)])
}
