//! The platform-independent core. Nothing here imports `worker`: it takes
//! time as an argument and is tested natively with `cargo test`. One folder
//! per capability; the edge (`crate::edge`) only stores, fetches and writes.

pub mod answer;
pub mod bin;
pub mod capture;
pub mod config;
pub mod config_defaults;
pub mod config_values;
pub mod export;
pub mod hex;
pub mod http;
pub mod json;
pub mod limits;
pub mod log;
pub mod metrics;
pub mod replay;
pub mod reply;
pub mod search;
pub mod sequence;
pub mod sql_script;
pub mod stream;
pub mod time;
pub mod verify;
pub mod weburl;

pub mod wait;

#[cfg(test)]
mod props_tests;
