//! The Web Streams a long response is written through: a `TransformStream`
//! whose readable side is the response body and whose writable side takes
//! bytes straight from Rust. The writable side counts bytes
//! (`ByteLengthQueuingStrategy`), so its `desiredSize` says how far behind
//! the client is and its `ready` promise says when it has room again.
//!
//! A stream this side ends early is ended with the transform controller's
//! `terminate()`: what waits unread is dropped and the client sees the body
//! end. Aborting the writer would do the same, but workerd then logs an
//! "Uncaught exception" for the response and resets the client's connection.

use std::cell::RefCell;
use std::rc::Rc;
use worker::js_sys::{Object, Promise, Reflect, Uint8Array};
use worker::wasm_bindgen::prelude::*;
use worker::wasm_bindgen::JsCast;
use worker::worker_sys::web_sys::ReadableStream;

#[wasm_bindgen]
extern "C" {
    type Controller;
    #[wasm_bindgen(method)]
    fn terminate(this: &Controller);

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
    #[wasm_bindgen(method, js_name = close)]
    fn close_js(this: &Writer) -> Promise;
    #[wasm_bindgen(method, getter, js_name = ready)]
    fn ready_js(this: &Writer) -> Promise;
    #[wasm_bindgen(method, getter, js_name = closed)]
    fn closed_js(this: &Writer) -> Promise;

    type ByteLengthQueuingStrategy;
    #[wasm_bindgen(constructor)]
    fn new(init: &Object) -> ByteLengthQueuingStrategy;
}

thread_local! {
    /// Swallows the rejections of writes to streams whose client left; the
    /// writer's state says so on the next use.
    static IGNORE: Closure<dyn FnMut(JsValue)> = Closure::new(|_: JsValue| {});
}

fn settle(promise: Promise) {
    IGNORE.with(|ignore| drop(promise.catch(ignore)));
}

/// The writing end of a pipe.
pub struct PipeWriter {
    writer: Writer,
    controller: Controller,
}

/// A new pipe whose writer is ready while fewer than `budget_bytes` wait
/// unread; the readable side is the response body.
pub fn pipe(budget_bytes: usize) -> Result<(PipeWriter, ReadableStream), JsValue> {
    let init = Object::new();
    Reflect::set(&init, &"highWaterMark".into(), &(budget_bytes as f64).into())?;
    // `start` runs inside the constructor, so the closure need not outlive it.
    let slot = Rc::new(RefCell::new(JsValue::UNDEFINED));
    let keep = Rc::clone(&slot);
    let start = Closure::<dyn FnMut(JsValue)>::new(move |controller: JsValue| *keep.borrow_mut() = controller);
    let transformer = Object::new();
    Reflect::set(&transformer, &"start".into(), start.as_ref())?;
    let pipe = TransformStream::new(&transformer, &ByteLengthQueuingStrategy::new(&init))?;
    let controller = slot.replace(JsValue::UNDEFINED);
    if controller.is_undefined() {
        return Err(JsValue::from_str("TransformStream did not call start"));
    }
    let writer = pipe.writable().get_writer()?;
    Ok((PipeWriter { writer, controller: controller.unchecked_into() }, pipe.readable()))
}

impl PipeWriter {
    /// Budget left in bytes; `None` once the stream is over (the client
    /// left, or this side ended it).
    pub fn desired_size(&self) -> Option<f64> {
        self.writer.desired_size()
    }

    /// Settles once fewer bytes than the budget wait unread (rejects once the stream is over).
    pub fn ready(&self) -> Promise {
        self.writer.ready_js()
    }

    /// Settles once the stream is over, however it ended.
    pub fn closed(&self) -> Promise {
        self.writer.closed_js()
    }

    /// Queues `bytes` whatever the budget; a failure shows in the writer's state.
    pub fn send(&self, bytes: &Uint8Array) {
        settle(self.writer.write(bytes));
    }

    /// Ends the body cleanly after what is queued.
    pub fn finish(&self) {
        settle(self.writer.close_js());
    }

    /// Ends the body now, dropping what waits unread.
    pub fn terminate(&self) {
        self.controller.terminate();
    }
}
