//! Numbered schema migrations. Each object records the version its
//! storage is at in `schema_version`; opening it applies the missing ones in
//! order, in one synchronous step. New storage is written in its final form
//! at once where the schema has one (a new bin's 15 tables, indexes, view
//! and trigger, not nine steps of `CREATE`s and `ALTER`s); the steps stay for
//! storage written by older code. Objects written before versions were
//! recorded start at 0: the first two migrations only create what is
//! missing (`IF NOT EXISTS`), so re-running them over such storage is safe;
//! later ones alter, and run exactly once. `tests/schema.test.mjs` holds a
//! schema's final form to what its steps build.

use super::sql::{rows, run};
use crate::core::http::error::ApiError;
use crate::core::sql_script::{upgrade, Found};
use worker::SqlStorage;

/// One migration: the schema files it runs, in order.
pub type Migration = &'static [&'static str];

/// An object's schema: the steps that bring older storage up to date, and
/// the same end state for new storage, written at once.
pub struct Schema {
    /// Version `n` is entry `n - 1`.
    pub steps: &'static [Migration],
    /// What the steps build, in one file.
    pub fresh: Option<&'static str>,
}

/// The bin object's schema.
pub const BIN: Schema = Schema { steps: BIN_STEPS, fresh: Some(include_str!("schema/bin_fresh.sql")) };

/// The metrics aggregator's schema: a shard's storage is created once, so it
/// has only its steps.
pub const METRICS: Schema = Schema { steps: METRICS_STEPS, fresh: None };

const BIN_STEPS: &[Migration] = &[
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

const METRICS_STEPS: &[Migration] = &[
    &[include_str!("schema/metrics_totals.sql"), include_str!("schema/metrics_sources.sql")],
    &[include_str!("schema/v2_metrics_sockets.sql")],
    &[include_str!("schema/v3_metrics_shards_seen.sql")],
];

/// The version table made sure of, then the version and whether any other
/// table exists, in one call: the runtime answers with the rows of a
/// script's last statement.
const READ_VERSION: &str = "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL); \
    SELECT (SELECT version FROM schema_version) AS version, \
    EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name != 'schema_version') AS tables";

#[derive(serde::Deserialize)]
struct Opened {
    version: Option<i64>,
    tables: i64,
}

/// Brings `sql` up to the last step of `schema`, in one call into the
/// runtime when anything is missing.
pub fn migrate(sql: &SqlStorage, schema: &Schema) -> Result<(), ApiError> {
    let opened = rows::<Opened>(sql, READ_VERSION, vec![])?.pop();
    let found = match opened {
        Some(Opened { version: Some(v), .. }) => Found::Version(usize::try_from(v).unwrap_or(0)),
        Some(Opened { tables, .. }) if tables != 0 => Found::Unversioned,
        _ => Found::Nothing,
    };
    match upgrade(found, schema.steps, schema.fresh) {
        Some(script) => run(sql, &script, vec![]),
        None => Ok(()),
    }
}
