//! The request one replay attempt sends: the capture as it came, or, for
//! an edited replay, with its overrides applied and, when asked, signed
//! afresh by the bin's verifier of that scheme (a new timestamp each
//! attempt; for Standard Webhooks one message id per replay, as a sender
//! keeps one id across its own retries).

use super::{now_ms, BinObject};
use crate::core::bin::ids::request_id;
use crate::core::capture::model::Capture;
use crate::core::http::error::ApiError;
use crate::core::replay::headers::replay_headers;
use crate::core::replay::model::{replay_id, Replay};
use crate::core::stream::backlog::CaptureSource;
use crate::core::verify::sign::{sign, signature_headers};

/// One attempt's request.
pub(super) struct Outgoing {
    pub url: String,
    pub method: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl BinObject {
    /// The request replay `replay` of `capture` in bin `bin` sends now; an
    /// `Err` text when it can never be sent (its verifier was removed).
    pub(super) fn outgoing(
        &self,
        bin: &str,
        replay: &Replay,
        capture: Capture,
    ) -> Result<Result<Outgoing, String>, ApiError> {
        let rid = replay_id(bin, replay.n);
        let mut headers = replay_headers(&capture, &request_id(bin, capture.seq), &rid);
        let Some(edit) = &replay.edit else {
            let body = self.captures().body(capture.seq)?;
            return Ok(Ok(Outgoing { url: replay.target_url.clone(), method: capture.method, headers, body }));
        };
        let body =
            if edit.body.is_some() { self.replays().body(replay.n)? } else { self.captures().body(capture.seq)? };
        edit.apply_headers(&mut headers);
        if let Some(scheme) = &edit.resign {
            let Some(verifier) = self.with_verifiers(|vs| vs.iter().find(|v| v.scheme.name() == scheme).cloned())?
            else {
                return Ok(Err(format!("the bin has no {scheme} verifier to re-sign with any more")));
            };
            let old = signature_headers(&verifier);
            headers.retain(|(n, _)| !old.contains(n));
            let svix = capture.headers.contains_key("svix-id");
            let message_id = format!("msg_{}", rid.replace('-', "_"));
            headers.extend(sign(&verifier, &body, now_ms().div_euclid(1000), &message_id, svix));
        }
        let method = edit.method.clone().unwrap_or(capture.method);
        Ok(Ok(Outgoing { url: edit.url(&replay.target_url), method, headers, body }))
    }
}
