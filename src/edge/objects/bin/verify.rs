//! A bin's signature verifiers: the API that sets them (the owner's delete
//! token) and shows them without their secrets (the read token of a
//! private bin), the cached copy ingest checks against, and re-checking
//! one stored capture.

use super::storage::cached;
use super::BinObject;
use crate::core::bin::ids::{parse_request_id, request_id};
use crate::core::bin::meta::BinMeta;
use crate::core::capture::model::Capture;
use crate::core::http::error::ApiError;
use crate::core::http::reply::Reply;
use crate::core::stream::backlog::CaptureSource;
use crate::core::verify::check::check_all;
use crate::core::verify::outcome::Verification;
use crate::core::verify::verifier::{parse_verifiers, Verifier};
use crate::edge::io::incoming::Incoming;
use serde::Serialize;
use worker::console_error;

/// The answer of `POST .../requests/{rid}/verify`.
#[derive(Serialize)]
struct Rechecked<'a> {
    request_id: String,
    verification: Option<&'a Verification>,
    /// Whether the outcome replaced the stored one: only the owner's may.
    stored: bool,
}

impl BinObject {
    /// Runs `f` on the verifiers, loading them once.
    pub(super) fn with_verifiers<T>(&self, f: impl FnOnce(&[Verifier]) -> T) -> Result<T, ApiError> {
        cached(&self.verifiers, || self.verifiers().load(), |vs| f(vs))
    }

    /// The verification of a new capture. Verifiers that cannot be read
    /// are logged and skipped: the capture is stored all the same.
    pub(super) fn verification(&self, capture: &Capture, body: &[u8]) -> Option<Verification> {
        let checked = self.with_verifiers(|vs| check_all(vs, &capture.headers, body, capture.received_at_ms));
        checked.unwrap_or_else(|err| {
            console_error!("verifiers: {}", err);
            *self.verifiers.borrow_mut() = None;
            None
        })
    }

    /// Replaces the verifiers with those in `body`.
    pub(super) fn replace_verifiers(&self, body: &[u8]) -> Result<(), ApiError> {
        let max = usize::try_from(self.config()?.verify_max_verifiers).unwrap_or(usize::MAX);
        let verifiers = parse_verifiers(body, max)?;
        self.still_a_bin()?;
        // A write that failed part way leaves storage unknown: read it again next time.
        *self.verifiers.borrow_mut() = None;
        self.verifiers().replace(&verifiers)?;
        *self.verifiers.borrow_mut() = Some(verifiers);
        Ok(())
    }

    pub(super) fn show_verifiers(&self, bin: &str) -> Result<Reply, ApiError> {
        self.with_verifiers(|vs| {
            let shown: Vec<_> = vs.iter().map(|v| v.shown(bin)).collect();
            Reply::json(200, &serde_json::json!({ "verifiers": shown }))
        })?
    }

    /// `POST /v1/bins/{id}/requests/{rid}/verify`: checks capture `rid`
    /// under the verifiers set now, against its stored bytes and its
    /// receive time. The owner's check (with the delete token) stores the
    /// outcome; anyone else who may read the bin only sees it, so a reader
    /// cannot rewrite what the capture's record says.
    pub(super) fn reverify(&self, req: &Incoming, meta: &BinMeta, rid: &str, now: i64) -> Result<Reply, ApiError> {
        let owner = req.headers().has("x-delete-token").unwrap_or(false);
        if owner {
            self.authorize_owner(req, meta)?;
        }
        let limit = self.take_search(req, now)?;
        let bin = meta.id.as_str();
        let seq = parse_request_id(bin, rid)?;
        let captures = self.captures();
        let capture = captures.capture(seq)?.ok_or_else(|| ApiError::not_found("request not found"))?;
        let body = captures.body(seq)?;
        let outcome = self.with_verifiers(|vs| check_all(vs, &capture.headers, &body, capture.received_at_ms))?;
        if owner {
            captures.set_verification(seq, outcome.as_ref())?;
        }
        let answer = Rechecked { request_id: request_id(bin, seq), verification: outcome.as_ref(), stored: owner };
        Ok(Reply::json(200, &answer)?.headers(limit.headers()))
    }
}
