//! `listen --reply`: the app's answer to a capture, as the `reply` message
//! the service passes on to the capture's waiting sender (or records, when
//! the sender was already answered). The message is documented with the
//! service's WebSocket (`openapi.yaml`, `/v1/bins/{id}/ws`).

use base64::Engine;
use serde_json::json;

use super::Session;
use crate::args::ListenArgs;
use crate::deliver::Answer;
use crate::error::CliError;
use crate::feed::{Terms, Transport};
use crate::{home, saved};

/// Headers of the app's answer that belong to its connection to this
/// command, not to the answer: never passed on.
const CONNECTION_HEADERS: [&str; 8] =
    ["connection", "keep-alive", "transfer-encoding", "content-length", "te", "trailer", "upgrade", "proxy-connection"];

/// The `reply` message for capture `seq` with the app's `answer`: headers
/// as a list of pairs (so repeated ones such as `Set-Cookie` survive), the
/// body in base64 when it was kept, and its size either way.
pub fn message(seq: u64, answer: &Answer) -> String {
    let headers: Vec<(&str, &str)> = answer
        .headers
        .iter()
        .filter(|(name, _)| !CONNECTION_HEADERS.contains(&name.as_str()))
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    let body = answer.body.as_deref().map(|b| base64::engine::general_purpose::STANDARD.encode(b));
    json!({
        "type": "reply",
        "seq": seq,
        "status": answer.status,
        "headers": headers,
        "body_b64": body,
        "body_size": answer.body_size,
    })
    .to_string()
}

impl Session {
    /// The service seated this command as the bin's responder.
    pub(super) fn seated(&mut self, terms: Terms) {
        if self.terms.is_none() {
            let text = format!(
                "replying: while caught up, senders to bin {} wait up to {} ms for {}'s answer",
                self.target.id, terms.timeout_ms, self.args.to
            );
            let fields = json!({ "timeout_ms": terms.timeout_ms, "max_body_bytes": terms.max_body_bytes });
            self.printer.notice("responder", &text, fields);
        }
        self.terms = Some(terms);
    }
}

/// The delete token `--reply` connects with: given, or the saved bin's.
pub(super) fn owner_token(args: &ListenArgs, bin: &str) -> Result<String, CliError> {
    if args.transport == Transport::Sse {
        return Err(CliError::fail("--reply needs the WebSocket: drop --transport sse"));
    }
    if let Some(token) = &args.delete_token {
        return Ok(token.clone());
    }
    let saved = saved::load(&home::bins_dir()?, bin)?;
    saved.map(|s| s.delete_token).ok_or_else(|| {
        CliError::fail(format!(
            "--reply decides what every sender of bin {bin} is told, so it takes the bin's delete token: \
             it is not saved here (give --delete-token or POLYHOOK_DELETE_TOKEN)"
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_headers_survive_and_connection_ones_stay_behind() {
        let answer = Answer {
            status: 201,
            headers: [("set-cookie", "a=1"), ("set-cookie", "b=2"), ("connection", "keep-alive"), ("x-a", "1")]
                .map(|(n, v)| (n.to_string(), v.to_string()))
                .to_vec(),
            body: Some(b"ok".to_vec()),
            body_size: 2,
        };
        let m: serde_json::Value = serde_json::from_str(&message(7, &answer)).unwrap_or_default();
        assert_eq!(m["type"], "reply");
        assert_eq!((m["seq"].as_u64(), m["status"].as_u64()), (Some(7), Some(201)));
        assert_eq!(m["headers"], json!([["set-cookie", "a=1"], ["set-cookie", "b=2"], ["x-a", "1"]]));
        assert_eq!((m["body_b64"].as_str(), m["body_size"].as_u64()), (Some("b2s="), Some(2)));
        let unkept = Answer { body: None, body_size: 9_000_000, ..answer };
        let m: serde_json::Value = serde_json::from_str(&message(7, &unkept)).unwrap_or_default();
        assert!(m["body_b64"].is_null() && m["body_size"] == 9_000_000);
    }
}
