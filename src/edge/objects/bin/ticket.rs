//! A bin's credentials: the owner's delete token, and for reading a
//! private bin its read token (header, or `?token=` for compatibility), or
//! for the stream a short-lived ticket, so the token need not travel in a URL.

use super::{BinObject, Known};
use crate::core::bin::ids::random_bytes;
use crate::core::bin::meta::BinMeta;
use crate::core::bin::ticket::{self, KEY_BYTES};
use crate::core::bin::token::Credential;
use crate::core::hex::{self, hex};
use crate::core::http::error::{ApiError, ErrorKind};
use crate::core::http::query::param;
use crate::core::http::reply::Reply;
use crate::core::http::route::BinRoute;
use crate::core::time::rfc3339_ms;
use crate::edge::io::incoming::Incoming;

impl BinObject {
    /// Checks the read credential of a read route.
    pub(super) fn authorize_read(
        &self,
        req: &Incoming,
        meta: &BinMeta,
        route: &BinRoute,
        query: &str,
        now: i64,
    ) -> Result<(), ApiError> {
        if let (BinRoute::Stream, Some(presented)) = (route, param(query, "ticket")) {
            // No key means no ticket was ever issued for this bin; an empty key would verify forgeries.
            let key =
                meta.ticket_key.as_deref().and_then(hex::decode).filter(|k| k.len() == KEY_BYTES).ok_or_else(|| {
                    ApiError::new(ErrorKind::Forbidden, "invalid stream ticket")
                        .with_details("no ticket was issued for this bin")
                })?;
            return ticket::verify(&key, &meta.id, &presented, now);
        }
        let header = req.headers().get("x-authorization").ok().flatten();
        meta.authorize(Credential::Read, header.or_else(|| param(query, "token")).as_deref())
    }

    /// Checks the owner's delete token, which changes a bin.
    pub(super) fn authorize_owner(&self, req: &Incoming, meta: &BinMeta) -> Result<(), ApiError> {
        meta.authorize(Credential::Delete, req.headers().get("x-delete-token").ok().flatten().as_deref())
    }

    /// `POST /v1/bins/{id}/stream-ticket`: a ticket for this bin's stream.
    pub(super) fn issue_ticket(&self, meta: &BinMeta, now: i64) -> Result<Reply, ApiError> {
        let key = match meta.ticket_key.as_deref().and_then(hex::decode).filter(|k| k.len() == KEY_BYTES) {
            Some(key) => key,
            None => self.new_ticket_key(meta)?,
        };
        let ttl_ms = i64::try_from(self.config()?.stream_ticket_s.saturating_mul(1000)).unwrap_or(i64::MAX);
        let expires_at_ms = now.saturating_add(ttl_ms);
        let answer = serde_json::json!({
            "ticket": ticket::issue(&key, &meta.id, expires_at_ms)?,
            "expires_at": rfc3339_ms(expires_at_ms),
        });
        Ok(Reply::json(200, &answer)?.header("cache-control", "no-store"))
    }

    /// Makes and stores a ticket key for a bin created before tickets.
    fn new_ticket_key(&self, meta: &BinMeta) -> Result<Vec<u8>, ApiError> {
        let key = new_key()?;
        self.record().set_ticket_key(&hex(&key))?;
        let mut updated = meta.clone();
        updated.ticket_key = Some(hex(&key));
        *self.known.borrow_mut() = Known::Bin(updated);
        Ok(key)
    }
}

/// A fresh random ticket key.
pub(super) fn new_key() -> Result<Vec<u8>, ApiError> {
    let mut key = vec![0u8; KEY_BYTES];
    random_bytes(&mut key)?;
    Ok(key)
}
