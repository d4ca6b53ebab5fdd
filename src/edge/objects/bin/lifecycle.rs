//! A bin's life in its object: creation from the entry's order, loading
//! and expiry, deletion, and the one alarm that expires it and runs its
//! replays.

use super::ticket::new_key;
use super::{now_ms, BinObject, Known};
use crate::core::bin::init::{InitDone, InitOrder};
use crate::core::bin::meta::BinMeta;
use crate::core::hex::hex;
use crate::core::http::error::ApiError;
use crate::core::http::reply::Reply;
use crate::core::metrics::delta::{BINS_CREATED, BINS_DELETED, BINS_EXPIRED};
use crate::core::replay::runner::ReplayRepo;
use crate::core::replay::wake::next_wake_ms;
use crate::core::stream::events::{self, End};
use crate::core::stream::hub::Fanout;
use crate::edge::io::body::read_limited;
use crate::edge::io::incoming::Incoming;
use crate::edge::io::respond::{platform, to_runtime};
use worker::js_sys;
use worker::wasm_bindgen::JsValue;
use worker::worker_sys::web_sys;
use worker::{console_error, Response, ScheduledTime};

/// Largest init order read, bytes (an id and two token digests).
const INIT_MAX_BYTES: u64 = 4096;
/// Wait before the alarm tries again when pending work could not be read, ms.
const UNREADABLE_RETRY_MS: i64 = 30_000;
/// Least wait before due replay work runs again after a failed alarm run, ms.
const FAILED_RETRY_MS: i64 = 1_000;

/// An absolute alarm time. (An `i64` converts to an offset from now instead.)
pub(super) fn alarm_at(epoch_ms: i64) -> ScheduledTime {
    ScheduledTime::new(js_sys::Date::new(&JsValue::from_f64(epoch_ms as f64)))
}

impl BinObject {
    /// The bin record, if the bin exists and has not expired at `now`. An
    /// expired bin is purged on the spot, whether or not its alarm has run.
    pub(super) async fn live_meta(&self, now: i64) -> Result<BinMeta, ApiError> {
        if matches!(*self.known.borrow(), Known::Unread) {
            let loaded = self.record().load()?;
            *self.known.borrow_mut() = loaded.map_or(Known::NoBin, Known::Bin);
        }
        match self.bin() {
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
        if let Known::Bin(meta) = self.known.replace(Known::NoBin) {
            let last = events::ended(&meta.id, end);
            self.end_sockets(&last);
            self.end_waiters();
            let closed = self.hub.borrow_mut().close_all(&last);
            self.count_fanout(Fanout { delivered: closed, ..Fanout::default() });
            self.metrics.set_clients(0);
            self.exports.borrow_mut().end_all(&format!("export ended: the bin was {}", end.name()));
            self.metrics.record(|d| d.inc(if end == End::Deleted { BINS_DELETED } else { BINS_EXPIRED }));
        }
        let storage = self.state.storage();
        storage.delete_alarm().await.map_err(platform("delete alarm"))?;
        storage.delete_all().await.map_err(platform("delete all"))?;
        *self.known.borrow_mut() = Known::NoBin;
        *self.rules.borrow_mut() = None;
        *self.verifiers.borrow_mut() = None;
        self.metrics.flush().await;
        Ok(())
    }

    /// Creates the bin from the entry's order; 409 if the id is taken.
    pub(super) async fn init(&self, req: Incoming) -> Result<web_sys::Response, ApiError> {
        let body = read_limited(req.inner(), INIT_MAX_BYTES).await?;
        let order: InitOrder =
            serde_json::from_slice(&body).map_err(|e| ApiError::internal(format!("init body: {e}")))?;
        if self.record().load()?.is_some() {
            return to_runtime(Reply::empty(409));
        }
        let mut meta = BinMeta::new(&order.id, order.token_digest, now_ms(), self.config()?.bin_ttl_s);
        meta.read_token_digest = order.read_token_digest;
        meta.ticket_key = Some(hex(&new_key()?));
        self.record().create(&meta, self.metrics.shard())?;
        self.state.storage().set_alarm(alarm_at(meta.expires_at_ms)).await.map_err(platform("set alarm"))?;
        let reply = Reply::json(201, &InitDone { expires_at_ms: meta.expires_at_ms })?;
        *self.known.borrow_mut() = Known::Bin(meta);
        self.metrics.record(|d| d.inc(BINS_CREATED));
        to_runtime(reply)
    }

    /// `DELETE /v1/bins/{id}` with the delete token.
    pub(super) async fn delete(&self, req: &Incoming, meta: &BinMeta) -> Result<Reply, ApiError> {
        self.authorize_owner(req, meta)?;
        self.purge(End::Deleted).await?;
        Ok(Reply::empty(204))
    }

    /// The one alarm: expires the bin when its time is up (`live_meta`
    /// purges it), else runs due replay attempts. Whatever failed, it then
    /// re-arms for the earliest work left; only when even that fails does
    /// it return an error, so the runtime retries the alarm.
    pub(super) async fn on_alarm(&self) -> worker::Result<Response> {
        self.close_unauthorized(now_ms());
        let work = match self.live_meta(now_ms()).await {
            Ok(meta) => self.run_work(&meta.id).await,
            Err(err) if err.status() == 404 => Ok(()),
            Err(err) => Err(err),
        };
        if let Err(err) = &work {
            console_error!("alarm: {}", err);
        }
        let rearmed = self.reschedule_after(work.is_err()).await;
        self.metrics.flush().await;
        match rearmed {
            Ok(()) => Response::empty(),
            Err(err) => {
                console_error!("alarm: re-arm failed: {}", err);
                Err(worker::Error::RustError(err.to_string()))
            }
        }
    }

    /// Due sequence steps become replays, due replays are sent, and the
    /// steps whose replay ended are counted; one failing does not stop the others.
    async fn run_work(&self, bin: &str) -> Result<(), ApiError> {
        let steps = self.run_sequences(bin).await;
        let replays = self.run_replays(bin).await;
        let settled = self.settle_steps();
        steps.and(replays).and(settled)
    }

    /// Points the one alarm at the earliest of expiry and pending replay
    /// work. If the replays cannot be read, it tries again soon.
    pub(super) async fn reschedule(&self) -> Result<(), ApiError> {
        self.reschedule_after(false).await
    }

    /// As [`Self::reschedule`]; after a failed run, replay work that is
    /// already due waits a little, so a fault that repeats cannot spin the
    /// alarm (expiry still comes on time).
    async fn reschedule_after(&self, failed: bool) -> Result<(), ApiError> {
        let Some(meta) = self.bin() else { return Ok(()) };
        let steps = self.next_sequence_step();
        let wake = match (self.replays().pending(), steps) {
            (Ok(pending), Ok(step)) => step.map_or(next_wake_ms(meta.expires_at_ms, &pending), |s| {
                s.min(next_wake_ms(meta.expires_at_ms, &pending))
            }),
            (Err(err), _) | (_, Err(err)) => {
                console_error!("alarm: replays or sequences unreadable, retrying soon: {}", err);
                meta.expires_at_ms.min(now_ms() + UNREADABLE_RETRY_MS)
            }
        };
        let wake = if failed { wake.max(now_ms() + FAILED_RETRY_MS).min(meta.expires_at_ms) } else { wake };
        // A private bin's socket still owes its token: wake to close it if it never comes.
        let wake = self.close_unauthorized(now_ms()).map_or(wake, |deadline| wake.min(deadline));
        self.state.storage().set_alarm(alarm_at(wake)).await.map_err(platform("set alarm"))
    }
}
