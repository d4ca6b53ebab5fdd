//! The path and query of a request's URL, read straight off the string the
//! runtime serialises (WHATWG form: scheme, `//`, authority, then a path
//! that is never empty for http(s)). Routing needs only these two, and a
//! full URL parse per request shows in the ingest profile.

/// A request URL's path (`/` at least) and query (without `?`, empty if none).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Target<'a> {
    /// The path, percent-encoded as sent.
    pub path: &'a str,
    /// The query string without its `?`.
    pub query: &'a str,
}

/// Splits an absolute URL into its path and query; a fragment is dropped.
pub fn split(url: &str) -> Target<'_> {
    let url = url.split_once('#').map_or(url, |(before, _)| before);
    let after_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
    let Some(slash) = after_scheme.find(['/', '?']) else {
        return Target { path: "/", query: "" };
    };
    let rest = &after_scheme[slash..];
    let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
    Target { path: if path.is_empty() { "/" } else { path }, query }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(url: &str) -> (&str, &str) {
        let t = split(url);
        (t.path, t.query)
    }

    #[test]
    fn splits_what_the_runtime_serialises() {
        assert_eq!(parts("http://127.0.0.1:8787/v1/bins/abc/in/x?y=1&z"), ("/v1/bins/abc/in/x", "y=1&z"));
        assert_eq!(parts("https://hooks.example/"), ("/", ""));
        assert_eq!(parts("https://hooks.example"), ("/", ""));
        assert_eq!(parts("https://hooks.example?q=1"), ("/", "q=1"));
        assert_eq!(parts("https://hooks.example/a?"), ("/a", ""));
        assert_eq!(parts("https://hooks.example/a?b?c=/d"), ("/a", "b?c=/d"));
        assert_eq!(parts("https://hooks.example/a#frag?x"), ("/a", ""));
        assert_eq!(parts("https://u:p@hooks.example:8443/%E2%9C%93?%20"), ("/%E2%9C%93", "%20"));
    }

    #[test]
    fn agrees_with_a_full_parse() {
        for raw in [
            "http://127.0.0.1:8787/v1/bins/k3p9q2x7m1nb/in",
            "http://127.0.0.1:8787/v1/bins/k3p9q2x7m1nb/in/a/b;c?x=%2F&y",
            "https://hooks.example/v1/bins/k3p9q2x7m1nb/requests?limit=5&q=a+b",
            "http://[::1]:8787/v1/health",
        ] {
            let url = url::Url::parse(raw).unwrap();
            assert_eq!(parts(raw), (url.path(), url.query().unwrap_or("")), "{raw}");
        }
    }
}
