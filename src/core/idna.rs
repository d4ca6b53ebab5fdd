//! International host names without IDNA tables in the wasm: the `url`
//! crate here is built ASCII-only (`idna_adapter` 1.0, pinned in
//! Cargo.lock: 125 KB of wasm) and refuses such hosts, so the caller hands
//! in the platform's own WHATWG URL parser, which has the tables.

use url::Url;

/// Gives the ASCII (punycode) form of an absolute URL whose host is an
/// international name (written out or percent-encoded), or `None` if it is
/// not a URL: the platform's parser.
pub type ToAscii = fn(&str) -> Option<String>;

/// `raw` parsed, its host mapped by `to_ascii` when it needs IDNA.
pub fn parse_idna(raw: &str, to_ascii: ToAscii) -> Result<Url, url::ParseError> {
    match Url::parse(raw) {
        Err(url::ParseError::IdnaError) => to_ascii(raw).map_or(Err(url::ParseError::IdnaError), |a| Url::parse(&a)),
        parsed => parsed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_an_idna_refusal_goes_to_the_platform() {
        let platform: ToAscii = |raw| Some(raw.replace("bücher", "xn--bcher-kva"));
        assert_eq!(
            parse_idna("https://bücher.example/a", platform).unwrap().as_str(),
            "https://xn--bcher-kva.example/a"
        );
        assert_eq!(parse_idna("https://plain.example/", |_| None).unwrap().as_str(), "https://plain.example/");
        assert_eq!(parse_idna("https://bücher.example/", |_| None), Err(url::ParseError::IdnaError));
        assert_eq!(parse_idna("not a url", platform), Err(url::ParseError::RelativeUrlWithoutBase));
    }
}
