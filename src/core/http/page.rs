//! Paged lists, newest first. A page is read as `limit + 1` rows: the
//! extra row only tells that another page exists, and the cursor names the
//! last row shown, so the next page starts strictly below it.

use crate::core::http::cursor;
use crate::core::http::error::ApiError;
use crate::core::http::query::param;
use serde::Serialize;

/// Page size when `limit` is absent.
pub const DEFAULT_LIMIT: usize = 20;
/// Largest page size.
pub const MAX_LIMIT: usize = 100;

/// Validated `limit` and `cursor`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageParams {
    /// Items per page, 1..=100.
    pub limit: usize,
    /// Only rows with a smaller position (from the cursor).
    pub before: Option<u64>,
}

impl PageParams {
    /// How many rows to read: one more than shown.
    pub fn rows_to_read(&self) -> usize {
        self.limit + 1
    }
}

/// Parses `limit` and `cursor` from a raw query string.
pub fn parse_params(query: &str) -> Result<PageParams, ApiError> {
    let limit = match param(query, "limit") {
        None => DEFAULT_LIMIT,
        Some(raw) => raw.parse::<usize>().ok().filter(|n| (1..=MAX_LIMIT).contains(n)).ok_or_else(|| {
            ApiError::bad_request("invalid limit")
                .with_details(format!("limit must be an integer from 1 to {MAX_LIMIT}, got {raw:?}"))
        })?,
    };
    // An empty cursor is the first page, as if it were absent.
    let before = param(query, "cursor").filter(|c| !c.is_empty()).map(|c| cursor::decode(&c)).transpose()?;
    Ok(PageParams { limit, before })
}

/// One page: the contract's `RequestPage` shape, shared by every list.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Page<T> {
    /// Items, newest first.
    pub items: Vec<T>,
    /// Cursor for the next (older) page; `null` on the last page.
    pub next_cursor: Option<String>,
}

impl<T> Page<T> {
    /// The page from up to `limit + 1` `rows`, newest first. `position`
    /// gives a row's sequence number; `view` its wire form.
    pub fn from_rows<'r, R>(
        rows: &'r [R],
        limit: usize,
        position: impl Fn(&R) -> u64,
        view: impl Fn(&'r R) -> T,
    ) -> Page<T> {
        let shown = &rows[..rows.len().min(limit)];
        let next_cursor = (rows.len() > limit).then(|| shown.last().map(|r| cursor::encode(position(r)))).flatten();
        Page { items: shown.iter().map(view).collect(), next_cursor }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn params_default_and_validate() {
        assert_eq!(parse_params("").unwrap(), PageParams { limit: 20, before: None });
        assert_eq!(parse_params("limit=100").unwrap().limit, 100);
        for bad in ["limit=0", "limit=101", "limit=-1", "limit=ten", "limit=", "cursor=nope"] {
            assert_eq!(parse_params(bad).unwrap_err().status(), 400, "{bad}");
        }
        let c = cursor::encode(9);
        assert_eq!(parse_params(&format!("cursor={c}")).unwrap().before, Some(9));
        assert_eq!(parse_params("limit=3").unwrap().rows_to_read(), 4);
        assert_eq!(parse_params("cursor=").unwrap().before, None);
    }

    #[test]
    fn extra_row_yields_a_cursor_after_the_last_shown() {
        let rows = [5u64, 4, 3];
        let page = Page::from_rows(&rows, 2, |r| *r, |r| *r * 10);
        assert_eq!(page.items, [50, 40]);
        assert_eq!(cursor::decode(page.next_cursor.as_deref().unwrap()).unwrap(), 4);
    }

    #[test]
    fn last_page_has_null_cursor() {
        let page = Page::from_rows(&[1u64], 2, |r| *r, |r| *r);
        assert_eq!(page.next_cursor, None);
        let empty: Page<u64> = Page::from_rows(&[], 2, |r: &u64| *r, |r| *r);
        assert!(empty.items.is_empty() && empty.next_cursor.is_none());
    }
}
