//! Captured requests: building one from what arrived, its stored and wire
//! forms, namespaces over its path, listing, raw bodies and retention.

pub mod build;
pub mod listing;
pub mod model;
pub mod namespace;
pub mod raw;
pub mod response;
pub mod retention;
pub mod view;
