//! Cloudflare Workers glue: the stateless Worker entry, the Durable
//! Objects, their storage, and runtime plumbing. Every decision is
//! delegated to `crate::core`.

mod entry;
mod io;
mod objects;
mod storage;
