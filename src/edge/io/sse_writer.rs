//! A subscriber's stream as a JavaScript `TransformStream`: frames are
//! written straight into its writable side, and its readable side is the
//! response body, so a delivery is one write with no Rust future, task or
//! per-subscriber copy per event. The writable side counts bytes
//! (`ByteLengthQueuingStrategy`), so its `desiredSize` says how far behind
//! the client is.

use crate::core::stream::gate::{Admit, Gate};
use crate::core::stream::outlet::{fits, Offer, Outlet};
use crate::core::stream::sse::Frame;
use std::cell::RefCell;
use std::rc::Rc;
use worker::js_sys::{Object, Promise, Reflect, Uint8Array};
use worker::wasm_bindgen::prelude::*;
use worker::wasm_bindgen_futures::JsFuture;
use worker::worker_sys::web_sys::ReadableStream;

#[wasm_bindgen]
extern "C" {
    type TransformStream;
    #[wasm_bindgen(constructor, catch)]
    fn new(transformer: &JsValue, writable_strategy: &JsValue) -> Result<TransformStream, JsValue>;
    #[wasm_bindgen(method, getter)]
    fn readable(this: &TransformStream) -> ReadableStream;
    #[wasm_bindgen(method, getter)]
    fn writable(this: &TransformStream) -> WritableStream;

    type WritableStream;
    #[wasm_bindgen(method, catch, js_name = getWriter)]
    fn get_writer(this: &WritableStream) -> Result<Writer, JsValue>;

    type Writer;
    /// Budget left in bytes; `None` once the stream errored (client gone).
    #[wasm_bindgen(method, getter, js_name = desiredSize)]
    fn desired_size(this: &Writer) -> Option<f64>;
    #[wasm_bindgen(method)]
    fn write(this: &Writer, chunk: &Uint8Array) -> Promise;
    #[wasm_bindgen(method)]
    fn close(this: &Writer) -> Promise;
    #[wasm_bindgen(method)]
    fn abort(this: &Writer) -> Promise;
    #[wasm_bindgen(method, getter)]
    fn ready(this: &Writer) -> Promise;

    type ByteLengthQueuingStrategy;
    #[wasm_bindgen(constructor)]
    fn new(init: &Object) -> ByteLengthQueuingStrategy;
}

thread_local! {
    /// Swallows the rejections of writes to streams whose client left; the
    /// next offer notices the stream is gone.
    static IGNORE: Closure<dyn FnMut(JsValue)> = Closure::new(|_: JsValue| {});
    /// The last frame's bytes in JS memory: one publish writes the same
    /// frame to every subscriber, so it crosses the wasm boundary once.
    static LAST: RefCell<Option<(Frame, Uint8Array)>> = const { RefCell::new(None) };
}

fn settle(promise: Promise) {
    IGNORE.with(|ignore| drop(promise.catch(ignore)));
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
    writer: Writer,
    gate: RefCell<Gate>,
    max_bytes: usize,
}

/// One subscriber's stream; clones share it.
#[derive(Clone)]
pub struct SseOutlet(Rc<Inner>);

/// A new stream allowing `max_bytes` of unread events, and the body to
/// answer with. It starts catching up: live frames wait until [`SseOutlet::go_live`].
pub fn open(max_bytes: usize) -> Result<(SseOutlet, ReadableStream), JsValue> {
    let init = Object::new();
    Reflect::set(&init, &"highWaterMark".into(), &(max_bytes as f64).into())?;
    let pipe = TransformStream::new(&JsValue::UNDEFINED, &ByteLengthQueuingStrategy::new(&init))?;
    let writer = pipe.writable().get_writer()?;
    let inner = Inner { writer, gate: RefCell::new(Gate::new(max_bytes)), max_bytes };
    Ok((SseOutlet(Rc::new(inner)), pipe.readable()))
}

impl SseOutlet {
    /// Bytes waiting for the client, or `None` once the client is gone.
    fn queued_bytes(&self) -> Option<usize> {
        let left = self.0.writer.desired_size()?;
        Some((self.0.max_bytes as f64 - left).max(0.0) as usize)
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
        settle(self.0.writer.write(&js_bytes(frame)));
        true
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
            settle(self.0.writer.close());
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
                settle(self.0.writer.write(&js_bytes(frame)));
                Offer::Queued
            }
        }
    }

    fn finish(&self, frame: &Frame) {
        if !self.0.gate.borrow_mut().hold_final(frame) {
            self.write(frame);
            settle(self.0.writer.close());
        }
    }

    fn cut(&self) {
        settle(self.0.writer.abort());
    }
}
