//! The route table: which path means what, and which methods it accepts.
//!
//! Two enums, one per side: [`Route`] is what the Worker entry serves or
//! forwards, [`BinRoute`] is what a bin's object serves. Matching is two
//! steps, so a known path with the wrong method gets 405 with `Allow` while
//! an unknown path gets 404.

use crate::core::bin::ids::{is_bin_id, parse_seq};
use crate::core::http::assets;
use crate::core::http::error::ApiError;
use crate::core::http::methods::{Methods, DELETE, GET, POST};
use crate::core::replay::model::parse_replay_id;

/// A public route as the Worker entry sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// `GET /healthz`.
    Health,
    /// `GET /metrics`: Prometheus exposition over every bin.
    Metrics,
    /// `GET` of a file of the playground page (`/` is the page).
    Asset { path: String },
    /// `POST /v1/bins`.
    CreateBin,
    /// Anything a bin's object serves.
    Bin { bin: String, route: BinRoute },
}

/// A route served by one bin's object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BinRoute {
    /// `DELETE /v1/bins/{bin}`.
    Delete,
    /// Any method on `/v1/bins/{bin}/in` or below; `sub_path` starts with `/`.
    Ingest { sub_path: String },
    /// `GET /v1/bins/{bin}/requests`.
    ListRequests,
    /// `GET /v1/bins/{bin}/stream`: the live SSE feed.
    Stream,
    /// `POST /v1/bins/{bin}/stream-ticket`: a short-lived ticket for the stream.
    StreamTicket,
    /// `GET /v1/bins/{bin}/ws`: the live feed over a hibernatable WebSocket.
    Socket,
    /// `GET /v1/bins/{bin}/wait`: the first matching capture after a point.
    Wait,
    /// `GET`, `PUT` or `DELETE /v1/bins/{bin}/responses`: the bin's response rules.
    Responses,
    /// `GET` or `PUT /v1/bins/{bin}/verify`: the bin's signature verifiers.
    Verify,
    /// `GET /v1/bins/{bin}/export` (or `export.har`): HAR or NDJSON.
    Export,
    /// `GET /v1/bins/{bin}/requests/{rid}`.
    GetRequest { rid: String },
    /// `POST /v1/bins/{bin}/requests/{rid}/verify`: checks the signature again.
    Reverify { rid: String },
    /// `GET /v1/bins/{bin}/requests/{rid}/raw`.
    GetRaw { rid: String },
    /// `POST /v1/bins/{bin}/requests/{rid}/replay`.
    StartReplay { rid: String },
    /// `GET /v1/bins/{bin}/replays`.
    ListReplays,
    /// `GET /v1/replays/{bin}-r{n}`.
    GetReplay { n: u64 },
    /// `POST /v1/replays/{bin}-r{n}/retry`.
    RetryReplay { n: u64 },
    /// `POST /v1/bins/{bin}/sequences`: replay recorded captures in order, with their timing.
    StartSequence,
    /// `GET` (progress) or `DELETE` (cancel) `/v1/bins/{bin}/sequences/{n}`.
    Sequence { n: u64 },
    /// `POST /v1/bins/{bin}/sequences/{n}/pause` or `/resume`.
    SequenceControl { n: u64, resume: bool },
}

impl Route {
    /// The bin this route addresses, if any.
    pub fn bin(&self) -> Option<&str> {
        match self {
            Route::Bin { bin, .. } => Some(bin),
            Route::Health | Route::Metrics | Route::Asset { .. } | Route::CreateBin => None,
        }
    }

    /// A short, stable label for logs and metrics.
    pub fn label(&self) -> &'static str {
        match self {
            Route::Health => "health",
            Route::Metrics => "metrics",
            Route::Asset { .. } => "asset",
            Route::CreateBin => "create_bin",
            Route::Bin { route, .. } => route.label(),
        }
    }
}

impl BinRoute {
    /// True for routes that read a bin's data, which a private bin guards
    /// with its read token. Ingest stays open (senders cannot
    /// authenticate) and delete has its own token.
    pub fn reads_bin(&self) -> bool {
        // Response rules and verifiers check their own credential per method;
        // a socket may show its read token in its first message.
        !matches!(
            self,
            BinRoute::Ingest { .. }
                | BinRoute::Delete
                | BinRoute::Responses
                | BinRoute::Verify
                | BinRoute::Socket
                | BinRoute::StartSequence
                | BinRoute::SequenceControl { .. }
        )
    }

    /// True for the routes that queue outgoing replays, which draw on the
    /// client's replay budget.
    pub fn starts_replay(&self) -> bool {
        matches!(self, BinRoute::StartReplay { .. } | BinRoute::RetryReplay { .. } | BinRoute::StartSequence)
    }

    /// A short, stable label for logs and metrics.
    pub fn label(&self) -> &'static str {
        match self {
            BinRoute::Delete => "delete_bin",
            BinRoute::Ingest { .. } => "ingest",
            BinRoute::ListRequests => "list_requests",
            BinRoute::Stream => "stream",
            BinRoute::StreamTicket => "stream_ticket",
            BinRoute::Socket => "socket",
            BinRoute::Wait => "wait",
            BinRoute::Responses => "responses",
            BinRoute::Verify => "verify",
            BinRoute::Export => "export",
            BinRoute::GetRequest { .. } => "get_request",
            BinRoute::Reverify { .. } => "reverify",
            BinRoute::GetRaw { .. } => "get_raw",
            BinRoute::StartReplay { .. } => "start_replay",
            BinRoute::ListReplays => "list_replays",
            BinRoute::GetReplay { .. } => "get_replay",
            BinRoute::RetryReplay { .. } => "retry_replay",
            BinRoute::StartSequence => "start_sequence",
            BinRoute::Sequence { .. } => "sequence",
            BinRoute::SequenceControl { .. } => "sequence_control",
        }
    }
}

/// Matches a path to its route, ignoring the method; `None` means the path
/// is unknown (404).
pub fn match_path(path: &str) -> Option<(Methods, Route)> {
    let segments: Vec<&str> = path.strip_prefix('/')?.split('/').collect();
    let in_bin = |bin: &str, (methods, route): (Methods, BinRoute)| (methods, Route::Bin { bin: bin.into(), route });
    match segments.as_slice() {
        ["healthz"] => Some((GET, Route::Health)),
        ["metrics"] => Some((GET, Route::Metrics)),
        _ if assets::find(path).is_some() => Some((GET, Route::Asset { path: path.to_string() })),
        ["v1", "bins"] => Some((POST, Route::CreateBin)),
        ["v1", "bins", bin, rest @ ..] if is_bin_id(bin) => match_bin_path(rest).map(|m| in_bin(bin, m)),
        ["v1", "replays", id, rest @ ..] => {
            let (bin, n) = parse_replay_id(id).ok()?;
            match rest {
                [] => Some(in_bin(&bin, (GET, BinRoute::GetReplay { n }))),
                ["retry"] => Some(in_bin(&bin, (POST, BinRoute::RetryReplay { n }))),
                _ => None,
            }
        }
        _ => None,
    }
}

/// The segments after `/v1/bins/{bin}`.
fn match_bin_path(rest: &[&str]) -> Option<(Methods, BinRoute)> {
    let rid = |rid: &str| rid.to_string();
    match rest {
        [] => Some((DELETE, BinRoute::Delete)),
        // `/in` and `/in/` are the root `/`; `/in/a/b` is `/a/b`.
        ["in", sub @ ..] => Some((Methods::Any, BinRoute::Ingest { sub_path: format!("/{}", sub.join("/")) })),
        ["requests"] => Some((GET, BinRoute::ListRequests)),
        ["stream"] => Some((GET, BinRoute::Stream)),
        ["stream-ticket"] => Some((POST, BinRoute::StreamTicket)),
        ["ws"] => Some((GET, BinRoute::Socket)),
        ["wait"] => Some((GET, BinRoute::Wait)),
        ["responses"] => Some((Methods::Only(&["GET", "PUT", "DELETE"]), BinRoute::Responses)),
        ["verify"] => Some((Methods::Only(&["GET", "PUT"]), BinRoute::Verify)),
        ["export" | "export.har"] => Some((GET, BinRoute::Export)),
        ["requests", id] if !id.is_empty() => Some((GET, BinRoute::GetRequest { rid: rid(id) })),
        ["requests", id, "verify"] if !id.is_empty() => Some((POST, BinRoute::Reverify { rid: rid(id) })),
        ["requests", id, "raw"] if !id.is_empty() => Some((GET, BinRoute::GetRaw { rid: rid(id) })),
        ["requests", id, "replay"] if !id.is_empty() => Some((POST, BinRoute::StartReplay { rid: rid(id) })),
        ["replays"] => Some((GET, BinRoute::ListReplays)),
        ["sequences"] => Some((POST, BinRoute::StartSequence)),
        ["sequences", n] => parse_seq(n).map(|n| (Methods::Only(&["GET", "DELETE"]), BinRoute::Sequence { n })),
        ["sequences", n, action @ ("pause" | "resume")] => {
            parse_seq(n).map(|n| (POST, BinRoute::SequenceControl { n, resume: *action == "resume" }))
        }
        _ => None,
    }
}

/// Resolves `method` and `path` to a route, or the error to answer with.
pub fn resolve(method: &str, path: &str) -> Result<Route, ApiError> {
    accept(match_path(path), method)
}

/// Checks `method` against an already matched path.
pub fn accept(matched: Option<(Methods, Route)>, method: &str) -> Result<Route, ApiError> {
    let (methods, route) = matched.ok_or_else(|| ApiError::not_found("route not found"))?;
    if methods.allows(method) {
        Ok(route)
    } else {
        Err(ApiError::method_not_allowed(&methods.allow_header()))
    }
}

/// Resolves a request that reached a bin's object: its bin and route. The
/// entry forwards only bin routes, so anything else is 404.
pub fn resolve_bin(method: &str, path: &str) -> Result<(String, BinRoute), ApiError> {
    match resolve(method, path)? {
        Route::Bin { bin, route } => Ok((bin, route)),
        Route::Health | Route::Metrics | Route::Asset { .. } | Route::CreateBin => {
            Err(ApiError::not_found("route not found"))
        }
    }
}

#[cfg(test)]
#[path = "route_tests.rs"]
mod tests;
