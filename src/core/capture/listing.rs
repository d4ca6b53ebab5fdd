//! The request list: its query parameters and its cacheable page reply.

use crate::core::capture::model::Capture;
use crate::core::http::cursor;
use crate::core::http::error::ApiError;
use crate::core::http::etag;
use crate::core::http::page::{self, Page, PageParams};
use crate::core::http::reply::Reply;
use crate::core::search::filter::Filter;
use crate::core::search::scan::Found;

/// Lists change with every capture; browsers may reuse a page this long.
const CACHE_CONTROL: &str = "private, max-age=2";

/// Validated list parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListParams {
    /// `limit` and `cursor`.
    pub page: PageParams,
    /// The filters; see [`Filter`].
    pub filter: Filter,
}

/// Parses `limit`, `cursor` and the filters from a raw query string.
pub fn parse_params(query: &str) -> Result<ListParams, ApiError> {
    Ok(ListParams { page: page::parse_params(query)?, filter: Filter::parse(query)? })
}

/// Builds the page reply from up to `limit + 1` captures, newest first.
/// Answers 304 when `if_none_match` already names this page.
pub fn page_reply(bin: &str, rows: &[Capture], limit: usize, if_none_match: Option<&str>) -> Result<Reply, ApiError> {
    cached(Reply::json(200, &Page::from_rows(rows, limit, |c| c.seq, |c| c.view(bin, None)))?, if_none_match)
}

/// Builds the page reply from what a bounded scan found: its cursor
/// continues the scan, even after an empty page.
pub fn found_reply(bin: &str, found: &Found, if_none_match: Option<&str>) -> Result<Reply, ApiError> {
    let items = found.items.iter().map(|c| c.view(bin, None)).collect();
    cached(Reply::json(200, &Page { items, next_cursor: found.next.map(cursor::encode) })?, if_none_match)
}

/// Adds the page's ETag and cache policy; 304 when `if_none_match` names it.
fn cached(reply: Reply, if_none_match: Option<&str>) -> Result<Reply, ApiError> {
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
    use crate::core::capture::namespace::Namespace;

    fn capture(seq: u64) -> Capture {
        Capture::sample(seq, 0)
    }

    #[test]
    fn params_carry_the_namespace() {
        assert_eq!(parse_params("").unwrap().filter.namespace, Namespace::root());
        assert_eq!(parse_params("path=/github").unwrap().filter.namespace, Namespace::new("/github"));
        assert_eq!(parse_params("method=%20").unwrap_err().status(), 400);
        assert_eq!(parse_params("limit=0").unwrap_err().status(), 400);
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
