//! Which headers a replay re-sends, and the ones it adds.

use std::collections::BTreeMap;

use crate::core::capture::model::Capture;

/// Headers the runtime frames or sets for each outgoing request
/// (hop-by-hop ones, RFC 9110 §7.6.1, and the framing ones): never re-sent
/// as captured, and never set by an edit.
pub const FRAMED: [&str; 9] = [
    "host",
    "content-length",
    "connection",
    "transfer-encoding",
    "keep-alive",
    "upgrade",
    "te",
    "trailer",
    "proxy-connection",
];

/// Header naming the capture a replay re-sends.
pub const REPLAY_OF: &str = "x-polyhook-replay-of";
/// Header with a key that is the same for every attempt of one replay, so a
/// target can drop duplicates.
pub const IDEMPOTENCY_KEY: &str = "idempotency-key";

/// The captured headers worth re-sending to another server, in send order:
/// hop-by-hop ones, those the runtime sets, Cloudflare's own `cf-*` and
/// anything the capture's `Connection` header named are dropped, and each
/// `Set-Cookie` value goes out as its own header. Replays and the
/// `polyhook listen` forwarder share this rule.
pub fn forward_headers(headers: &BTreeMap<String, String>, set_cookies: &[String]) -> Vec<(String, String)> {
    let named_by_connection: Vec<String> = headers
        .get("connection")
        .map(|v| v.split(',').map(|t| t.trim().to_ascii_lowercase()).collect())
        .unwrap_or_default();
    let keep = |name: &str| {
        // `set-cookie` is re-sent from `set_cookies`, one header per value.
        !FRAMED.contains(&name)
            && name != "set-cookie"
            && !name.starts_with("cf-")
            && !named_by_connection.iter().any(|n| n == name)
    };
    let mut out: Vec<(String, String)> =
        headers.iter().filter(|(n, _)| keep(n)).map(|(n, v)| (n.clone(), v.clone())).collect();
    out.extend(set_cookies.iter().map(|c| ("set-cookie".to_string(), c.clone())));
    out
}

/// The headers for a replay of `capture` (whose id is `request_id`) under
/// replay id `replay_id`, in send order: [`forward_headers`], less any
/// copies of our own two headers, then those two.
pub fn replay_headers(capture: &Capture, request_id: &str, replay_id: &str) -> Vec<(String, String)> {
    let mut out = forward_headers(&capture.headers, &capture.set_cookies);
    out.retain(|(n, _)| n != REPLAY_OF && n != IDEMPOTENCY_KEY);
    out.push((REPLAY_OF.to_string(), request_id.to_string()));
    out.push((IDEMPOTENCY_KEY.to_string(), replay_id.to_string()));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drops_hop_by_hop_and_runtime_headers_and_adds_ours() {
        let mut c = Capture::sample(1, 0);
        for (n, v) in [
            ("host", "a"),
            ("content-length", "3"),
            ("connection", "keep-alive, x-hop"),
            ("x-hop", "1"),
            ("transfer-encoding", "chunked"),
            ("te", "trailers"),
            ("cf-connecting-ip", "203.0.113.1"),
            ("x-signature", "abc"),
            ("content-type", "application/json"),
        ] {
            c.headers.insert(n.into(), v.into());
        }
        c.set_cookies = vec!["a=1; Path=/".into(), "b=2".into()];
        c.headers.insert("set-cookie".into(), "a=1; Path=/, b=2".into());
        let h = replay_headers(&c, "bin-1", "bin-r1");
        let names: Vec<&str> = h.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["content-type", "x-signature", "set-cookie", "set-cookie", REPLAY_OF, IDEMPOTENCY_KEY]);
        assert_eq!(h[2].1, "a=1; Path=/");
        assert_eq!(h[4].1, "bin-1");
        assert_eq!(h[5].1, "bin-r1");
    }
}
