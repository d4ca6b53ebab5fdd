//! polyhook-rs: the Rust/WebAssembly edge backend of polyhook, a webhook bin.
//!
//! `core` holds every decision and is tested natively; `edge` is the thin
//! Cloudflare Workers glue (the Worker entry and one Durable Object per bin),
//! compiled only for `wasm32`.

pub mod core;

#[cfg(target_arch = "wasm32")]
mod edge;
