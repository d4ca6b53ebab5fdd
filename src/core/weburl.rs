//! An absolute URL in the parts the WHATWG URL Standard gives it. Core
//! never parses one itself: the caller hands in a [`ParseUrl`]. On the edge
//! that is the runtime's own `URL` class, which has the IDNA tables and is
//! the parser `fetch` uses, so a check and the request it guards read a
//! URL alike (and the wasm carries no URL parser of its own). Natively it
//! is [`native`], the `url` crate, which implements the same standard.

/// A parsed absolute URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebUrl {
    /// The whole URL as serialised (`href`): hosts in ASCII (punycode).
    pub href: String,
    /// The scheme, lowercase, without its colon.
    pub scheme: String,
    /// The user name before `@`; empty when there is none.
    pub username: String,
    /// The password before `@`; empty when there is none.
    pub password: String,
    /// The host as serialised (`hostname`): IPv6 in brackets; empty for none.
    pub host: String,
    /// The port, when one is given that is not the scheme's default.
    pub port: Option<u16>,
    /// Whether the URL has a query (`?`, even an empty one).
    pub has_query: bool,
    /// Whether the URL has a fragment (`#`, even an empty one).
    pub has_fragment: bool,
}

/// Parses an absolute URL; `None` if it is not one.
pub type ParseUrl = fn(&str) -> Option<WebUrl>;

impl WebUrl {
    /// True for `http` and `https`.
    pub fn is_http(&self) -> bool {
        matches!(self.scheme.as_str(), "http" | "https")
    }

    /// The port, or the scheme's default one (`http` 80, `https` 443).
    pub fn port_or_known_default(&self) -> Option<u16> {
        self.port.or(match self.scheme.as_str() {
            "http" | "ws" => Some(80),
            "https" | "wss" => Some(443),
            "ftp" => Some(21),
            _ => None,
        })
    }

    /// `scheme://host[:port]`, the origin of an http(s) URL.
    pub fn origin(&self) -> String {
        match self.port {
            Some(port) => format!("{}://{}:{port}", self.scheme, self.host),
            None => format!("{}://{}", self.scheme, self.host),
        }
    }
}

/// The `url` crate's parse, for native code and tests. It is built without
/// IDNA tables (`idna_adapter` 1.0 is pinned in Cargo.lock for the wasm's
/// sake), so a host written in another script is taken in ASCII form only.
#[cfg(not(target_arch = "wasm32"))]
pub fn native(raw: &str) -> Option<WebUrl> {
    let url = url::Url::parse(raw).ok()?;
    Some(WebUrl {
        href: url.as_str().to_string(),
        scheme: url.scheme().to_string(),
        username: url.username().to_string(),
        password: url.password().unwrap_or_default().to_string(),
        host: url.host_str().unwrap_or_default().to_string(),
        port: url.port(),
        has_query: url.query().is_some(),
        has_fragment: url.fragment().is_some(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_as_the_standard_gives_them() {
        let u = native("HTTPS://User:pw@Example.COM:8443/a?b#c").unwrap();
        assert_eq!((u.scheme.as_str(), u.host.as_str(), u.port), ("https", "example.com", Some(8443)));
        assert_eq!((u.username.as_str(), u.password.as_str()), ("User", "pw"));
        assert!(u.has_query && u.has_fragment && u.is_http());
        assert_eq!(u.origin(), "https://example.com:8443");
        let plain = native("http://[::1]/").unwrap();
        assert_eq!((plain.host.as_str(), plain.port, plain.port_or_known_default()), ("[::1]", None, Some(80)));
        assert_eq!(plain.origin(), "http://[::1]");
        assert!(!plain.has_query && !plain.has_fragment);
        assert!(native("https://x.example/?").unwrap().has_query);
        assert!(native("not a url").is_none());
        assert!(!native("ftp://x.example/").unwrap().is_http());
    }
}
