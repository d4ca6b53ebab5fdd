//! A bin object's SQLite storage: one `.sql` file per table, numbered
//! migrations, and typed access to the bin record, captures, replays, response rules and verifiers.

pub mod answers;
pub mod bin;
pub mod captures;
pub mod migrations;
pub mod replays;
pub mod retention;
pub mod search;
pub mod sequences;
pub mod sql;
pub mod verifiers;
