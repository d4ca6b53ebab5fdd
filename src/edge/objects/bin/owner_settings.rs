//! The bin's settings: its config from `[vars]`, its record, and the
//! settings routes, `/responses` and `/verify`: a read (`GET`/`HEAD`) shows
//! the setting with the read credential of the bin; any other method
//! replaces it with the owner's delete token.

use super::{BinObject, Known};
use crate::core::bin::meta::BinMeta;
use crate::core::config::Config;
use crate::core::http::error::ApiError;
use crate::core::http::reply::Reply;
use crate::core::http::route::BinRoute;
use crate::edge::io::body::read_limited;
use crate::edge::io::incoming::Incoming;

/// Largest rules body read, in bytes: twenty rules of 64 KB bodies, in base64.
const RULES_MAX_BYTES: u64 = 2 * 1024 * 1024;
/// Largest verifiers body read, in bytes.
const VERIFIERS_MAX_BYTES: u64 = 64 * 1024;

impl BinObject {
    /// The settings from `[vars]`, or the misconfiguration they hold.
    pub(super) fn config(&self) -> Result<Config, ApiError> {
        self.config.clone()
    }

    /// The bin's record, if it exists now (it may go during any `.await`).
    pub(super) fn bin(&self) -> Option<BinMeta> {
        match &*self.known.borrow() {
            Known::Bin(meta) => Some(meta.clone()),
            Known::Unread | Known::NoBin => None,
        }
    }

    /// `GET`, `PUT` and `DELETE /v1/bins/{id}/responses`, and `GET` and `PUT /v1/bins/{id}/verify`.
    pub(super) async fn setting(
        &self,
        req: Incoming,
        meta: &BinMeta,
        route: &BinRoute,
        query: &str,
        now: i64,
    ) -> Result<Reply, ApiError> {
        let method = req.inner().method();
        if matches!(method.as_str(), "GET" | "HEAD") {
            self.authorize_read(&req, meta, route, query, now)?;
            return self.show_setting(route, &meta.id);
        }
        self.authorize_owner(&req, meta)?;
        match route {
            BinRoute::Verify => self.replace_verifiers(&read_limited(req.inner(), VERIFIERS_MAX_BYTES).await?)?,
            _ => self.replace_rules(method.as_str(), &read_limited(req.inner(), RULES_MAX_BYTES).await?, &meta.id)?,
        }
        self.show_setting(route, &meta.id)
    }

    fn show_setting(&self, route: &BinRoute, bin: &str) -> Result<Reply, ApiError> {
        match route {
            BinRoute::Verify => self.show_verifiers(bin),
            _ => self.show_rules(),
        }
    }

    /// The 404 for a bin deleted while its setting was being read in.
    pub(super) fn still_a_bin(&self) -> Result<(), ApiError> {
        match *self.known.borrow() {
            Known::Bin(_) => Ok(()),
            Known::Unread | Known::NoBin => Err(ApiError::bin_not_found()),
        }
    }
}
