//! The platform-independent core. Nothing here imports `worker`: it takes
//! time as an argument and is tested natively with `cargo test`.

pub mod alarm;
pub mod backoff;
pub mod bin;
pub mod bucket;
pub mod capture;
pub mod config;
pub mod cors;
pub mod cursor;
pub mod error;
pub mod etag;
pub mod events;
pub mod forward;
pub mod hub;
pub mod ids;
pub mod internal;
pub mod listing;
pub mod log;
pub mod model;
pub mod namespace;
pub mod query;
pub mod queue;
pub mod raw;
pub mod replay;
pub mod replay_list;
pub mod replay_order;
pub mod replay_view;
pub mod reply;
pub mod resume;
pub mod retention;
pub mod route;
pub mod secret;
pub mod sse;
pub mod time;
