//! Talking to the metrics shards: delivering a source's batch to its shard,
//! and reading every shard for `/metrics` (all at once) and adding them up.

use super::clock::now_signed_ms;
use super::internal::internal_request;
use super::respond::platform;
use crate::core::http::error::ApiError;
use crate::core::http::reply::Reply;
use crate::core::metrics::batch::Batch;
use crate::core::metrics::exposition::{render as exposition, CONTENT_TYPE};
use crate::core::metrics::merge::{merge, ShardView};
use crate::core::metrics::shard::{shard_name, shards_to_read};
use futures::future::join_all;
use std::cell::RefCell;
use std::ops::Range;
use worker::{Env, Request, Stub};

/// Binding name of the aggregator namespace in wrangler.toml.
const METRICS: &str = "METRICS";
const BATCH_URL: &str = "https://metrics/batch";
const VIEW_URL: &str = "https://metrics/view";
/// Header on the read of shard 0: the shards configured now, so it can
/// remember the most ever read.
pub const SHARDS_HEADER: &str = "x-polyhook-shards";

/// Shard `k`'s stub.
pub fn shard(env: &Env, k: u32) -> worker::Result<Stub> {
    env.durable_object(METRICS)?.get_by_name(&shard_name(k))
}

/// The internal request that delivers `batch`.
pub fn batch_request(batch: &Batch) -> worker::Result<Request> {
    let body = serde_json::to_string(batch).map_err(|e| worker::Error::RustError(e.to_string()))?;
    internal_request(BATCH_URL, "POST", Some(&body), None).map(Request::from)
}

thread_local! {
    /// The last full scrape this isolate rendered, and when (epoch ms).
    static LAST: RefCell<Option<(i64, String)>> = const { RefCell::new(None) };
}

/// `/metrics`: every shard read at once, added up and rendered; with
/// `only`, that one shard's own part (to see how load spreads). A full
/// scrape costs one read per shard, so an isolate answers repeats within
/// `cache_ms` from its last one: public scrapes cannot multiply into every
/// shard's load.
pub async fn render(env: &Env, configured: u32, only: Option<u32>, cache_ms: i64) -> Result<Reply, ApiError> {
    let now = now_signed_ms();
    let cached = LAST
        .with_borrow(|last| last.as_ref().filter(|(at, _)| now.saturating_sub(*at) < cache_ms).map(|(_, t)| t.clone()));
    let text = match cached.filter(|_| only.is_none()) {
        Some(text) => text,
        None => {
            let text = fresh(env, configured, only).await?;
            if only.is_none() {
                LAST.set(Some((now, text.clone())));
            }
            text
        }
    };
    Ok(Reply::bytes(200, text.into_bytes()).header("content-type", CONTENT_TYPE).header("cache-control", "no-store"))
}

/// The exposition read from the shards now.
async fn fresh(env: &Env, configured: u32, only: Option<u32>) -> Result<String, ApiError> {
    let views = match only {
        Some(k) => read(env, k..k + 1, configured).await?,
        None => {
            let mut views = read(env, shards_to_read(configured, 0), configured).await?;
            let highest = views.first().map_or(0, |v| v.highest_shards);
            // A lowered METRICS_SHARDS: the shards beyond it still hold totals.
            views.extend(read(env, configured..shards_to_read(configured, highest).end, configured).await?);
            views
        }
    };
    let (totals, live) = merge(&views);
    Ok(exposition(&totals, live))
}

/// Reads `shards` concurrently; any failure fails the scrape (a partial sum
/// would make counters go backwards).
async fn read(env: &Env, shards: Range<u32>, configured: u32) -> Result<Vec<ShardView>, ApiError> {
    let answers = join_all(shards.map(|k| view(env, k, configured))).await;
    answers.into_iter().collect()
}

async fn view(env: &Env, k: u32, configured: u32) -> Result<ShardView, ApiError> {
    let configured = configured.to_string();
    let header = (k == 0).then_some((SHARDS_HEADER, configured.as_str()));
    let request = internal_request(VIEW_URL, "GET", None, header).map_err(platform("metrics request"))?.into();
    let stub = shard(env, k).map_err(platform("metrics stub"))?;
    let mut response = stub.fetch_with_request(request).await.map_err(platform("metrics"))?;
    if response.status_code() != 200 {
        return Err(ApiError::internal(format!("metrics shard {k} answered {}", response.status_code())));
    }
    response.json().await.map_err(platform("metrics answer"))
}
