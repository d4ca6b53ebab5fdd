//! The stateless Worker entry: answers what needs no bin (health, bin
//! creation, preflights, unknown routes) and forwards every bin route to
//! that bin's Durable Object.

use crate::core::bin::create::{wants_private, BinCreated};
use crate::core::bin::ids::new_bin_id;
use crate::core::bin::init::{InitDone, InitOrder, INIT_PATH};
use crate::core::bin::token::{new_token, token_digest};
use crate::core::http::assets;
use crate::core::http::cors;
use crate::core::http::error::{code_for_status, ApiError};
use crate::core::http::health::Health;
use crate::core::http::methods::Methods;
use crate::core::http::reply::Reply;
use crate::core::http::route::{self, BinRoute, Route};
use crate::core::http::target::{self, Target};
use crate::core::limits::budget::{global_shard, Budget};
use crate::core::limits::client::{client_key, prefix_key};
use crate::core::log::{self, RequestLog};
use crate::core::metrics::shard::asked_shard;
use crate::edge::io::aggregator;
use crate::edge::io::body::{drain, read_limited};
use crate::edge::io::clock::now_ms;
use crate::edge::io::internal::internal_request;
use crate::edge::io::limits;
use crate::edge::io::platform_url;
use crate::edge::io::respond::{platform, runtime_error, to_runtime};
use crate::edge::io::settings;
use crate::edge::io::to_bin::{forward, forward_wait, to_bin};
use futures::FutureExt;
use std::sync::OnceLock;
use worker::worker_sys::web_sys;
use worker::{console_log, event, Context, Env, Headers};

/// Largest `POST /v1/bins` body read, in bytes.
const CREATE_BODY_MAX_BYTES: u64 = 4096;
/// Fresh ids drawn before giving up on a create; a collision among 36^12
/// ids is already vanishingly rare.
const CREATE_ATTEMPTS: usize = 3;

static STARTED_MS: OnceLock<u64> = OnceLock::new();

#[event(start)]
fn start() {
    console_error_panic_hook::set_once();
    STARTED_MS.get_or_init(now_ms);
}

#[event(fetch)]
async fn fetch(req: web_sys::Request, env: Env, ctx: Context) -> worker::Result<web_sys::Response> {
    let started = now_ms();
    let method = req.method();
    let raw_url = req.url();
    let target = target::split(&raw_url);
    let matched = route::match_path(target.path);
    let label = matched.as_ref().map_or("unmatched", |(_, r)| r.label());
    let bin = matched.as_ref().and_then(|(_, r)| r.bin().map(str::to_string));
    let result = dispatch(&req, &method, target, matched, &env, &ctx).await;
    let (status, error) = match &result {
        Ok(response) => {
            let status = response.status();
            (status, code_for_status(status).map(str::to_string))
        }
        Err(err) => (err.status(), Some(err.message.clone())),
    };
    let record = RequestLog {
        msg: "request",
        route: label,
        method: &method,
        bin: bin.as_deref(),
        status,
        duration_ms: now_ms().saturating_sub(started),
        error: error.as_deref(),
    };
    if settings::cached(&env).map_or(true, |c| c.log_requests.logs(status)) {
        console_log!("{}", log::line(&record));
    }
    match result {
        Ok(response) => Ok(response),
        Err(err) => {
            drain(&req).await;
            runtime_error(&err)
        }
    }
}

/// Preflights and routing; bin routes go to their object untouched.
async fn dispatch(
    req: &web_sys::Request,
    method: &str,
    target: Target<'_>,
    matched: Option<(Methods, Route)>,
    env: &Env,
    ctx: &Context,
) -> Result<web_sys::Response, ApiError> {
    let headers = Headers(req.headers());
    // Only an OPTIONS request can be a preflight: other methods skip reading its headers.
    let read = |name: &str| if method == "OPTIONS" { headers.get(name).ok().flatten() } else { None };
    let (origin, requested) = (read("origin"), read("access-control-request-method"));
    if cors::is_preflight(method, origin.as_deref(), requested.as_deref()) {
        let (methods, _) = matched.ok_or_else(|| ApiError::not_found("route not found"))?;
        let asked_headers = headers.get("access-control-request-headers").ok().flatten();
        let reply = cors::preflight(methods, requested.as_deref().unwrap_or(""), asked_headers.as_deref());
        return to_runtime(reply);
    }
    // Only bin creation and replays draw on a per-client budget here; ingest's is in the bin's object.
    // Creation, metrics, waits and the replay take are boxed (`boxed_local`): each state machine stays
    // a function of its own, compiled on first use, not inlined into every request's `dispatch`.
    let client = || client_key(headers.get("cf-connecting-ip").ok().flatten().as_deref());
    let reply = match route::accept(matched, method)? {
        Route::Bin { bin, route } => {
            if route.starts_replay() {
                limits::take(env, &client(), Budget::Replay).boxed_local().await?.check()?;
            }
            if route == BinRoute::Wait {
                return forward_wait(env, ctx, &bin, req).boxed_local().await;
            }
            return forward(env, &bin, &route, req).await;
        }
        Route::Health => health()?,
        Route::Metrics => metrics(env, target.query).boxed_local().await?,
        Route::Asset { path } => {
            let body = assets::find(&path).ok_or_else(|| ApiError::not_found("route not found"))?;
            assets::reply(&path, body, headers.get("if-none-match").ok().flatten().as_deref())
        }
        Route::CreateBin => create(req, &headers, env).boxed_local().await?,
    };
    to_runtime(reply)
}

async fn metrics(env: &Env, query: &str) -> Result<Reply, ApiError> {
    let only = asked_shard(query)?;
    let config = settings::cached(env)?;
    let cache_ms = i64::try_from(config.metrics_cache_ms).unwrap_or(i64::MAX);
    aggregator::render(env, config.metrics_shards, only, cache_ms).await
}

/// `POST /v1/bins`: the client's, its network's and the service's creation
/// budgets, in that order, then a new bin.
async fn create(req: &web_sys::Request, headers: &Headers, env: &Env) -> Result<Reply, ApiError> {
    let ip = headers.get("cf-connecting-ip").ok().flatten();
    let client = client_key(ip.as_deref());
    // The client's and its network's budgets come before the global one, so one crowd cannot drain it for everyone.
    let limit = limits::take_creation(env, &client, prefix_key(ip.as_deref()).as_deref()).await?;
    limit.check()?;
    let shards = settings::cached(env)?.create_global_shards();
    limits::take(env, &global_shard(&client, shards), Budget::CreateGlobal).await?.check()?;
    let private = wants_private(&read_limited(req, CREATE_BODY_MAX_BYTES).await?)?;
    let base = settings::cached(env)?.base_url_for(&platform_url::request_url(&req.url())?);
    let created = create_bin(env, &base, private).await?;
    Ok(created.headers(limit.headers()))
}

fn health() -> Result<Reply, ApiError> {
    let started = *STARTED_MS.get_or_init(now_ms);
    let uptime_seconds = now_ms().saturating_sub(started) / 1000;
    Reply::json(200, &Health { status: "ok", implementation: "rust", uptime_seconds })
}

async fn create_bin(env: &Env, base_url: &str, private: bool) -> Result<Reply, ApiError> {
    let token = new_token()?;
    let read_token = if private { Some(new_token()?) } else { None };
    for _ in 0..CREATE_ATTEMPTS {
        let id = new_bin_id()?;
        let order = InitOrder {
            id: id.clone(),
            token_digest: token_digest(&token),
            read_token_digest: read_token.as_deref().map(token_digest),
        };
        let mut answer = worker::Response::from(to_bin(env, &id, &init_request(&order)?).await?);
        match answer.status_code() {
            201 => {
                let done: InitDone = answer.json().await.map_err(platform("init answer"))?;
                let mut created = BinCreated::new(base_url, &id, token, done.expires_at_ms);
                created.read_token = read_token;
                return Reply::json(201, &created);
            }
            409 => continue,
            status => return Err(ApiError::internal(format!("bin init answered {status}"))),
        }
    }
    Err(ApiError::internal("could not find a free bin id"))
}

fn init_request(order: &InitOrder) -> Result<web_sys::Request, ApiError> {
    let body = serde_json::to_string(order).map_err(|e| ApiError::internal(e.to_string()))?;
    internal_request(&format!("https://bin{INIT_PATH}"), "POST", Some(&body), None).map_err(platform("init request"))
}
