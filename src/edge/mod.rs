//! Cloudflare Workers glue: the stateless Worker entry and the per-bin
//! Durable Object. Every decision is delegated to `crate::core`.

mod bin_object;
mod body;
mod entry;
mod forward;
mod ingest;
mod ip_limiter;
mod metrics_object;
mod metrics_sink;
mod replay_store;
mod replayer;
mod replays;
mod respond;
mod settings;
mod sql;
mod sse_writer;
mod store;
mod stream;
