//! The bin object's class as the runtime sees it: the constructor, `fetch`,
//! `alarm` and the hibernation API's socket handlers, exported with
//! `wasm_bindgen` directly. `#[durable_object]` would convert every request
//! to `worker::Request`, reading `request.cf` (the runtime builds that
//! object on each read), and every answer from `worker::Response`; here the
//! runtime's own objects pass through, and worker-build's shim wraps this
//! class like any other.

use super::BinObject;
use crate::edge::io::body::drain;
use crate::edge::io::incoming::Incoming;
use crate::edge::io::respond::runtime_error;
use worker::wasm_bindgen::{self, prelude::wasm_bindgen, JsValue};
use worker::worker_sys::{web_sys, DurableObjectState};
use worker::{Env, State};

#[wasm_bindgen(wasm_bindgen_futures = worker::wasm_bindgen_futures, js_sys = worker::js_sys)]
impl BinObject {
    /// `new BinObject(state, env)`, once per instance.
    #[wasm_bindgen(constructor)]
    pub fn new(state: DurableObjectState, env: Env) -> BinObject {
        BinObject::create(State::from(state), env)
    }

    /// Every HTTP request the Worker entry forwards. Failures are answered
    /// in the contract's error shape, after draining any unread body.
    pub async fn fetch(&self, req: web_sys::Request) -> Result<JsValue, JsValue> {
        // A handle on the same request: the inherent `clone` would tee the body.
        let raw = Clone::clone(&req);
        match self.handle(Incoming::new(req)).await {
            Ok(response) => Ok(response.into()),
            Err(err) => {
                drain(&raw).await;
                runtime_error(&err).map(Into::into).map_err(Into::into)
            }
        }
    }

    /// The one alarm: expiry, replays and sequence steps.
    pub async fn alarm(&self) -> Result<JsValue, JsValue> {
        self.on_alarm().await.map(|r| web_sys::Response::from(r).into()).map_err(Into::into)
    }

    /// A message on a hibernatable socket; only text frames mean anything.
    #[wasm_bindgen(js_name = webSocketMessage)]
    pub async fn websocket_message(&self, ws: web_sys::WebSocket, message: JsValue) -> Result<JsValue, JsValue> {
        if let Some(text) = message.as_string() {
            self.on_socket_message(ws.into(), &text).await;
        }
        Ok(JsValue::NULL)
    }

    /// A hibernatable socket closed by its client.
    #[wasm_bindgen(js_name = webSocketClose)]
    pub async fn websocket_close(
        &self,
        ws: web_sys::WebSocket,
        _code: usize,
        _reason: String,
        _was_clean: bool,
    ) -> Result<JsValue, JsValue> {
        self.on_socket_close(&ws.into());
        Ok(JsValue::NULL)
    }

    /// A hibernatable socket failed.
    #[wasm_bindgen(js_name = webSocketError)]
    pub async fn websocket_error(&self, ws: web_sys::WebSocket, error: JsValue) -> Result<JsValue, JsValue> {
        self.on_socket_error(&ws.into(), &format!("{error:?}"));
        Ok(JsValue::NULL)
    }
}
