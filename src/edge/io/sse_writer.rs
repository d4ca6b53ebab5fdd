//! A subscriber's stream as a [`pipe`]: frames are written straight into
//! its writable side, and its readable side is the response body, so a
//! delivery is one write with no Rust future, task or per-subscriber copy
//! per event.

use super::js_stream::{pipe, PipeWriter};
use crate::core::stream::gate::{Admit, Gate};
use crate::core::stream::outlet::{fits, Offer, Outlet};
use crate::core::stream::sse::Frame;
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use worker::js_sys::Uint8Array;
use worker::wasm_bindgen::JsValue;
use worker::wasm_bindgen_futures::JsFuture;
use worker::worker_sys::web_sys::ReadableStream;

thread_local! {
    /// The last frame's bytes in JS memory: one publish writes the same
    /// frame to every subscriber, so it crosses the wasm boundary once.
    static LAST: RefCell<Option<(Frame, Uint8Array)>> = const { RefCell::new(None) };
}

fn js_bytes(frame: &Frame) -> Uint8Array {
    LAST.with(|last| {
        let mut last = last.borrow_mut();
        match last.as_ref() {
            Some((f, bytes)) if Rc::ptr_eq(f, frame) => bytes.clone(),
            _ => {
                let bytes = Uint8Array::from(frame.as_bytes());
                *last = Some((frame.clone(), bytes.clone()));
                bytes
            }
        }
    })
}

struct Inner {
    writer: PipeWriter,
    gate: RefCell<Gate>,
    max_bytes: usize,
    /// Set once this side closed or cut the stream.
    ended: Cell<bool>,
}

/// One subscriber's stream; clones share it.
#[derive(Clone)]
pub struct SseOutlet(Rc<Inner>);

/// A new stream allowing `max_bytes` of unread events, and the body to
/// answer with. It starts catching up: live frames wait until [`SseOutlet::go_live`].
pub fn open(max_bytes: usize) -> Result<(SseOutlet, ReadableStream), JsValue> {
    let (writer, readable) = pipe(max_bytes)?;
    let inner = Inner { writer, gate: RefCell::new(Gate::new(max_bytes)), max_bytes, ended: Cell::new(false) };
    Ok((SseOutlet(Rc::new(inner)), readable))
}

impl SseOutlet {
    /// Bytes waiting for the client, or `None` once the stream is over.
    fn queued_bytes(&self) -> Option<usize> {
        if self.0.ended.get() {
            return None;
        }
        let left = self.0.writer.desired_size()?;
        Some((self.0.max_bytes as f64 - left).max(0.0) as usize)
    }

    /// True while the stream is open and nothing waits for its client.
    pub fn is_idle(&self) -> bool {
        self.queued_bytes() == Some(0)
    }

    /// True once the held live frames fit the budget on top of what the
    /// client has yet to read (or nothing is waiting), so going live will
    /// not leave the stream over budget; `None` once the client is gone.
    pub fn has_room_for_held(&self) -> Option<bool> {
        let queued = self.queued_bytes()?;
        Some(queued == 0 || queued + self.0.gate.borrow().held_bytes() <= self.0.max_bytes)
    }

    /// Writes `frame` now, whatever the budget; false if the client is gone.
    pub fn write(&self, frame: &Frame) -> bool {
        if self.queued_bytes().is_none() {
            return false;
        }
        self.0.writer.send(&js_bytes(frame));
        true
    }

    /// Waits until the stream is over (closed, cut, or its client left).
    pub async fn over(&self) {
        let _ = JsFuture::from(self.0.writer.closed()).await;
    }

    /// Ends the stream after what is queued, dropping held live frames:
    /// the last event written says where the client resumes.
    pub fn close(&self) {
        if !self.0.ended.replace(true) {
            self.0.writer.finish();
        }
    }

    /// Waits until the client has read enough for the budget to have room.
    pub async fn drained(&self) {
        let _ = JsFuture::from(self.0.writer.ready()).await;
    }

    /// The backlog is out: writes the held live frames and turns live.
    /// True if a final frame was among them and the stream is now closed.
    pub fn go_live(&self) -> bool {
        let (held, finished) = self.0.gate.borrow_mut().go_live();
        for frame in &held {
            self.write(frame);
        }
        if finished {
            self.close();
        }
        finished
    }
}

impl Outlet for SseOutlet {
    fn offer(&self, frame: &Frame) -> Offer {
        let Some(queued) = self.queued_bytes() else { return Offer::Gone };
        match self.0.gate.borrow_mut().admit(frame) {
            Admit::Held => Offer::Queued,
            Admit::Full => Offer::Full,
            Admit::Write if !fits(queued, frame.len(), self.0.max_bytes) => Offer::Full,
            Admit::Write => {
                self.0.writer.send(&js_bytes(frame));
                Offer::Queued
            }
        }
    }

    fn finish(&self, frame: &Frame) {
        if !self.0.gate.borrow_mut().hold_final(frame) {
            self.write(frame);
            self.close();
        }
    }

    fn cut(&self) {
        if !self.0.ended.replace(true) {
            self.0.writer.terminate();
        }
    }

    fn is_gone(&self) -> bool {
        self.queued_bytes().is_none()
    }
}
