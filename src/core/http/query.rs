//! Query-string parameters (application/x-www-form-urlencoded, decoded by
//! the `url` crate: `+` is a space, bad escapes stay literal, invalid UTF-8
//! is replaced, so reading a parameter never fails).

/// The first value of parameter `name` in a raw query string (without `?`).
pub fn param(query: &str, name: &str) -> Option<String> {
    form_urlencoded::parse(query.as_bytes()).find(|(k, _)| k == name).map(|(_, v)| v.into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_escapes_and_plus() {
        for (raw, decoded) in
            [("a%20b+c", "a b c"), ("%2Fgithub", "/github"), ("100%", "100%"), ("%zz", "%zz"), ("%e2%9c%93", "✓")]
        {
            assert_eq!(param(&format!("x={raw}"), "x").as_deref(), Some(decoded), "{raw}");
        }
    }

    #[test]
    fn finds_params() {
        let q = "limit=5&cursor=abc&flag&x=%2F";
        assert_eq!(param(q, "limit").as_deref(), Some("5"));
        assert_eq!(param(q, "cursor").as_deref(), Some("abc"));
        assert_eq!(param(q, "flag").as_deref(), Some(""));
        assert_eq!(param(q, "x").as_deref(), Some("/"));
        assert_eq!(param(q, "missing"), None);
        assert_eq!(param("", "limit"), None);
        assert_eq!(param("%6Cimit=7", "limit").as_deref(), Some("7"), "names are decoded too");
    }
}
