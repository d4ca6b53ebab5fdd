//! The request list: its query parameters and its cacheable page reply.

use crate::core::cursor;
use crate::core::error::ApiError;
use crate::core::etag;
use crate::core::model::{Capture, RequestPage};
use crate::core::namespace::Namespace;
use crate::core::query::param;
use crate::core::reply::Reply;

/// Page size when `limit` is absent.
pub const DEFAULT_LIMIT: usize = 20;
/// Largest page size.
pub const MAX_LIMIT: usize = 100;
/// Lists change with every capture; browsers may reuse a page this long.
const CACHE_CONTROL: &str = "private, max-age=2";

/// Validated list parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListParams {
    /// Items per page, 1..=100.
    pub limit: usize,
    /// Only items with a smaller sequence number (from the cursor).
    pub before_seq: Option<u64>,
    /// Only items captured in this namespace (the `path` parameter).
    pub namespace: Namespace,
}

/// Parses `limit` and `cursor` from a raw query string.
pub fn parse_params(query: &str) -> Result<ListParams, ApiError> {
    let limit = match param(query, "limit") {
        None => DEFAULT_LIMIT,
        Some(raw) => raw.parse::<usize>().ok().filter(|n| (1..=MAX_LIMIT).contains(n)).ok_or_else(|| {
            ApiError::bad_request("invalid limit")
                .with_details(format!("limit must be an integer from 1 to {MAX_LIMIT}, got {raw:?}"))
        })?,
    };
    let before_seq = param(query, "cursor").map(|c| cursor::decode(&c)).transpose()?;
    Ok(ListParams { limit, before_seq, namespace: Namespace::from_query(query) })
}

/// Builds the page reply from up to `limit + 1` captures, newest first: the
/// extra row only tells that another page exists. Answers 304 when
/// `if_none_match` already names this page.
pub fn page_reply(bin: &str, rows: &[Capture], limit: usize, if_none_match: Option<&str>) -> Result<Reply, ApiError> {
    let shown = &rows[..rows.len().min(limit)];
    let next_cursor = (rows.len() > limit).then(|| shown.last().map(|c| cursor::encode(c.seq))).flatten();
    let page = RequestPage { items: shown.iter().map(|c| c.view(bin, None)).collect(), next_cursor };
    let reply = Reply::json(200, &page)?;
    let tag = etag::strong(&reply.body);
    let reply = match if_none_match {
        Some(header) if etag::if_none_match_hits(header, &tag) => Reply::empty(304),
        _ => reply,
    };
    Ok(reply.header("etag", &tag).header("cache-control", CACHE_CONTROL))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn capture(seq: u64) -> Capture {
        Capture::sample(seq, 0)
    }

    #[test]
    fn params_default_and_validate() {
        assert_eq!(parse_params("").unwrap(), ListParams { limit: 20, before_seq: None, namespace: Namespace::root() });
        assert_eq!(parse_params("path=/github").unwrap().namespace, Namespace::new("/github"));
        assert_eq!(parse_params("limit=100").unwrap().limit, 100);
        for bad in ["limit=0", "limit=101", "limit=-1", "limit=ten", "limit=", "cursor=nope"] {
            assert_eq!(parse_params(bad).unwrap_err().status(), 400, "{bad}");
        }
        let c = cursor::encode(9);
        assert_eq!(parse_params(&format!("cursor={c}")).unwrap().before_seq, Some(9));
    }

    #[test]
    fn extra_row_yields_a_cursor_after_the_last_shown() {
        let rows: Vec<Capture> = (1..=3).rev().map(capture).collect();
        let r = page_reply("k3p9q2x7m1nb", &rows, 2, None).unwrap();
        let v: serde_json::Value = serde_json::from_slice(&r.body).unwrap();
        assert_eq!(v["items"].as_array().unwrap().len(), 2);
        assert_eq!(cursor::decode(v["next_cursor"].as_str().unwrap()).unwrap(), 2);
        assert_eq!(r.header_value("cache-control"), Some("private, max-age=2"));
    }

    #[test]
    fn last_page_has_null_cursor() {
        let r = page_reply("k3p9q2x7m1nb", &[capture(1)], 2, None).unwrap();
        let v: serde_json::Value = serde_json::from_slice(&r.body).unwrap();
        assert!(v["next_cursor"].is_null());
    }

    #[test]
    fn matching_etag_gives_304_with_the_tag() {
        let first = page_reply("k3p9q2x7m1nb", &[capture(1)], 20, None).unwrap();
        let tag = first.header_value("etag").unwrap().to_string();
        let again = page_reply("k3p9q2x7m1nb", &[capture(1)], 20, Some(&tag)).unwrap();
        assert_eq!(again.status, 304);
        assert!(again.body.is_empty());
        assert_eq!(again.header_value("etag"), Some(tag.as_str()));
        let changed = page_reply("k3p9q2x7m1nb", &[capture(2), capture(1)], 20, Some(&tag)).unwrap();
        assert_eq!(changed.status, 200);
    }
}
