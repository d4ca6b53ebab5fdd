//! Numbered schema migrations. Each object records the version its
//! storage is at in `schema_version`; opening it applies the missing ones in
//! order, in one synchronous step. Objects written before versions were
//! recorded start at 0: the first two migrations only create what is
//! missing (`IF NOT EXISTS`), so re-running them over such storage is safe;
//! later ones alter, and run exactly once.

use super::sql::{rows, run};
use crate::core::http::error::ApiError;
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

const VERSION_TABLE: &str = "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)";

#[derive(serde::Deserialize)]
struct Version {
    version: i64,
}

/// Brings `sql` up to the last of `migrations`; returns the version now.
pub fn migrate(sql: &SqlStorage, migrations: &[Migration]) -> Result<usize, ApiError> {
    run(sql, VERSION_TABLE, vec![])?;
    let found: Vec<Version> = rows(sql, "SELECT version FROM schema_version", vec![])?;
    let at = found.first().map_or(0, |v| usize::try_from(v.version).unwrap_or(0));
    for migration in migrations.iter().skip(at) {
        for file in *migration {
            statements(file).iter().try_for_each(|s| run(sql, s, vec![]))?;
        }
    }
    let now = migrations.len().max(at);
    if now != at || found.is_empty() {
        run(sql, "DELETE FROM schema_version", vec![])?;
        run(sql, "INSERT INTO schema_version (version) VALUES (?)", vec![(now as i64).into()])?;
    }
    Ok(now)
}

/// The statements of a schema file: `--` comment lines dropped first (they
/// may hold a `;`), then split on `;`, blanks dropped. A trigger's body
/// holds `;`s of its own and ends at `END`, so it stays one statement.
fn statements(file: &'static str) -> Vec<String> {
    let code: Vec<&str> = file.lines().filter(|l| !l.trim_start().starts_with("--")).collect();
    let mut found = Vec::new();
    let mut current = String::new();
    for piece in code.join("\n").split_inclusive(';') {
        current.push_str(piece);
        let upper = current.to_ascii_uppercase();
        let open_trigger = upper.contains("CREATE TRIGGER") && !upper.trim_end_matches(';').trim_end().ends_with("END");
        if !open_trigger {
            let statement = current.trim().trim_end_matches(';').trim();
            if !statement.is_empty() {
                found.push(statement.to_string());
            }
            current.clear();
        }
    }
    found
}
