//! The Durable Object that is one bin: it owns the bin's captures in its
//! SQLite storage and the alarm that ends the bin's life.

use super::body::drain;
use super::metrics_sink::Sink;
use super::respond::{error_response, platform, to_response};
use super::settings;
use super::sse_writer::SseOutlet;
use super::store::Store;
use super::stream;
use crate::core::bin::BinMeta;
use crate::core::bucket::Limiter;
use crate::core::config::Config;
use crate::core::error::ApiError;
use crate::core::events::{self, End};
use crate::core::hub::{Fanout, Hub};
use crate::core::ids::parse_request_id;
use crate::core::listing;
use crate::core::metrics::{BINS_CREATED, BINS_DELETED, BINS_EXPIRED, SSE_CUT, SSE_EVENTS_SENT};
use crate::core::model::Capture;
use crate::core::query::param;
use crate::core::reply::Reply;
use crate::core::route::{self, Route};
use crate::core::{internal, raw};
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use worker::js_sys;
use worker::wasm_bindgen::JsValue;
use worker::{durable_object, Date, DurableObject, Env, Request, Response, ScheduledTime, State};

/// One bin. `meta` caches the bin record: `None` until first loaded, then
/// `Some(None)` for "no bin here" or `Some(Some(..))`. `hub` holds the live
/// stream subscribers.
#[durable_object]
pub struct BinObject {
    pub(super) state: State,
    config: Result<Config, ApiError>,
    pub(super) meta: RefCell<Option<Option<BinMeta>>>,
    pub(super) hub: Rc<RefCell<Hub<SseOutlet>>>,
    /// Whether the keep-alive loop over `hub` runs.
    pinging: Rc<Cell<bool>>,
    /// Per-IP ingest buckets; in memory, so a restart forgives everyone.
    pub(super) limiter: RefCell<Limiter>,
    /// This bin's metrics, flushed to the aggregator in the background.
    pub(super) metrics: Sink,
}

/// Client IPs with an ingest bucket before idle ones are forgotten.
const MAX_TRACKED_CLIENTS: usize = 10_000;

pub(super) fn now_ms() -> i64 {
    Date::now().as_millis() as i64
}

/// An absolute alarm time. (An `i64` converts to an offset from now instead.)
pub(super) fn alarm_at(epoch_ms: i64) -> ScheduledTime {
    ScheduledTime::new(js_sys::Date::new(&JsValue::from_f64(epoch_ms as f64)))
}

impl DurableObject for BinObject {
    fn new(state: State, env: Env) -> Self {
        let config = settings::config(&env);
        let rate = config.as_ref().map(Config::ingest_rate).unwrap_or_else(|_| Config::default().ingest_rate());
        let limiter = RefCell::new(Limiter::new(rate, MAX_TRACKED_CLIENTS));
        let metrics = Sink::new(&env, state.id().to_string());
        let (hub, pinging) = (Rc::default(), Rc::default());
        BinObject { config, state, meta: RefCell::new(None), hub, pinging, limiter, metrics }
    }

    async fn fetch(&self, req: Request) -> worker::Result<Response> {
        // The trait clone copies the handle; the inherent `clone` would tee the body.
        let raw = Clone::clone(req.inner());
        match self.handle(req).await {
            Ok(response) => Ok(response),
            Err(err) => {
                drain(&raw).await;
                error_response(&err)
            }
        }
    }

    async fn alarm(&self) -> worker::Result<Response> {
        if let Err(err) = self.on_alarm().await {
            worker::console_error!("alarm: {}", err);
        }
        self.metrics.flush().await;
        Response::empty()
    }
}

impl BinObject {
    pub(super) fn store(&self) -> Store {
        Store::new(self.state.storage().sql())
    }

    pub(super) fn config(&self) -> Result<Config, ApiError> {
        self.config.clone()
    }

    /// Counts what one publish did.
    pub(super) fn count_fanout(&self, fanout: Fanout) {
        self.metrics.record(|d| {
            d.add(SSE_EVENTS_SENT, "", fanout.delivered as f64);
            d.add(SSE_CUT, "", fanout.cut as f64);
        });
        if fanout.cut + fanout.gone > 0 {
            self.metrics.set_clients(self.hub.borrow().len());
        }
    }

    /// True while the bin exists (it may be deleted during any `.await`).
    pub(super) fn bin_alive(&self) -> bool {
        matches!(*self.meta.borrow(), Some(Some(_)))
    }

    async fn handle(&self, req: Request) -> Result<Response, ApiError> {
        let url = req.url().map_err(platform("url"))?;
        if url.path() == internal::INIT_PATH {
            return self.init(req).await;
        }
        let route = route::resolve(&req.inner().method(), url.path())?;
        let now = now_ms();
        let meta = self.live_meta(now).await?;
        if route.reads_bin() {
            let header = req.headers().get("x-authorization").ok().flatten();
            let presented = header.or_else(|| param(url.query().unwrap_or(""), "token"));
            meta.authorize_read(presented.as_deref())?;
        }
        let reply = match route {
            Route::Stream { bin } => return self.stream(&req, bin, url.query().unwrap_or("")),
            Route::Ingest { sub_path, .. } => self.ingest(req, sub_path, url.query().unwrap_or(""), now).await?,
            Route::ListRequests { bin } => self.list(&req, &bin, url.query().unwrap_or(""))?,
            Route::GetRequest { bin, rid } => self.detail(&bin, &rid)?,
            Route::GetRaw { bin, rid } => self.raw(&bin, &rid)?,
            Route::DeleteBin { .. } => self.delete(&req, &meta).await?,
            Route::StartReplay { bin, rid } => self.start_replay(req, &url, &bin, &rid).await?,
            Route::ListReplays { bin } => self.list_replays(&bin, url.query().unwrap_or(""))?,
            Route::GetReplay { bin, n } => self.get_replay(&bin, n)?,
            Route::RetryReplay { bin, n } => self.retry_replay(&bin, n).await?,
            Route::Health | Route::Metrics | Route::Asset { .. } | Route::CreateBin => {
                return Err(ApiError::not_found("route not found"))
            }
        };
        to_response(reply).map_err(platform("response"))
    }

    /// The bin record, if the bin exists and has not expired at `now`. An
    /// expired bin is purged on the spot, whether or not its alarm has run.
    async fn live_meta(&self, now: i64) -> Result<BinMeta, ApiError> {
        let cached = self.meta.borrow().clone();
        let meta = match cached {
            Some(m) => m,
            None => {
                let loaded = self.store().load_meta()?;
                *self.meta.borrow_mut() = Some(loaded.clone());
                loaded
            }
        };
        match meta {
            Some(m) if !m.expired(now) => Ok(m),
            Some(_) => {
                self.purge(End::Expired).await?;
                Err(ApiError::bin_not_found())
            }
            None => Err(ApiError::bin_not_found()),
        }
    }

    /// Ends the bin: subscribers get the final event, then every trace of
    /// the bin goes (rows, tables and alarm). The cache says "gone" first, so
    /// requests arriving meanwhile already get 404.
    async fn purge(&self, end: End) -> Result<(), ApiError> {
        if let Some(Some(meta)) = self.meta.replace(Some(None)) {
            let closed = self.hub.borrow_mut().close_all(&events::ended(&meta.id, end));
            self.count_fanout(Fanout { delivered: closed, ..Fanout::default() });
            self.metrics.set_clients(0);
            self.metrics.record(|d| d.inc(if end == End::Deleted { BINS_DELETED } else { BINS_EXPIRED }));
        }
        let storage = self.state.storage();
        storage.delete_alarm().await.map_err(platform("delete alarm"))?;
        storage.delete_all().await.map_err(platform("delete all"))?;
        *self.meta.borrow_mut() = Some(None);
        self.metrics.flush().await;
        Ok(())
    }

    async fn init(&self, mut req: Request) -> Result<Response, ApiError> {
        let order: internal::InitOrder = req.json().await.map_err(platform("init body"))?;
        if self.store().load_meta()?.is_some() {
            return to_response(Reply::empty(409)).map_err(platform("response"));
        }
        let mut meta = BinMeta::new(&order.id, order.token_digest, now_ms(), self.config()?.bin_ttl_s);
        meta.read_token_digest = order.read_token_digest;
        self.store().create(&meta)?;
        self.state.storage().set_alarm(alarm_at(meta.expires_at_ms)).await.map_err(platform("set alarm"))?;
        let reply = Reply::json(201, &internal::InitDone { expires_at_ms: meta.expires_at_ms })?;
        *self.meta.borrow_mut() = Some(Some(meta));
        self.metrics.record(|d| d.inc(BINS_CREATED));
        to_response(reply).map_err(platform("response"))
    }

    /// Opens a stream. A failure past authorisation is answered with a
    /// retry hint, never a 5xx, so the browser keeps reconnecting.
    fn stream(&self, req: &Request, bin: String, query: &str) -> Result<Response, ApiError> {
        let next_seq = self.meta.borrow().clone().flatten().map_or(1, |m| m.next_seq);
        let last_event_id = req.headers().get("last-event-id").ok().flatten();
        let config = self.config()?;
        let bin = stream::Bin {
            hub: &self.hub,
            store: self.store(),
            id: bin,
            next_seq,
            metrics: &self.metrics,
            pinging: &self.pinging,
        };
        match stream::open(bin, &config, last_event_id.as_deref(), query) {
            Err(err) if err.status() >= 500 => {
                worker::console_error!("stream: {}", err);
                stream::refuse("temporarily unavailable").map_err(platform("stream response"))
            }
            other => other,
        }
    }

    fn list(&self, req: &Request, bin: &str, query: &str) -> Result<Reply, ApiError> {
        let params = listing::parse_params(query)?;
        let rows = self.store().page(params.before_seq, params.limit + 1, &params.namespace)?;
        let if_none_match = req.headers().get("if-none-match").ok().flatten();
        listing::page_reply(bin, &rows, params.limit, if_none_match.as_deref())
    }

    /// Capture `rid` of bin `bin` with its body, or 404.
    fn stored(&self, bin: &str, rid: &str) -> Result<(Capture, Vec<u8>), ApiError> {
        let seq = parse_request_id(bin, rid)?;
        let capture = self.store().capture(seq)?.ok_or_else(|| ApiError::not_found("request not found"))?;
        Ok((capture, self.store().body(seq)?))
    }

    fn detail(&self, bin: &str, rid: &str) -> Result<Reply, ApiError> {
        let (capture, body) = self.stored(bin, rid)?;
        Reply::json(200, &capture.view(bin, Some(&body)))
    }

    fn raw(&self, bin: &str, rid: &str) -> Result<Reply, ApiError> {
        let (capture, body) = self.stored(bin, rid)?;
        Ok(raw::raw_reply(capture.content_type.as_deref(), body))
    }

    async fn delete(&self, req: &Request, meta: &BinMeta) -> Result<Reply, ApiError> {
        meta.authorize_delete(req.headers().get("x-delete-token").ok().flatten().as_deref())?;
        self.purge(End::Deleted).await?;
        Ok(Reply::empty(204))
    }

    /// The one alarm: expires the bin when its time is up (`live_meta`
    /// purges it), else runs due replay attempts, then re-arms itself.
    async fn on_alarm(&self) -> Result<(), ApiError> {
        let meta = match self.live_meta(now_ms()).await {
            Ok(meta) => meta,
            Err(err) if err.status() == 404 => return Ok(()),
            Err(err) => return Err(err),
        };
        self.run_replays(&meta.id).await?;
        self.reschedule().await
    }
}
