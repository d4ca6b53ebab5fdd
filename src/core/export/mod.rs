//! Taking captures elsewhere: HAR 1.2 and NDJSON, written entry by entry
//! so an export of any size streams.

pub mod document;
pub mod har;
