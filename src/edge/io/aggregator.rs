//! Talking to the one metrics aggregator object: delivering a source's
//! batch, and asking for the exposition text that `/metrics` serves.

use super::respond::platform;
use crate::core::http::error::ApiError;
use crate::core::http::reply::Reply;
use crate::core::metrics::batch::Batch;
use crate::core::metrics::exposition::CONTENT_TYPE;
use worker::{Env, Method, Request, RequestInit, Stub};

/// Binding name of the aggregator namespace in wrangler.toml.
const METRICS: &str = "METRICS";
/// Name of the one aggregator object.
const AGGREGATOR: &str = "all";
const BATCH_URL: &str = "https://metrics/batch";
const RENDER_URL: &str = "https://metrics/render";

/// The aggregator's stub.
pub fn aggregator(env: &Env) -> worker::Result<Stub> {
    env.durable_object(METRICS)?.get_by_name(AGGREGATOR)
}

/// The internal request that delivers `batch`.
pub fn batch_request(batch: &Batch) -> worker::Result<Request> {
    let body = serde_json::to_string(batch).map_err(|e| worker::Error::RustError(e.to_string()))?;
    let mut init = RequestInit::new();
    init.with_method(Method::Post).with_body(Some(body.into()));
    Request::new_with_init(BATCH_URL, &init)
}

/// Asks the aggregator for the exposition text.
pub async fn render(env: &Env) -> Result<Reply, ApiError> {
    let stub = aggregator(env).map_err(platform("metrics stub"))?;
    let mut response = stub.fetch_with_str(RENDER_URL).await.map_err(platform("metrics"))?;
    let text = response.text().await.map_err(platform("metrics answer"))?;
    Ok(Reply::bytes(200, text.into_bytes()).header("content-type", CONTENT_TYPE).header("cache-control", "no-store"))
}
