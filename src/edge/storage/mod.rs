//! A bin object's SQLite storage: one `.sql` file per table, numbered
//! migrations, and typed access to captures and replays.

pub mod captures;
pub mod migrations;
pub mod replays;
pub mod sql;
