//! The route table: which path means what, and which methods it accepts.
//!
//! Matching is two steps, so a known path with the wrong method gets 405
//! with `Allow` while an unknown path gets 404.

use crate::core::error::ApiError;
use crate::core::ids::is_bin_id;
use crate::core::replay::parse_replay_id;

/// A resolved public route with its path parameters.
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
    /// `DELETE /v1/bins/{bin}`.
    DeleteBin { bin: String },
    /// Any method on `/v1/bins/{bin}/in` or below; `sub_path` starts with `/`.
    Ingest { bin: String, sub_path: String },
    /// `GET /v1/bins/{bin}/requests`.
    ListRequests { bin: String },
    /// `GET /v1/bins/{bin}/stream`: the live SSE feed.
    Stream { bin: String },
    /// `GET /v1/bins/{bin}/requests/{rid}`.
    GetRequest { bin: String, rid: String },
    /// `GET /v1/bins/{bin}/requests/{rid}/raw`.
    GetRaw { bin: String, rid: String },
    /// `POST /v1/bins/{bin}/requests/{rid}/replay`.
    StartReplay { bin: String, rid: String },
    /// `GET /v1/bins/{bin}/replays`.
    ListReplays { bin: String },
    /// `GET /v1/replays/{bin}-r{n}`.
    GetReplay { bin: String, n: u64 },
    /// `POST /v1/replays/{bin}-r{n}/retry`.
    RetryReplay { bin: String, n: u64 },
}

impl Route {
    /// The bin this route addresses, if it is served by a bin's object.
    pub fn bin(&self) -> Option<&str> {
        match self {
            Route::Health | Route::Metrics | Route::Asset { .. } | Route::CreateBin => None,
            Route::DeleteBin { bin }
            | Route::Ingest { bin, .. }
            | Route::ListRequests { bin }
            | Route::Stream { bin }
            | Route::GetRequest { bin, .. }
            | Route::GetRaw { bin, .. }
            | Route::StartReplay { bin, .. }
            | Route::ListReplays { bin }
            | Route::GetReplay { bin, .. }
            | Route::RetryReplay { bin, .. } => Some(bin),
        }
    }

    /// True for routes that read a bin's data, which a private bin guards
    /// with its read token. Ingest stays open (senders cannot
    /// authenticate) and delete has its own token.
    pub fn reads_bin(&self) -> bool {
        self.bin().is_some() && !matches!(self, Route::Ingest { .. } | Route::DeleteBin { .. })
    }

    /// A short, stable label for logs and metrics.
    pub fn label(&self) -> &'static str {
        match self {
            Route::Health => "health",
            Route::Metrics => "metrics",
            Route::Asset { .. } => "asset",
            Route::CreateBin => "create_bin",
            Route::DeleteBin { .. } => "delete_bin",
            Route::Ingest { .. } => "ingest",
            Route::ListRequests { .. } => "list_requests",
            Route::Stream { .. } => "stream",
            Route::GetRequest { .. } => "get_request",
            Route::GetRaw { .. } => "get_raw",
            Route::StartReplay { .. } => "start_replay",
            Route::ListReplays { .. } => "list_replays",
            Route::GetReplay { .. } => "get_replay",
            Route::RetryReplay { .. } => "retry_replay",
        }
    }
}

/// Which methods a path accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Methods {
    /// Exactly these (HEAD is implied wherever GET is listed).
    Only(&'static [&'static str]),
    /// Every method: the ingest path captures whatever arrives.
    Any,
}

impl Methods {
    /// True if `method` (uppercase) is accepted.
    pub fn allows(self, method: &str) -> bool {
        match self {
            Methods::Any => true,
            Methods::Only(list) => list.contains(&method) || (method == "HEAD" && list.contains(&"GET")),
        }
    }

    /// The value of an `Allow` header (also used for CORS preflights).
    pub fn allow_header(self) -> String {
        match self {
            Methods::Any => "*".to_string(),
            Methods::Only(list) => {
                let mut all: Vec<&str> = list.to_vec();
                if all.contains(&"GET") {
                    all.push("HEAD");
                }
                all.push("OPTIONS");
                all.join(", ")
            }
        }
    }
}

const GET: Methods = Methods::Only(&["GET"]);

/// Matches a path to its route shape, ignoring the method. `build` turns the
/// path into a [`Route`]; `None` means the path is unknown (404).
pub fn match_path(path: &str) -> Option<(Methods, Route)> {
    let segments: Vec<&str> = path.strip_prefix('/')?.split('/').collect();
    match segments.as_slice() {
        ["healthz"] => Some((GET, Route::Health)),
        ["metrics"] => Some((GET, Route::Metrics)),
        _ if crate::core::assets::find(path).is_some() => Some((GET, Route::Asset { path: path.to_string() })),
        ["v1", "bins"] => Some((Methods::Only(&["POST"]), Route::CreateBin)),
        ["v1", "bins", bin, rest @ ..] if is_bin_id(bin) => match_bin_path(bin, rest, path),
        ["v1", "replays", id, rest @ ..] => {
            let (bin, n) = parse_replay_id(id).ok()?;
            match rest {
                [] => Some((GET, Route::GetReplay { bin, n })),
                ["retry"] => Some((Methods::Only(&["POST"]), Route::RetryReplay { bin, n })),
                _ => None,
            }
        }
        _ => None,
    }
}

fn match_bin_path(bin: &str, rest: &[&str], path: &str) -> Option<(Methods, Route)> {
    let bin = bin.to_string();
    match rest {
        [] => Some((Methods::Only(&["DELETE"]), Route::DeleteBin { bin })),
        ["in", ..] => Some((Methods::Any, Route::Ingest { sub_path: ingest_sub_path(path), bin })),
        ["requests"] => Some((GET, Route::ListRequests { bin })),
        ["stream"] => Some((GET, Route::Stream { bin })),
        ["requests", rid] if !rid.is_empty() => Some((GET, Route::GetRequest { bin, rid: rid.to_string() })),
        ["requests", rid, "raw"] if !rid.is_empty() => Some((GET, Route::GetRaw { bin, rid: rid.to_string() })),
        ["requests", rid, "replay"] if !rid.is_empty() => {
            Some((Methods::Only(&["POST"]), Route::StartReplay { bin, rid: rid.to_string() }))
        }
        ["replays"] => Some((GET, Route::ListReplays { bin })),
        _ => None,
    }
}

/// The part of an ingest path after `/in`, always starting with `/`:
/// `/v1/bins/x/in` and `/v1/bins/x/in/` give `/`, `.../in/github/push` gives
/// `/github/push`.
fn ingest_sub_path(path: &str) -> String {
    // `/v1/bins/` is 9 bytes, the bin id 12, `/in` 3: the tail starts at 24.
    let tail = path.get(24..).unwrap_or("");
    if tail.is_empty() {
        "/".to_string()
    } else {
        tail.to_string()
    }
}

/// Resolves `method` and `path` to a route, or the error to answer with.
pub fn resolve(method: &str, path: &str) -> Result<Route, ApiError> {
    let (methods, route) = match_path(path)
        .ok_or_else(|| ApiError::not_found("route not found").with_details(format!("no route for {path}")))?;
    if methods.allows(method) {
        Ok(route)
    } else {
        Err(ApiError::method_not_allowed(&methods.allow_header()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BIN: &str = "k3p9q2x7m1nb";

    #[test]
    fn resolves_fixed_routes() {
        assert_eq!(resolve("GET", "/healthz"), Ok(Route::Health));
        assert_eq!(resolve("HEAD", "/healthz"), Ok(Route::Health));
        assert_eq!(resolve("GET", "/metrics"), Ok(Route::Metrics));
        assert_eq!(resolve("GET", "/"), Ok(Route::Asset { path: "/".into() }));
        assert_eq!(resolve("POST", "/").unwrap_err().status(), 405);
        assert_eq!(resolve("POST", "/v1/bins"), Ok(Route::CreateBin));
    }

    #[test]
    fn resolves_bin_routes() {
        let bin = BIN.to_string();
        assert_eq!(resolve("DELETE", &format!("/v1/bins/{BIN}")), Ok(Route::DeleteBin { bin: bin.clone() }));
        assert_eq!(resolve("GET", &format!("/v1/bins/{BIN}/requests")), Ok(Route::ListRequests { bin: bin.clone() }));
        assert_eq!(
            resolve("GET", &format!("/v1/bins/{BIN}/requests/r1/raw")),
            Ok(Route::GetRaw { bin: bin.clone(), rid: "r1".into() })
        );
    }

    #[test]
    fn ingest_takes_any_method_and_keeps_the_sub_path() {
        for (path, sub) in [("/in", "/"), ("/in/", "/"), ("/in/github/push", "/github/push"), ("/in//x", "//x")] {
            let route = resolve("PROPFIND", &format!("/v1/bins/{BIN}{path}")).unwrap();
            assert_eq!(route, Route::Ingest { bin: BIN.into(), sub_path: sub.into() }, "{path}");
        }
    }

    #[test]
    fn ingest_prefix_must_be_a_whole_segment() {
        assert_eq!(resolve("POST", &format!("/v1/bins/{BIN}/inbox")).unwrap_err().status(), 404);
    }

    #[test]
    fn wrong_method_is_405_with_allow() {
        let err = resolve("POST", &format!("/v1/bins/{BIN}/requests")).unwrap_err();
        assert_eq!(err.status(), 405);
        assert_eq!(err.to_reply().header_value("allow"), Some("GET, HEAD, OPTIONS"));
        assert_eq!(resolve("GET", "/v1/bins").unwrap_err().status(), 405);
    }

    #[test]
    fn unknown_paths_and_bad_bin_ids_are_404() {
        for path in [
            "/index.htm",
            "/v1",
            "/v1/bins/",
            "/v1/bins/SHORT/requests",
            "/v1/bins/k3p9q2x7m1nbX",
            "/v1/bins/k3p9q2x7m1nb/nope",
            "healthz",
            "/v1/bins/k3p9q2x7m1nb/requests/",
        ] {
            assert_eq!(resolve("GET", path).unwrap_err().status(), 404, "{path}");
        }
    }

    #[test]
    fn labels_and_bins() {
        let route = resolve("GET", &format!("/v1/bins/{BIN}/requests/x")).unwrap();
        assert_eq!(route.bin(), Some(BIN));
        assert_eq!(route.label(), "get_request");
        assert_eq!(Route::Health.bin(), None);
    }

    #[test]
    fn resolves_the_stream() {
        let route = resolve("GET", &format!("/v1/bins/{BIN}/stream")).unwrap();
        assert_eq!(route, Route::Stream { bin: BIN.into() });
        assert_eq!(resolve("POST", &format!("/v1/bins/{BIN}/stream")).unwrap_err().status(), 405);
    }

    #[test]
    fn resolves_replay_routes() {
        let bin = || BIN.to_string();
        let base = format!("/v1/bins/{BIN}");
        assert_eq!(
            resolve("POST", &format!("{base}/requests/r1/replay")),
            Ok(Route::StartReplay { bin: bin(), rid: "r1".into() })
        );
        assert_eq!(resolve("GET", &format!("{base}/replays")), Ok(Route::ListReplays { bin: bin() }));
        assert_eq!(resolve("GET", &format!("/v1/replays/{BIN}-r3")), Ok(Route::GetReplay { bin: bin(), n: 3 }));
        assert_eq!(
            resolve("POST", &format!("/v1/replays/{BIN}-r3/retry")),
            Ok(Route::RetryReplay { bin: bin(), n: 3 })
        );
        assert_eq!(resolve("GET", &format!("/v1/replays/{BIN}-r3/retry")).unwrap_err().status(), 405);
        assert_eq!(resolve("GET", "/v1/replays/nope").unwrap_err().status(), 404);
        assert_eq!(Route::GetReplay { bin: bin(), n: 3 }.bin(), Some(BIN));
    }
}
