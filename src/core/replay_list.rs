//! `GET /v1/bins/{id}/replays`: the replay list, newest first, paged like
//! the request list; `?status=failed` is the dead-letter queue.

use crate::core::cursor;
use crate::core::error::ApiError;
use crate::core::listing::{self, ListParams};
use crate::core::query::param;
use crate::core::replay::{Attempt, Replay, Status};
use crate::core::replay_view::ReplayView;
use crate::core::reply::Reply;
use serde::Serialize;

/// Parses `limit`, `cursor` and `status`.
pub fn parse_params(query: &str) -> Result<(ListParams, Option<Status>), ApiError> {
    let params = listing::parse_params(query)?;
    let status = match param(query, "status") {
        None => None,
        Some(raw) => Some(Status::parse(&raw).ok_or_else(|| {
            ApiError::bad_request("invalid status")
                .with_details(format!("status must be queued, in_progress, succeeded or failed, got {raw:?}"))
        })?),
    };
    Ok((params, status))
}

#[derive(Serialize)]
struct ReplayPage<'a> {
    items: Vec<ReplayView<'a>>,
    next_cursor: Option<String>,
}

/// The page from up to `limit + 1` replays, newest first, each with its attempts.
pub fn page_reply(bin: &str, rows: &[(Replay, Vec<Attempt>)], limit: usize) -> Result<Reply, ApiError> {
    let shown = &rows[..rows.len().min(limit)];
    let next_cursor = (rows.len() > limit).then(|| shown.last().map(|(r, _)| cursor::encode(r.n))).flatten();
    let page = ReplayPage { items: shown.iter().map(|(r, a)| r.view(bin, a)).collect(), next_cursor };
    Reply::json(200, &page)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_filter_is_validated() {
        assert_eq!(parse_params("status=failed").unwrap().1, Some(Status::Failed));
        assert_eq!(parse_params("").unwrap().1, None);
        assert_eq!(parse_params("status=dead").unwrap_err().status(), 400);
    }

    #[test]
    fn pages_with_a_cursor() {
        let rows: Vec<(Replay, Vec<Attempt>)> =
            (1..=3).rev().map(|n| (Replay::new(n, 1, "http://t".into(), 0, 0), vec![])).collect();
        let r = page_reply("k3p9q2x7m1nb", &rows, 2).unwrap();
        let v: serde_json::Value = serde_json::from_slice(&r.body).unwrap();
        assert_eq!(v["items"][0]["id"], "k3p9q2x7m1nb-r3");
        assert_eq!(cursor::decode(v["next_cursor"].as_str().unwrap()).unwrap(), 2);
    }
}
