//! Runtime plumbing the objects share: request bodies, responses, vars,
//! SSE writers and streams, outgoing fetches, metrics flushing, and the
//! hand-off from the Worker entry to a bin's object.

pub mod abort;
pub mod aggregator;
pub mod body;
pub mod clock;
pub mod export_pump;
pub mod export_set;
pub mod http_send;
pub mod incoming;
pub mod internal;
pub mod js_stream;
pub mod limits;
pub mod metrics_sink;
pub mod platform_url;
pub mod respond;
pub mod runtime_response;
pub mod settings;
pub mod sse_stream;
pub mod sse_writer;
pub mod to_bin;
