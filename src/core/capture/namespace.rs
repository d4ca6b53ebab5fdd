//! Namespaces over capture paths, after sseserver: subscribing to `/github`
//! receives `/github` and everything below it, but not `/githubx`.
//!
//! Paths are compared in one form: percent-decoded (invalid UTF-8
//! replaced). A capture keeps its path as it arrived (`/a%20b`), and its
//! namespace key is the decoded form (`/a b`); the `path` filter arrives
//! decoded from the query string. So `%20`, non-ASCII and `%2F` (which
//! decodes to a separator) match the same way in lists and streams.

use crate::core::capture::model::Capture;
use crate::core::http::query::param;
use percent_encoding::percent_decode_str;

/// The namespace key of a stored path: the path percent-decoded, with one
/// leading slash. A `%2F` right at the start decodes to extra leading
/// slashes, which a filter's prefix never has (filters are trimmed), so the
/// key drops them too: `/%2F/x` is in namespace `/x`.
pub fn path_key(path: &str) -> String {
    let decoded = percent_decode_str(path).decode_utf8_lossy();
    format!("/{}", decoded.trim_start_matches('/'))
}

impl Capture {
    /// This capture's namespace key.
    pub fn ns_path(&self) -> String {
        path_key(&self.path)
    }
}

/// A path prefix filter; the root matches everything.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Namespace {
    prefix: String,
}

impl Namespace {
    /// Everything.
    pub fn root() -> Self {
        Namespace { prefix: String::new() }
    }

    /// Normalises a filter: decoded like a path (so one copied from a
    /// capture's `path` works too), a leading `/` implied, trailing ones dropped.
    pub fn new(raw: &str) -> Self {
        let decoded = path_key(raw);
        Namespace { prefix: format!("/{}", decoded.trim_matches('/')).trim_end_matches('/').to_string() }
    }

    /// The `path` query parameter of a raw query string, or the root.
    pub fn from_query(query: &str) -> Self {
        param(query, "path").map(|p| Namespace::new(&p)).unwrap_or_else(Namespace::root)
    }

    /// True if the path whose key (see [`path_key`]) is `path` is this
    /// namespace or lies below it.
    pub fn contains(&self, path: &str) -> bool {
        match path.strip_prefix(self.prefix.as_str()) {
            Some(rest) => rest.is_empty() || rest.starts_with('/') || self.prefix.is_empty(),
            None => false,
        }
    }

    /// The normalised prefix (`""` for the root), e.g. for SQL filters.
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    /// True for the namespace that matches everything.
    pub fn is_root(&self) -> bool {
        self.prefix.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_itself_and_below_only() {
        let ns = Namespace::new("/github");
        assert!(ns.contains("/github"));
        assert!(ns.contains("/github/push"));
        assert!(ns.contains("/github/"));
        assert!(!ns.contains("/githubx"));
        assert!(!ns.contains("/git"));
        assert!(!ns.contains("/"));
    }

    #[test]
    fn root_matches_all() {
        for raw in ["", "/", "//"] {
            let ns = Namespace::new(raw);
            assert!(ns.is_root());
            assert!(ns.contains("/"));
            assert!(ns.contains("/anything/below"));
        }
    }

    #[test]
    fn normalises_slashes() {
        assert_eq!(Namespace::new("github/").prefix(), "/github");
        assert_eq!(Namespace::new("/a/b/").prefix(), "/a/b");
    }

    #[test]
    fn encoded_paths_match_their_decoded_filters() {
        for (stored, filter) in
            [("/a%20b/c", "/a b"), ("/caf%C3%A9", "/café"), ("/a%2Fb", "/a"), ("/%E2%9C%93/x", "/✓")]
        {
            assert!(Namespace::new(filter).contains(&path_key(stored)), "{stored} in {filter}");
        }
        assert!(Namespace::from_query("path=%2Fa%2520b").contains(&path_key("/a%20b")), "a filter given encoded");
        assert!(!Namespace::new("/a b").contains(&path_key("/a%20bc")));
        assert_eq!(path_key("/%FF"), "/\u{FFFD}");
        // Found by the property test: a leading %2F before a segment.
        assert!(Namespace::new("/%2f/ ").contains(&path_key("/%2f/ ")));
        assert!(Namespace::new("/x").contains(&path_key("/%2F/x/y")));
        assert_eq!(path_key(""), "/");
    }

    #[test]
    fn reads_the_query() {
        assert_eq!(Namespace::from_query("path=%2Fgithub&x=1").prefix(), "/github");
        assert!(Namespace::from_query("limit=3").is_root());
    }
}
