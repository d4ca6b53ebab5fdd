//! Reading a bin's captures: the paged list, one capture's detail, and its
//! raw body.

use super::BinObject;
use crate::core::bin::ids::parse_request_id;
use crate::core::capture::listing;
use crate::core::capture::model::Capture;
use crate::core::capture::raw;
use crate::core::http::error::ApiError;
use crate::core::http::reply::Reply;
use crate::core::stream::backlog::CaptureSource;
use crate::edge::io::incoming::Incoming;

impl BinObject {
    /// `GET /v1/bins/{id}/requests`.
    pub(super) fn list(&self, req: &Incoming, bin: &str, query: &str, now: i64) -> Result<Reply, ApiError> {
        let params = listing::parse_params(query)?;
        if !params.filter.only_namespace() {
            return self.search(req, bin, params.page, &params.filter, now);
        }
        let rows = self.captures().page(params.page.before, params.page.rows_to_read(), &params.filter.namespace)?;
        let if_none_match = req.headers().get("if-none-match").ok().flatten();
        listing::page_reply(bin, &rows, params.page.limit, if_none_match.as_deref())
    }

    /// Capture `rid` of bin `bin` with its body, or 404.
    fn stored(&self, bin: &str, rid: &str) -> Result<(Capture, Vec<u8>), ApiError> {
        let seq = parse_request_id(bin, rid)?;
        let captures = self.captures();
        let capture = captures.capture(seq)?.ok_or_else(|| ApiError::not_found("request not found"))?;
        Ok((capture, captures.body(seq)?))
    }

    /// `GET /v1/bins/{id}/requests/{rid}`.
    pub(super) fn detail(&self, bin: &str, rid: &str) -> Result<Reply, ApiError> {
        let (capture, body) = self.stored(bin, rid)?;
        Reply::json(200, &capture.view(bin, Some(&body)))
    }

    /// `GET /v1/bins/{id}/requests/{rid}/raw`.
    pub(super) fn raw(&self, bin: &str, rid: &str) -> Result<Reply, ApiError> {
        let (capture, body) = self.stored(bin, rid)?;
        Ok(raw::raw_reply(capture.content_type.as_deref(), body))
    }
}
