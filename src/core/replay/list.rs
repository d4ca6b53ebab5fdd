//! `GET /v1/bins/{id}/replays`: the replay list, newest first, paged like
//! the request list; `?status=failed` is the dead-letter queue.

use crate::core::http::error::ApiError;
use crate::core::http::page::{self, Page, PageParams};
use crate::core::http::query::param;
use crate::core::http::reply::Reply;
use crate::core::replay::model::{Attempt, Replay, Status};

/// Parses `limit`, `cursor` and `status`.
pub fn parse_params(query: &str) -> Result<(PageParams, Option<Status>), ApiError> {
    let params = page::parse_params(query)?;
    let status = match param(query, "status") {
        None => None,
        Some(raw) => Some(Status::parse(&raw).ok_or_else(|| {
            ApiError::bad_request("invalid status")
                .with_details(format!("status must be queued, in_progress, succeeded or failed, got {raw:?}"))
        })?),
    };
    Ok((params, status))
}

/// The page from up to `limit + 1` replays, newest first, each with its attempts.
pub fn page_reply(bin: &str, rows: &[(Replay, Vec<Attempt>)], limit: usize) -> Result<Reply, ApiError> {
    Reply::json(200, &Page::from_rows(rows, limit, |(r, _)| r.n, |(r, a)| r.view(bin, a)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::http::cursor;

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
