//! Cross-origin access for browser clients such as the playground, which is
//! served from another origin (Fetch standard, CORS protocol).

use crate::core::http::methods::Methods;
use crate::core::http::reply::Reply;

/// Response headers scripts on other origins may read.
pub const EXPOSED_HEADERS: &str =
    "ETag, Retry-After, X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset, Location, Content-Disposition";
/// Request headers allowed on the API when a preflight names none.
const DEFAULT_ALLOWED_HEADERS: &str = "Content-Type, If-None-Match, X-Delete-Token, X-Authorization, Last-Event-ID";
/// How long browsers may cache a preflight answer, in seconds.
const PREFLIGHT_MAX_AGE_S: &str = "86400";

/// Headers added to every response.
pub fn response_headers() -> [(&'static str, &'static str); 2] {
    [("access-control-allow-origin", "*"), ("access-control-expose-headers", EXPOSED_HEADERS)]
}

/// True for a CORS preflight: `OPTIONS` with both `Origin` and
/// `Access-Control-Request-Method`. Any other `OPTIONS` is an ordinary request.
pub fn is_preflight(method: &str, origin: Option<&str>, request_method: Option<&str>) -> bool {
    method == "OPTIONS" && origin.is_some() && request_method.is_some()
}

/// The 204 answer to a preflight for a path accepting `methods`. The
/// requested headers are echoed, since ingest must accept whatever a sender
/// sets; the API's own routes need nothing beyond the defaults.
pub fn preflight(methods: Methods, request_method: &str, request_headers: Option<&str>) -> Reply {
    let allow_methods = match methods {
        Methods::Any => request_method.to_string(),
        Methods::Only(_) => methods.allow_header(),
    };
    let allow_headers = request_headers.filter(|h| !h.trim().is_empty()).unwrap_or(DEFAULT_ALLOWED_HEADERS);
    Reply::empty(204)
        .header("access-control-allow-methods", &allow_methods)
        .header("access-control-allow-headers", allow_headers)
        .header("access-control-max-age", PREFLIGHT_MAX_AGE_S)
        .header("vary", "Access-Control-Request-Method, Access-Control-Request-Headers")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_only_real_preflights() {
        assert!(is_preflight("OPTIONS", Some("https://a.example"), Some("POST")));
        assert!(!is_preflight("OPTIONS", None, Some("POST")));
        assert!(!is_preflight("OPTIONS", Some("https://a.example"), None));
        assert!(!is_preflight("POST", Some("https://a.example"), Some("POST")));
    }

    #[test]
    fn ingest_preflight_echoes_method_and_headers() {
        let r = preflight(Methods::Any, "PATCH", Some("x-signature, content-type"));
        assert_eq!(r.status, 204);
        assert_eq!(r.header_value("access-control-allow-methods"), Some("PATCH"));
        assert_eq!(r.header_value("access-control-allow-headers"), Some("x-signature, content-type"));
    }

    #[test]
    fn api_preflight_lists_route_methods() {
        let r = preflight(Methods::Only(&["DELETE"]), "DELETE", None);
        assert_eq!(r.header_value("access-control-allow-methods"), Some("DELETE, OPTIONS"));
        assert!(r.header_value("access-control-allow-headers").unwrap().contains("X-Delete-Token"));
    }

    #[test]
    fn exposes_etag_and_rate_limit_headers() {
        let exposed = response_headers()[1].1;
        for h in ["ETag", "Retry-After", "X-RateLimit-Remaining"] {
            assert!(exposed.contains(h));
        }
    }
}
