//! The body of `POST .../requests/{rid}/replay`, validated.

use crate::core::http::error::ApiError;
use crate::core::weburl::{ParseUrl, WebUrl};

/// Retries when the order names none.
pub const DEFAULT_MAX_RETRIES: u32 = 5;
/// Most retries an order may ask for.
pub const MAX_RETRIES: u32 = 5;

/// A validated replay order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplayOrder {
    /// Absolute http(s) URL, normalised.
    pub target_url: String,
    /// Retries after a failed first attempt, 0..=5.
    pub max_retries: u32,
}

fn bad(message: &str, details: impl Into<String>) -> ApiError {
    ApiError::bad_request(message).with_details(details)
}

/// Methods a fetch may not send (Fetch standard, "forbidden method").
const UNSENDABLE: [&str; 3] = ["CONNECT", "TRACE", "TRACK"];

/// Refuses to replay a capture whose method no fetch can send.
pub fn check_method(method: &str) -> Result<(), ApiError> {
    if UNSENDABLE.iter().any(|m| m.eq_ignore_ascii_case(method)) {
        return Err(bad("capture cannot be replayed", format!("{method} requests cannot be sent by a fetch")));
    }
    Ok(())
}

/// Parses and checks an order. `own_origins` are this service's own
/// origins (the one the request came in on, and `PUBLIC_URL`): any target
/// on them is refused, whatever its path, so replays cannot loop. `parse`
/// reads the target (on the edge, the runtime's parser: a host in another
/// script comes back in its ASCII form).
pub fn parse(body: &[u8], own_origins: &[WebUrl], parse: ParseUrl) -> Result<ReplayOrder, ApiError> {
    let value: serde_json::Value = serde_json::from_slice(body)
        .map_err(|e| bad("invalid JSON", format!("the body must be a JSON object: {e}")))?;
    let object = value.as_object().ok_or_else(|| bad("invalid JSON", "the body must be a JSON object"))?;
    let raw_target = object
        .get("target_url")
        .and_then(|v| v.as_str())
        .ok_or_else(|| bad("invalid target_url", "target_url is required and must be a string"))?;
    let max_retries = match object.get("max_retries") {
        None => DEFAULT_MAX_RETRIES,
        // JSON has one number type: 2 and 2.0 are the same integer.
        Some(v) => whole(v).filter(|n| *n <= u64::from(MAX_RETRIES)).map(|n| n as u32).ok_or_else(|| {
            bad("invalid max_retries", format!("max_retries must be an integer from 0 to {MAX_RETRIES}"))
        })?,
    };
    let target = target(raw_target.trim(), parse)?;
    if is_own(&target, own_origins) {
        return Err(bad("invalid target_url", "target_url points at this service itself, which could loop"));
    }
    Ok(ReplayOrder { target_url: target.href, max_retries })
}

/// The order's JSON object (its overrides are read by [`crate::core::replay::edit::parse`]).
pub fn object(body: &[u8]) -> Result<serde_json::Map<String, serde_json::Value>, ApiError> {
    match serde_json::from_slice(body) {
        Ok(serde_json::Value::Object(map)) => Ok(map),
        _ => Err(bad("invalid JSON", "the body must be a JSON object")),
    }
}

/// A JSON number with an integral value, as an unsigned integer.
fn whole(v: &serde_json::Value) -> Option<u64> {
    v.as_u64().or_else(|| v.as_f64().filter(|f| f.fract() == 0.0 && *f >= 0.0 && *f < 1e15).map(|f| f as u64))
}

fn target(raw: &str, parse: ParseUrl) -> Result<WebUrl, ApiError> {
    let url = parse(raw).ok_or_else(|| bad("invalid target_url", "target_url must be an absolute http(s) URL"))?;
    if !url.is_http() || url.host.is_empty() {
        return Err(bad("invalid target_url", "target_url must be an absolute http or https URL"));
    }
    if !url.username.is_empty() || !url.password.is_empty() {
        return Err(bad("invalid target_url", "target_url must not carry credentials (user:password@)"));
    }
    Ok(url)
}

/// A host as compared: lowercase, without the trailing dot of a
/// fully-qualified name.
fn host(url: &WebUrl) -> String {
    url.host.trim_end_matches('.').to_ascii_lowercase()
}

/// True if `target` is on one of this service's origins. An origin
/// without an explicit port is a public name, and every port of it reaches
/// the service (the edge also serves alternate ports); one with a port
/// (local development) is that port only.
fn is_own(target: &WebUrl, own_origins: &[WebUrl]) -> bool {
    let (target_host, port) = (host(target), target.port_or_known_default());
    own_origins
        .iter()
        .any(|own| host(own) == target_host && (own.port.is_none() || own.port_or_known_default() == port))
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::core::weburl::native;

    fn own() -> Vec<WebUrl> {
        vec![native("http://127.0.0.1:8787").unwrap(), native("https://hooks.example.com").unwrap()]
    }

    /// Stands in for the platform's parser, which has the IDNA tables: knows
    /// one international name, written out or percent-encoded.
    fn fake_platform(raw: &str) -> Option<WebUrl> {
        match ["bücher", "b%C3%BCcher"].into_iter().find(|n| raw.contains(n)) {
            Some(known) => native(&raw.replace(known, "xn--bcher-kva")),
            None => native(raw),
        }
    }

    fn order(json: &str) -> Result<ReplayOrder, ApiError> {
        parse(json.as_bytes(), &own(), fake_platform)
    }

    #[test]
    fn international_hosts_go_through_the_platform() {
        for host in ["bücher.example", "b%C3%BCcher.example", "xn--bcher-kva.example"] {
            let o = order(&format!(r#"{{"target_url":"https://{host}/hook"}}"#)).unwrap();
            assert_eq!(o.target_url, "https://xn--bcher-kva.example/hook", "{host}");
        }
        // A name the parser cannot map is refused, clearly.
        let err = order(r#"{"target_url":"https://münchen.example/"}"#).unwrap_err();
        assert_eq!((err.status(), err.message.as_str()), (400, "invalid target_url"));
        assert!(err.details.unwrap().contains("absolute http(s) URL"));
    }

    #[test]
    fn accepts_http_and_https_with_default_retries() {
        let o = order(r#"{"target_url":"http://127.0.0.1:9000/hook"}"#).unwrap();
        assert_eq!(o, ReplayOrder { target_url: "http://127.0.0.1:9000/hook".into(), max_retries: 5 });
        assert_eq!(order(r#"{"target_url":"https://x.example","max_retries":0}"#).unwrap().max_retries, 0);
        assert_eq!(order(r#"{"target_url":"https://x.example","max_retries":2.0}"#).unwrap().max_retries, 2);
    }

    #[test]
    fn rejects_bad_json_urls_and_retries() {
        for (body, message) in [
            ("not json", "invalid JSON"),
            ("[1]", "invalid JSON"),
            ("{}", "invalid target_url"),
            (r#"{"target_url":5}"#, "invalid target_url"),
            (r#"{"target_url":"/relative"}"#, "invalid target_url"),
            (r#"{"target_url":"ftp://x.example/"}"#, "invalid target_url"),
            (r#"{"target_url":"mailto:a@b.example"}"#, "invalid target_url"),
            (r#"{"target_url":"http://x.example","max_retries":6}"#, "invalid max_retries"),
            (r#"{"target_url":"http://x.example","max_retries":-1}"#, "invalid max_retries"),
            (r#"{"target_url":"http://x.example","max_retries":1.5}"#, "invalid max_retries"),
            (r#"{"target_url":"http://x.example","max_retries":"2"}"#, "invalid max_retries"),
            (r#"{"target_url":"http://x.example","max_retries":null}"#, "invalid max_retries"),
        ] {
            let err = order(body).unwrap_err();
            assert_eq!((err.status(), err.message.as_str()), (400, message), "{body}");
        }
    }

    #[test]
    fn refuses_every_path_of_our_own_hosts() {
        for url in [
            "http://127.0.0.1:8787/v1/bins/k3p9q2x7m1nb/in",
            "http://127.0.0.1:8787/v1/bins/aaaaaaaaaaaa/in/deeper?x=1",
            "http://127.0.0.1:8787/v1/bins/k3p9q2x7m1nb/requests/k3p9q2x7m1nb-1/replay",
            "http://127.0.0.1:8787/anything",
            "https://HOOKS.example.com/v1/bins/k3p9q2x7m1nb/in",
            "http://hooks.example.com/v1/bins/k3p9q2x7m1nb/in",
            "https://hooks.example.com./v1/replays/k3p9q2x7m1nb-r1/retry",
            "https://hooks.example.com:8443/v1/bins/k3p9q2x7m1nb/in",
        ] {
            let err = order(&format!(r#"{{"target_url":"{url}"}}"#)).unwrap_err();
            assert!(err.details.unwrap().contains("loop"), "{url}");
        }
    }

    #[test]
    fn refuses_credentials_and_unsendable_methods() {
        let err = order(r#"{"target_url":"https://u:p@x.example/"}"#).unwrap_err();
        assert!(err.details.unwrap().contains("credentials"));
        assert!(order(r#"{"target_url":"https://u@x.example/"}"#).is_err());
        for m in ["TRACE", "connect", "TRACK"] {
            assert_eq!(check_method(m).unwrap_err().status(), 400, "{m}");
        }
        assert!(check_method("PROPFIND").is_ok() && check_method("POST").is_ok());
    }

    #[test]
    fn other_ports_hosts_and_paths_are_fine() {
        for url in [
            "http://127.0.0.1:9999/v1/bins/k3p9q2x7m1nb/in",
            "http://localhost:8787/hook",
            "https://other.example/v1/bins/k3p9q2x7m1nb/in",
            "https://hooks.example.com.evil.example/",
        ] {
            assert!(order(&format!(r#"{{"target_url":"{url}"}}"#)).is_ok(), "{url}");
        }
    }
}
