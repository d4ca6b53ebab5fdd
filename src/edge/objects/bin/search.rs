//! Filtered lists: a bounded scan per page, drawn from the client's
//! search budget, since a scan costs more than a plain page.

use super::{now_ms, BinObject};
use crate::core::capture::listing;
use crate::core::http::error::ApiError;
use crate::core::http::page::PageParams;
use crate::core::http::reply::Reply;
use crate::core::limits::bucket::{Decision, Limiter};
use crate::core::limits::client::client_key;
use crate::core::metrics::delta::RATE_LIMITED;
use crate::core::search::filter::Filter;
use crate::core::search::scan::{self, Budget, Order, Window};
use crate::edge::io::incoming::Incoming;
use crate::edge::io::metrics_sink::Sink;
use std::cell::RefCell;

impl BinObject {
    /// Takes one token of the client's search budget, or the 429.
    pub(super) fn take_search(&self, req: &Incoming, now: i64) -> Result<Decision, ApiError> {
        let client = client_key(req.headers().get("cf-connecting-ip").ok().flatten().as_deref());
        self.take_search_of(&client, now)
    }

    /// Takes one token of `client`'s search budget, or the 429.
    pub(super) fn take_search_of(&self, client: &str, now: i64) -> Result<Decision, ApiError> {
        take_search(&self.searches, &self.metrics, client, now)
    }

    /// A source of `client`'s search tokens for work that goes on after
    /// its request was answered (an export's later scans); each call takes one.
    pub(super) fn search_tokens(&self, client: String) -> Box<dyn Fn() -> bool> {
        let (searches, metrics) = (std::rc::Rc::clone(&self.searches), self.metrics.clone());
        Box::new(move || take_search(&searches, &metrics, &client, now_ms()).is_ok())
    }

    /// The window a scan may read: `filter`'s time range, below `before`.
    pub(super) fn scan_window(&self, filter: &Filter, before: Option<u64>) -> Result<Window, ApiError> {
        let mut window = self.captures().time_window(filter.since_ms, filter.until_ms)?;
        window.before = window.before.min(before.unwrap_or(u64::MAX));
        Ok(window)
    }

    /// What one scan may read (`SEARCH_SCAN_ROWS`, `SEARCH_SCAN_BYTES`).
    pub(super) fn scan_budget(&self) -> Result<Budget, ApiError> {
        let config = self.config()?;
        let rows = usize::try_from(config.search_scan_rows).unwrap_or(usize::MAX);
        Ok(Budget { rows, body_bytes: config.search_scan_bytes })
    }

    /// One page of `GET /v1/bins/{id}/requests` with filters beyond the namespace.
    pub(super) fn search(
        &self,
        req: &Incoming,
        bin: &str,
        page: PageParams,
        filter: &Filter,
        now: i64,
    ) -> Result<Reply, ApiError> {
        let limit = self.take_search(req, now)?;
        let window = self.scan_window(filter, page.before)?;
        let found = scan::find(&self.captures(), filter, window, Order::NewestFirst, page.limit, self.scan_budget()?)?;
        let if_none_match = req.headers().get("if-none-match").ok().flatten();
        Ok(listing::found_reply(bin, &found, if_none_match.as_deref())?.headers(limit.headers()))
    }
}

/// Takes one token of `client`'s budget in `searches`, counting a refusal
/// in `metrics`; a budget already in use (never, between awaits) refuses.
fn take_search(searches: &RefCell<Limiter>, metrics: &Sink, client: &str, now: i64) -> Result<Decision, ApiError> {
    let Ok(mut searches) = searches.try_borrow_mut() else {
        return Err(ApiError::internal("search budget in use"));
    };
    let decision = searches.take(client, now);
    decision.check().inspect_err(|_| metrics.record(|d| d.add(RATE_LIMITED, "search", 1.0)))?;
    Ok(decision)
}
