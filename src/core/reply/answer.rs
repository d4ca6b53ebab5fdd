//! A responder's `reply` message, checked into the answer the sender gets.
//! Headers follow the response rules' rules ([`headers::refusal`]); one
//! that may not go out is dropped and named in the record, and the rest
//! of the answer still goes. The answer carries the same sandboxing CSP as
//! a rule's, since it is served on the service's own origin.

use crate::core::answer::headers;
use crate::core::answer::render::owner_reply;
use crate::core::http::reply::Reply;
use crate::core::reply::outcome::{AppAnswer, Fallback};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;

/// The app's answer to capture `seq`, as the responder sends it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppReply {
    /// The capture answered.
    pub seq: u64,
    /// The app's status.
    pub status: u16,
    /// Its headers, in order, repeats kept (each `Set-Cookie` on its own).
    pub headers: Vec<(String, String)>,
    /// Its body in base64; absent when the responder left out one too large to send.
    pub body_b64: Option<String>,
    /// Its body's size, in bytes.
    pub body_size: u64,
}

/// What the sender of a capture of bin `bin` gets from `app` (`navigation`:
/// a browser navigated there), and what is recorded of it; or why it
/// cannot be sent (the record is then still the app's).
pub fn check(app: &AppReply, bin: &str, navigation: bool, max_body_bytes: u64) -> (AppAnswer, Result<Reply, Fallback>) {
    let mut dropped: Vec<String> = Vec::new();
    let mut kept: Vec<(String, String)> = Vec::new();
    for (name, value) in &app.headers {
        let lower = name.to_ascii_lowercase();
        if headers::refusal(name, value, bin).is_some() {
            if !dropped.contains(&lower) {
                dropped.push(lower);
            }
        } else {
            kept.push((lower, value.clone()));
        }
    }
    let record = AppAnswer { status: app.status, body_size: app.body_size, dropped_headers: dropped, late: false };
    let reply = body(app, max_body_bytes).and_then(|body| {
        if !(200..=599).contains(&app.status) {
            return Err(Fallback::Invalid);
        }
        Ok(owner_reply(app.status, kept.iter().map(|(n, v)| (n.as_str(), v.clone())), body, navigation))
    });
    (record, reply)
}

/// The body bytes of `app`, within `max_body_bytes`.
fn body(app: &AppReply, max_body_bytes: u64) -> Result<Vec<u8>, Fallback> {
    if app.body_size > max_body_bytes {
        return Err(Fallback::TooLarge);
    }
    let bytes = match &app.body_b64 {
        Some(b64) => STANDARD.decode(b64).map_err(|_| Fallback::Invalid)?,
        None if app.body_size == 0 => Vec::new(),
        None => return Err(Fallback::TooLarge),
    };
    if bytes.len() as u64 != app.body_size {
        return Err(if bytes.len() as u64 > max_body_bytes { Fallback::TooLarge } else { Fallback::Invalid });
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    const BIN: &str = "k3p9q2x7m1nb";

    fn app(status: u16, headers: &[(&str, &str)], body: &[u8]) -> AppReply {
        AppReply {
            seq: 1,
            status,
            headers: headers.iter().map(|(n, v)| (n.to_string(), v.to_string())).collect(),
            body_b64: Some(STANDARD.encode(body)),
            body_size: body.len() as u64,
        }
    }

    #[test]
    fn the_apps_answer_goes_out_as_it_came() {
        let a = app(
            201,
            &[
                ("X-Delivery", "ok"),
                ("Set-Cookie", "a=1; Path=/v1/bins/k3p9q2x7m1nb/in"),
                ("Set-Cookie", "b=2; Path=/v1/bins/k3p9q2x7m1nb/in"),
            ],
            b"{{seq}}\x00",
        );
        let (record, reply) = check(&a, BIN, false, 100);
        let reply = reply.unwrap();
        assert_eq!((reply.status, reply.body.as_slice()), (201, &b"{{seq}}\x00"[..]), "no placeholders: bytes as sent");
        assert_eq!(reply.header_value("x-delivery"), Some("ok"));
        assert_eq!(reply.headers.iter().filter(|(n, _)| n == "set-cookie").count(), 2, "repeats survive");
        assert!(reply.header_value("content-security-policy").is_some());
        assert_eq!(record, AppAnswer { status: 201, body_size: 8, dropped_headers: vec![], late: false });
    }

    #[test]
    fn headers_that_reach_past_the_answer_are_dropped_and_named() {
        let a = app(
            200,
            &[
                ("Connection", "close"),
                ("Set-Cookie", "s=1; Path=/"),
                ("set-cookie", "t=1; Domain=x"),
                ("Access-Control-Allow-Origin", "*"),
                ("X-Ok", "1"),
            ],
            b"",
        );
        let (record, reply) = check(&a, BIN, false, 100);
        let reply = reply.unwrap();
        assert_eq!(record.dropped_headers, ["connection", "set-cookie", "access-control-allow-origin"]);
        assert_eq!(reply.header_value("x-ok"), Some("1"));
        assert_eq!(reply.header_value("set-cookie"), None);
    }

    #[test]
    fn what_cannot_be_sent_falls_back_and_is_still_recorded() {
        let (record, reply) = check(&app(200, &[], &[7; 101]), BIN, false, 100);
        assert_eq!((record.status, record.body_size, reply), (200, 101, Err(Fallback::TooLarge)));
        let mut left_out = app(200, &[], b"");
        (left_out.body_b64, left_out.body_size) = (None, 5000);
        assert_eq!(check(&left_out, BIN, false, 100).1, Err(Fallback::TooLarge));
        assert_eq!(check(&app(101, &[], b""), BIN, false, 100).1, Err(Fallback::Invalid));
        let mut garbled = app(200, &[], b"ab");
        garbled.body_b64 = Some("***".into());
        assert_eq!(check(&garbled, BIN, false, 100).1, Err(Fallback::Invalid));
        garbled.body_b64 = Some(STANDARD.encode(b"abc"));
        assert_eq!(check(&garbled, BIN, false, 100).1, Err(Fallback::Invalid), "size must match");
    }
}
