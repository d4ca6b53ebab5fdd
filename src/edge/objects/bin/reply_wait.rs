//! Senders waiting for the responder's app. Each capture the responder
//! may answer gets a slot: a one-shot channel its ingest waits on, next
//! to a timer, with no input gate held, so the bin answers other requests
//! meanwhile. The slots live in memory: a waiting sender is an open
//! request, which keeps the object awake until it is answered.

use super::BinObject;
use crate::core::capture::model::{Answered, Capture};
use crate::core::config::Config;
use crate::core::http::error::ApiError;
use crate::core::metrics::delta::LISTENER_ANSWERS;
use crate::core::reply::answer::{check, AppReply};
use crate::core::reply::notices;
use crate::core::reply::outcome::{Fallback, Replied};
use crate::core::reply::ready::may_answer;
use futures::channel::oneshot;
use futures::future::{select, Either};
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use std::time::Duration;
use worker::{console_error, Delay};

/// The open slots, by capture.
pub(super) type Slots = Rc<RefCell<HashMap<u64, oneshot::Sender<AppReply>>>>;

/// What a new capture's sender is in for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Plan {
    /// No responder: the rule or the 202, as always.
    Unasked,
    /// A responder is connected but cannot answer this one.
    FallBack(Fallback),
    /// The responder is asked; the sender waits up to this long, in ms.
    Ask(u64),
}

impl Plan {
    /// What the capture records of it when it is stored.
    pub(super) fn record(self) -> Option<Replied> {
        match self {
            Plan::Unasked => None,
            Plan::FallBack(why) => Some(Replied::fell_back(why, 0)),
            Plan::Ask(_) => Some(Replied::pending()),
        }
    }
}

/// A slot's place in [`Slots`], given up however its wait ends (an answer,
/// the timer, or the request dropped), so it never counts as waiting after.
struct OpenSlot {
    slots: Slots,
    seq: u64,
}

impl Drop for OpenSlot {
    fn drop(&mut self) {
        if let Ok(mut slots) = self.slots.try_borrow_mut() {
            slots.remove(&self.seq);
        }
    }
}

impl BinObject {
    /// Whether the responder is asked to answer the next capture.
    pub(super) fn reply_plan(&self, config: &Config) -> Plan {
        let Some((_, seat)) = self.responder() else { return Plan::Unasked };
        let slots = self.slots.borrow();
        match may_answer(&seat, slots.len(), config.reply_max_waiting, |seq| slots.contains_key(&seq)) {
            Ok(()) => Plan::Ask(config.reply_timeout_ms),
            Err(why) => Plan::FallBack(why),
        }
    }

    /// Waits up to `timeout_ms` for the app's answer to capture `seq`.
    pub(super) async fn await_app(&self, seq: u64, timeout_ms: u64) -> Result<AppReply, Fallback> {
        // The responder may have gone while the capture was published (a seat that could not be saved).
        if self.responder().is_none() {
            return Err(Fallback::Disconnected);
        }
        let (tx, rx) = oneshot::channel();
        self.slots.borrow_mut().insert(seq, tx);
        let _open = OpenSlot { slots: Rc::clone(&self.slots), seq };
        let timer = std::pin::pin!(Delay::from(Duration::from_millis(timeout_ms)));
        match select(rx, timer).await {
            Either::Left((Ok(app), _)) => Ok(app),
            // The slot was dropped: the responder went away or was replaced.
            Either::Left((Err(_), _)) => Err(Fallback::Disconnected),
            Either::Right(_) => Err(Fallback::Timeout),
        }
    }

    /// Counts one sender's dealings with the responder, by outcome.
    pub(super) fn count_answer(&self, outcome: &'static str) {
        self.metrics.record(|d| d.add(LISTENER_ANSWERS, outcome, 1.0));
    }

    /// Every waiting sender gets its fallback now.
    pub(super) fn release_waiting_senders(&self) {
        self.slots.borrow_mut().clear();
    }

    /// The responder's answer `app`: to its waiting sender, or, when none
    /// waits any more, recorded against the capture as a late answer.
    pub(super) fn on_app_answer(&self, app: AppReply) {
        let waiting = self.slots.borrow_mut().remove(&app.seq);
        let unsent = match waiting {
            Some(slot) => slot.send(app).err(),
            None => Some(app),
        };
        if let Some(app) = unsent {
            if let Err(err) = self.record_late(&app) {
                console_error!("late answer: {}", err);
            }
        }
    }

    fn record_late(&self, app: &AppReply) -> Result<(), ApiError> {
        let (Some(meta), config) = (self.bin(), self.config()?) else { return Ok(()) };
        let Some(capture) = self.captures().capture(app.seq)? else { return Ok(()) };
        // A capture forwarded again (an older checkpoint) keeps the answer its sender got.
        if capture.reply.as_ref().is_some_and(|r| r.by_listener().is_some()) {
            return Ok(());
        }
        let (answer, _) = check(app, &meta.id, false, config.reply_max_body_bytes);
        let replied = Replied::late(capture.reply, answer);
        self.captures().record_answer(app.seq, None, &replied)?;
        self.tell_viewers(&notices::response(&meta.id, app.seq, capture.answer.as_ref(), &replied));
        Ok(())
    }

    /// Records how `capture`'s sender was answered (rule `answer`, if a
    /// fallback used one, and `replied`), counts it and tells viewers. The
    /// capture is stored already: a failure here is logged, and the sender
    /// is still answered.
    pub(super) fn record_reply(
        &self,
        bin: &str,
        capture: &Capture,
        answer: Option<(usize, Answered)>,
        replied: &Replied,
    ) {
        let stored = self.captures().record_answer(capture.seq, answer.as_ref().map(|(_, a)| a), replied);
        let counted = stored.and_then(|()| answer.map_or(Ok(()), |(idx, _)| self.count_rule_use(idx)));
        if let Err(err) = counted {
            console_error!("record answer of {}: {}", capture.seq, err);
        }
        self.count_answer(replied.fallback.map_or("answered", Fallback::label));
        self.tell_viewers(&notices::response(bin, capture.seq, answer.as_ref().map(|(_, a)| a), replied));
    }
}
