//! The playground page's files, embedded at build time from `public/`,
//! and the headers they are served with.

use crate::core::http::etag;
use crate::core::http::reply::Reply;

mod table {
    include!(concat!(env!("OUT_DIR"), "/assets.rs"));
}

/// The page's Content-Security-Policy: scripts, styles and connections from
/// this origin only and nothing inline, so a captured payload the page
/// shows can never run as code.
pub const PAGE_CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

/// The embedded file served at `path` (`/` is `/index.html`).
pub fn find(path: &str) -> Option<&'static [u8]> {
    let path = if path == "/" { "/index.html" } else { path };
    table::FILES.iter().find(|(p, _)| *p == path).map(|(_, body)| *body)
}

fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next() {
        Some("js" | "mjs") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("ico") => "image/x-icon",
        Some("json") => "application/json",
        _ if path == "/" => "text/html; charset=utf-8",
        Some("html") => "text/html; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// The reply for `path`'s file: 200 with strict headers, or 304 when
/// `if_none_match` already names it. Browsers revalidate every time
/// (`no-cache`), so a new deploy shows at once.
pub fn reply(path: &str, body: &'static [u8], if_none_match: Option<&str>) -> Reply {
    let tag = etag::strong(body);
    let fresh = if_none_match.is_some_and(|h| etag::if_none_match_hits(h, &tag));
    let reply = if fresh { Reply::empty(304) } else { Reply::bytes(200, body.to_vec()) };
    reply
        .header("content-type", content_type(path))
        .header("etag", &tag)
        .header("cache-control", "no-cache")
        .header("content-security-policy", PAGE_CSP)
        .header("x-content-type-options", "nosniff")
        .header("referrer-policy", "no-referrer")
        .header("x-frame-options", "DENY")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn root_is_the_page() {
        let body = find("/").unwrap();
        assert_eq!(find("/index.html"), Some(body));
        let r = reply("/", body, None);
        assert_eq!(r.status, 200);
        assert_eq!(r.header_value("content-type"), Some("text/html; charset=utf-8"));
        assert!(r.header_value("content-security-policy").unwrap().contains("script-src 'self'"));
        assert!(!PAGE_CSP.contains("unsafe-inline"));
    }

    #[test]
    fn revalidation_is_304() {
        let body = find("/").unwrap();
        let tag = reply("/", body, None).header_value("etag").unwrap().to_string();
        let r = reply("/", body, Some(&tag));
        assert_eq!((r.status, r.body.len()), (304, 0));
    }

    #[test]
    fn scripts_have_a_script_type_and_unknown_files_are_absent() {
        assert!(find("/app.js").is_some());
        assert_eq!(content_type("/app.js"), "text/javascript; charset=utf-8");
        assert!(find("/nope.js").is_none());
        assert!(find("/_headers").is_none(), "dotfiles and _files are not served");
    }
}
