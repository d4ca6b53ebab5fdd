//! The HTTP surface: which path means what, the one error type and its
//! one mapping to a reply, CORS, query strings, cursors, ETags and pages.

pub mod assets;
pub mod cors;
pub mod cursor;
pub mod error;
pub mod etag;
pub mod header_block;
pub mod health;
pub mod methods;
pub mod page;
pub mod query;
pub mod reply;
pub mod route;
pub mod target;
