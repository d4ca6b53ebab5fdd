//! Namespaces over capture paths, after sseserver: subscribing to `/github`
//! receives `/github` and everything below it, but not `/githubx`.

use crate::core::http::query::param;

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

    /// Normalises a filter: a leading `/` is implied, trailing ones dropped.
    pub fn new(raw: &str) -> Self {
        Namespace { prefix: format!("/{}", raw.trim_matches('/')).trim_end_matches('/').to_string() }
    }

    /// The `path` query parameter of a raw query string, or the root.
    pub fn from_query(query: &str) -> Self {
        param(query, "path").map(|p| Namespace::new(&p)).unwrap_or_else(Namespace::root)
    }

    /// True if `path` is this namespace or lies below it.
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
    fn reads_the_query() {
        assert_eq!(Namespace::from_query("path=%2Fgithub&x=1").prefix(), "/github");
        assert!(Namespace::from_query("limit=3").is_root());
    }
}
