//! The platform-independent core. Nothing here imports `worker`: it takes
//! time as an argument and is tested natively with `cargo test`.

pub mod bin;
pub mod capture;
pub mod config;
pub mod cors;
pub mod cursor;
pub mod error;
pub mod etag;
pub mod ids;
pub mod internal;
pub mod listing;
pub mod model;
pub mod query;
pub mod raw;
pub mod reply;
pub mod retention;
pub mod route;
pub mod secret;
pub mod time;
