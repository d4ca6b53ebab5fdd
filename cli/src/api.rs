//! Calls to the polyhook API.

use std::time::Duration;

use reqwest::{Client, Response, StatusCode};
use serde::de::DeserializeOwned;

use crate::error::CliError;
use crate::wire::{BinCreated, ErrorBody, Replay, ReplayQueued, RequestPage};

/// Header carrying a private bin's read token.
const READ_TOKEN_HEADER: &str = "x-authorization";

/// One service and, for a private bin, its read token.
#[derive(Clone)]
pub struct Api {
    http: Client,
    /// Base URL without a trailing slash.
    pub base: String,
    read_token: Option<String>,
}

impl Api {
    /// A client for the service at `base`.
    pub fn new(base: &str, read_token: Option<String>) -> Result<Api, CliError> {
        // No overall timeout: the stream is meant to stay open for hours. No
        // redirects: a read token must never follow one to another host.
        let http = Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("polyhook-cli/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(Duration::from_secs(10))
            .build()
            .map_err(|e| CliError::fail(format!("http client: {e}")))?;
        Ok(Api { http, base: base.trim_end_matches('/').to_string(), read_token })
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// `req` with the read token, when there is one.
    fn authorized(&self, req: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        match &self.read_token {
            Some(t) => req.header(READ_TOKEN_HEADER, t),
            None => req,
        }
    }

    fn get(&self, path: &str) -> reqwest::RequestBuilder {
        self.authorized(self.http.get(self.url(path)))
    }

    /// `POST /v1/bins`.
    pub async fn create_bin(&self, private: bool) -> Result<BinCreated, CliError> {
        let req = self.http.post(self.url("/v1/bins")).json(&serde_json::json!({ "private": private }));
        json(send(req, "create a bin").await?, "create a bin").await
    }

    /// The read token, if the bin needs one.
    pub fn read_token(&self) -> Option<&str> {
        self.read_token.as_deref()
    }

    /// Opens the bin's stream after capture `after` (0: everything retained).
    pub async fn open_stream(&self, bin: &str, after: u64) -> Result<Response, reqwest::Error> {
        self.get(&format!("/v1/bins/{bin}/stream"))
            .header("accept", "text/event-stream")
            .header("last-event-id", after.to_string())
            .send()
            .await
    }

    /// One `GET /v1/bins/{bin}/wait` with `query`: the capture's JSON, or
    /// nothing, with the 204's `X-Polyhook-Continue-After`.
    pub async fn wait(&self, bin: &str, query: &[(String, String)]) -> Result<Waited, CliError> {
        let what = format!("wait on bin {bin}");
        let res = send(self.get(&format!("/v1/bins/{bin}/wait")).query(query), &what).await?;
        if res.status() == StatusCode::NO_CONTENT {
            let header = res.headers().get("x-polyhook-continue-after").and_then(|v| v.to_str().ok());
            return Ok(Waited::Nothing { continue_after: header.map(str::to_string) });
        }
        let text = res.text().await.map_err(|e| CliError::fail(format!("cannot {what}: {e}")))?;
        Ok(Waited::Capture(text))
    }

    /// Any call that answers JSON (or nothing: `null`), with the bin's
    /// delete token as `X-Delete-Token` when `owner` gives one.
    pub async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        query: &[(String, String)],
        body: Option<&serde_json::Value>,
        owner: Option<&str>,
    ) -> Result<serde_json::Value, CliError> {
        let mut req = self.authorized(self.http.request(method.clone(), self.url(path)).query(query));
        if let Some(b) = body {
            req = req.json(b);
        }
        if let Some(token) = owner {
            req = req.header("x-delete-token", token);
        }
        let what = format!("{method} {path}");
        let res = send(req, &what).await?;
        if res.status() == StatusCode::NO_CONTENT {
            return Ok(serde_json::Value::Null);
        }
        json(res, &what).await
    }

    /// The newest capture's sequence number, or 0 for an empty bin.
    pub async fn newest_seq(&self, bin: &str) -> Result<u64, CliError> {
        let what = format!("read bin {bin}");
        let page: RequestPage =
            json(send(self.get(&format!("/v1/bins/{bin}/requests?limit=1")), &what).await?, &what).await?;
        Ok(page.items.first().map_or(0, |i| i.seq))
    }

    /// Queues a replay of capture `rid` to `target`.
    pub async fn start_replay(
        &self,
        bin: &str,
        rid: &str,
        target: &str,
        max_retries: Option<u32>,
    ) -> Result<String, CliError> {
        let mut body = serde_json::json!({ "target_url": target });
        if let Some(n) = max_retries {
            body["max_retries"] = n.into();
        }
        let req =
            self.authorized(self.http.post(self.url(&format!("/v1/bins/{bin}/requests/{rid}/replay"))).json(&body));
        let what = format!("replay {rid}");
        Ok(json::<ReplayQueued>(send(req, &what).await?, &what).await?.replay_id)
    }

    /// One replay's status and attempts.
    pub async fn replay(&self, replay_id: &str) -> Result<Replay, CliError> {
        let what = format!("read replay {replay_id}");
        json(send(self.get(&format!("/v1/replays/{replay_id}")), &what).await?, &what).await
    }
}

/// What one wait answered.
pub enum Waited {
    /// The capture, as the service's JSON.
    Capture(String),
    /// Nothing in time, or (with `continue_after`) up to where a bounded scan stopped.
    Nothing { continue_after: Option<String> },
}

/// Sends `req`; a non-2xx answer becomes an error that quotes the service.
async fn send(req: reqwest::RequestBuilder, what: &str) -> Result<Response, CliError> {
    let res = req.send().await.map_err(|e| CliError::fail(format!("cannot {what}: {e}")))?;
    if res.status().is_success() {
        Ok(res)
    } else {
        Err(answer_error(res, what).await)
    }
}

/// The error for a non-2xx answer: 404 means the bin is gone (exit 3).
pub async fn answer_error(res: Response, what: &str) -> CliError {
    let status = res.status();
    error_for(status, &res.text().await.unwrap_or_default(), what)
}

/// The error for an answer with `status` and body `text` to `what`: 404
/// means the bin is gone (exit 3), anything else a failure.
pub fn error_for(status: StatusCode, text: &str, what: &str) -> CliError {
    let message = format!("cannot {what}: the service answered {status} ({})", said(text));
    if status == StatusCode::NOT_FOUND {
        CliError::gone(message)
    } else {
        CliError::fail(message)
    }
}

/// What an error answer says: the `Error` shape's message and details, or
/// the start of a body in another shape.
fn said(text: &str) -> String {
    match serde_json::from_str::<ErrorBody>(text) {
        Ok(e) => e.details.map_or(e.error.clone(), |d| format!("{}: {d}", e.error)),
        Err(_) => text.chars().take(200).collect(),
    }
}

async fn json<T: DeserializeOwned>(res: Response, what: &str) -> Result<T, CliError> {
    let bytes = res.bytes().await.map_err(|e| CliError::fail(format!("cannot {what}: {e}")))?;
    serde_json::from_slice(&bytes).map_err(|e| CliError::fail(format!("cannot {what}: unexpected answer: {e}")))
}
