//! `GET /v1/bins/{id}/wait`: one bounded scan of what is stored, then a
//! waiter woken by the matching capture's own ingest (no polling), until
//! its time runs out, its client leaves (the Worker says so on
//! [`crate::core::wait::LEAVE_PATH`]), or the bin ends.

use super::BinObject;
use crate::core::bin::meta::BinMeta;
use crate::core::capture::model::Capture;
use crate::core::http::error::ApiError;
use crate::core::http::reply::Reply;
use crate::core::limits::client::client_key;
use crate::core::search::scan::{self, Order};
use crate::core::stream::backlog::CaptureSource;
use crate::core::wait::plan::{Start, WaitPlan};
use crate::core::wait::waiters::{Full, Waiters};
use crate::core::wait::KEY_HEADER;
use crate::edge::io::incoming::Incoming;
use futures::channel::oneshot;
use futures::future::{select, Either};
use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;
use worker::Delay;

/// What wakes a waiter: the capture (and its body, if asked for), or
/// `None` when the bin ended.
pub(super) type Woken = Option<(Capture, Option<Vec<u8>>)>;

/// How a waiter is answered.
pub(super) struct WaitReply {
    /// It asked for the body.
    pub body: bool,
    /// The Worker's key for it, to take it out when its client leaves.
    pub key: Option<String>,
    pub tx: oneshot::Sender<Woken>,
}

/// The bin's waiters.
pub(super) type WaitSet = Rc<RefCell<Waiters<WaitReply>>>;

/// Header of a `204` whose bounded scan stopped before the newest capture:
/// wait again with `after` set to it.
const CONTINUE_AFTER: &str = "x-polyhook-continue-after";

impl BinObject {
    /// Answers the first capture after the plan's start that matches, `204` at the timeout.
    pub(super) async fn await_capture(
        &self,
        req: &Incoming,
        meta: &BinMeta,
        query: &str,
        now: i64,
    ) -> Result<Reply, ApiError> {
        let config = self.config()?;
        let plan = WaitPlan::parse(&meta.id, query, now, config.wait_max_s)?;
        let client = client_key(req.headers().get("cf-connecting-ip").ok().flatten().as_deref());
        // A filtered scan costs what a filtered list does.
        let limit = if plan.filter.only_namespace() { None } else { Some(self.take_search_of(&client, now)?) };
        let next_seq = self.bin().map_or(meta.next_seq, |m| m.next_seq);
        let mut window = self.scan_window(&plan.filter, Some(next_seq))?;
        window.after = window.after.max(match plan.start {
            Start::AfterSeq(seq) => seq,
            Start::Since(t) => self.captures().time_window(Some(t), None)?.after,
        });
        let found = scan::find(&self.captures(), &plan.filter, window, Order::OldestFirst, 1, self.scan_budget()?)?;
        let headers = limit.map(|l| l.headers()).unwrap_or_default();
        if let Some(capture) = found.items.first() {
            let body = if plan.body { Some(self.captures().body(capture.seq)?) } else { None };
            return Ok(Reply::json(200, &capture.view(&meta.id, body.as_deref()))?.headers(headers));
        }
        if let Some(next) = found.next {
            return Ok(Reply::empty(204).header(CONTINUE_AFTER, &next.to_string()).headers(headers));
        }
        if plan.timeout_ms == 0 {
            return Ok(Reply::empty(204).headers(headers));
        }
        // Everything stored was looked at, with no await since: live captures start at next_seq.
        let after = window.after.max(next_seq.saturating_sub(1));
        let caps = (config.wait_max_per_bin, config.wait_max_per_client);
        let (tx, rx) = oneshot::channel();
        let key = req.headers().get(KEY_HEADER).ok().flatten();
        let reply = WaitReply { body: plan.body, key, tx };
        let id = self.waits.borrow_mut().admit(&client, plan.filter, after, reply, caps).map_err(Full::error)?;
        let _leave = Leave { waits: Rc::clone(&self.waits), id };
        let timeout_ms = u64::try_from(plan.timeout_ms).unwrap_or(0);
        match select(rx, Delay::from(Duration::from_millis(timeout_ms))).await {
            Either::Left((Ok(Some((capture, body))), _)) => {
                Ok(Reply::json(200, &capture.view(&meta.id, body.as_deref()))?.headers(headers))
            }
            Either::Left((Ok(None), _)) => Err(ApiError::bin_not_found()),
            // Taken out because its client left: the answer goes nowhere.
            Either::Left((Err(_), _)) => Ok(Reply::empty(204)),
            Either::Right(_) => Ok(Reply::empty(204).headers(headers)),
        }
    }

    /// Wakes the waiters `capture` (stored, with `body` if a waiter needs it) satisfies.
    pub(super) fn wake_waiters(&self, capture: &Capture, body: Option<&[u8]>) {
        if self.waits.borrow().is_empty() {
            return;
        }
        for waiter in self.waits.borrow_mut().woken_by(capture, body) {
            let body = if waiter.reply.body { body.map(<[u8]>::to_vec) } else { None };
            let _ = waiter.reply.tx.send(Some((capture.clone(), body)));
        }
    }

    /// A copy of `body` for the waiters, if one wants bodies or searches them.
    pub(super) fn body_for_waiters(&self, body: &[u8]) -> Option<Vec<u8>> {
        let waits = self.waits.borrow();
        waits.any(|w| w.reply.body || w.filter.q.is_some()).then(|| body.to_vec())
    }

    /// The Worker's word that the client of waiter `key` left: it goes at once.
    pub(super) fn leave_wait(&self, key: &str) {
        self.waits.borrow_mut().remove_if(|w| w.reply.key.as_deref() == Some(key));
    }

    /// The bin ended: every waiter gets the 404.
    pub(super) fn end_waiters(&self) {
        for waiter in self.waits.borrow_mut().drain() {
            let _ = waiter.reply.tx.send(None);
        }
    }
}

/// Takes a waiter out however its request ends.
struct Leave {
    waits: WaitSet,
    id: u64,
}

impl Drop for Leave {
    fn drop(&mut self) {
        if let Ok(mut waits) = self.waits.try_borrow_mut() {
            waits.remove(self.id);
        }
    }
}
