//! Naming a bin on the command line: its id, or any of its URLs.

use crate::error::CliError;

/// The service a command talks to when nothing else says.
pub const DEFAULT_BASE: &str = "http://127.0.0.1:8787";

/// A bin argument taken apart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BinArg {
    /// The twelve-character bin id.
    pub id: String,
    /// The service base URL, when the argument was a URL.
    pub base: Option<String>,
}

/// Parses `abcdefghijkl`, or a URL with `/v1/bins/abcdefghijkl` in it such
/// as the ingest URL `polyhook new` prints (the base is what precedes
/// `/v1/`).
pub fn parse(arg: &str) -> Result<BinArg, CliError> {
    let bad = || CliError::fail(format!("{arg:?} is neither a bin id (12 of a-z0-9) nor a bin URL"));
    if !arg.contains("://") {
        return if is_id(arg) { Ok(BinArg { id: arg.to_string(), base: None }) } else { Err(bad()) };
    }
    let (base, rest) = arg.split_once("/v1/bins/").ok_or_else(bad)?;
    let id = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if !is_id(id) || base.is_empty() {
        return Err(bad());
    }
    Ok(BinArg { id: id.to_string(), base: Some(base.to_string()) })
}

/// Whether `s` has the shape of a bin id.
pub fn is_id(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
}

/// A capture of bin `bin` named by `given`: a bare sequence number becomes
/// `<bin>-<seq>`; a request id stays as it is.
pub fn request_id(bin: &str, given: &str) -> String {
    if given.bytes().all(|b| b.is_ascii_digit()) {
        format!("{bin}-{given}")
    } else {
        given.to_string()
    }
}

/// The base URL to use: an explicit `--base` (or `POLYHOOK_BASE`), then
/// the one in the bin URL, then the saved bin's, then [`DEFAULT_BASE`].
pub fn choose_base<'a>(flag: Option<&'a str>, from_arg: Option<&'a str>, saved: Option<&'a str>) -> String {
    let given = |s: Option<&'a str>| s.filter(|s| !s.trim().is_empty());
    given(flag).or(given(from_arg)).or(given(saved)).unwrap_or(DEFAULT_BASE).trim_end_matches('/').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn takes_ids_and_bin_urls() -> Result<(), CliError> {
        assert_eq!(parse("abc123def456")?, BinArg { id: "abc123def456".into(), base: None });
        let url = parse("https://hooks.example.dev/v1/bins/abc123def456/in/github?x=1")?;
        assert_eq!(url, BinArg { id: "abc123def456".into(), base: Some("https://hooks.example.dev".into()) });
        let plain = parse("http://127.0.0.1:8787/v1/bins/abc123def456")?;
        assert_eq!(plain.base.as_deref(), Some("http://127.0.0.1:8787"));
        for bad in ["ABC123DEF456", "abc", "https://x.dev/v1/bins/short/in", "https://x.dev/in/abc123def456", ""] {
            assert!(parse(bad).is_err(), "{bad}");
        }
        Ok(())
    }

    #[test]
    fn the_flag_wins_then_the_url_then_the_saved_bin() {
        assert_eq!(choose_base(Some("http://a/"), Some("http://b"), Some("http://c")), "http://a");
        assert_eq!(choose_base(None, Some("http://b"), Some("http://c")), "http://b");
        assert_eq!(choose_base(None, None, Some("http://c")), "http://c");
        assert_eq!(choose_base(None, None, None), DEFAULT_BASE);
        assert_eq!(choose_base(Some(""), None, Some("http://c")), "http://c", "an empty POLYHOOK_BASE is unset");
    }
}
