//! Numbered schema migrations. Each object records the version its
//! storage is at in `schema_version`; opening it applies the missing ones in
//! order, in one synchronous step. Objects written before versions were
//! recorded start at 0: the first two migrations only create what is
//! missing (`IF NOT EXISTS`), so re-running them over such storage is safe;
//! later ones alter, and run exactly once.

use super::sql::{rows, run};
use crate::core::http::error::ApiError;
use crate::core::sql_script::migration_script;
use worker::SqlStorage;

/// One migration: the schema files it runs, in order.
pub type Migration = &'static [&'static str];

/// The bin object's migrations; version `n` is entry `n - 1`.
pub const BIN: &[Migration] = &[
    &[include_str!("schema/bin.sql"), include_str!("schema/captures.sql"), include_str!("schema/bodies.sql")],
    &[include_str!("schema/replays.sql"), include_str!("schema/replay_attempts.sql")],
    &[include_str!("schema/v3_public_limits.sql")],
    &[include_str!("schema/responses.sql"), include_str!("schema/v4_answers.sql")],
    &[include_str!("schema/v5_verify.sql")],
    &[include_str!("schema/v6_metrics_shard.sql")],
    &[include_str!("schema/v7_replies.sql")],
    &[include_str!("schema/v8_replay_edits.sql"), include_str!("schema/v8_sequences.sql")],
    &[include_str!("schema/v9_capture_in.sql")],
];

/// The metrics aggregator's migrations.
pub const METRICS: &[Migration] = &[
    &[include_str!("schema/metrics_totals.sql"), include_str!("schema/metrics_sources.sql")],
    &[include_str!("schema/v2_metrics_sockets.sql")],
    &[include_str!("schema/v3_metrics_shards_seen.sql")],
];

/// The version table made sure of and read, in one call: the runtime
/// answers with the rows of a script's last statement.
const READ_VERSION: &str =
    "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL); SELECT version FROM schema_version";

#[derive(serde::Deserialize)]
struct Version {
    version: i64,
}

/// Brings `sql` up to the last of `migrations`; returns the version now.
/// The pending files and the new version go to SQLite as one script, so a
/// new bin's schema is one call into the runtime, not one per statement.
pub fn migrate(sql: &SqlStorage, migrations: &[Migration]) -> Result<usize, ApiError> {
    let found: Vec<Version> = rows(sql, READ_VERSION, vec![])?;
    let at = found.first().map_or(0, |v| usize::try_from(v.version).unwrap_or(0));
    let now = migrations.len().max(at);
    if now != at || found.is_empty() {
        let pending = migrations.get(at..).unwrap_or_default().iter().flat_map(|m| m.iter().copied());
        run(sql, &migration_script(pending, now), vec![])?;
    }
    Ok(now)
}
