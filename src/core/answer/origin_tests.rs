use super::*;

const BIN: &str = "k3p9q2x7m1nb";

#[test]
fn origin_wide_headers_are_refused_with_a_reason() {
    for (name, _) in ORIGIN_WIDE {
        let why = check(name, "x", BIN).unwrap_err();
        assert!(why.starts_with("not allowed: "), "{name}: {why}");
    }
    assert!(check("x-custom", "1", BIN).is_ok());
    assert!(check("content-type", "text/html", BIN).is_ok());
}

#[test]
fn cookies_must_be_host_only_and_under_the_bins_ingest_path() {
    let ok = ["s=1; Path=/v1/bins/k3p9q2x7m1nb/in", "s=1; path=/v1/bins/k3p9q2x7m1nb/in/stripe; HttpOnly; Secure"];
    for v in ok {
        assert_eq!(check("set-cookie", v, BIN), Ok(()), "{v}");
    }
    let refused = [
        ("s=1", "Path="),
        ("s=1; Path=/", "Path="),
        ("s=1; Path=/v1/bins/k3p9q2x7m1nb", "Path="),
        ("s=1; Path=/v1/bins/k3p9q2x7m1nb/inx", "Path="),
        ("s=1; Path=/v1/bins/otherbin0000/in", "Path="),
        ("s=1; Path=/v1/bins/k3p9q2x7m1nb/in; Domain=example.com", "host-only"),
        ("__Host-s=1; Path=/v1/bins/k3p9q2x7m1nb/in", "__Host-"),
        ("=1; Path=/v1/bins/k3p9q2x7m1nb/in", "name=value"),
        ("justtext", "name=value"),
    ];
    for (v, why) in refused {
        let got = check("set-cookie", v, BIN).unwrap_err();
        assert!(got.contains(why), "{v}: {got}");
    }
}

#[test]
fn locations_are_urls_or_paths() {
    // International hosts, written out or percent-encoded: the browser maps them.
    for v in [
        "https://example.com/next",
        "HTTP://127.0.0.1:9/x",
        "http://[::1]:8080/x",
        "https://user@example.com",
        "/v1/bins/k3p9q2x7m1nb/in/next",
        "https://b%C3%BCcher.example/",
        "https://bücher.example/?q#f",
    ] {
        assert_eq!(check("location", v, BIN), Ok(()), "{v}");
    }
    for v in [
        "javascript:alert(1)",
        "//evil.example/",
        "/\\evil.example",
        "relative/path",
        "data:text/html,x",
        "ftp://b%C3%BCcher.example/",
        "https://",
        "https:///path",
        "http://user@/x",
        "http://[::1/x",
        "https://exa mple.com/",
        "http:example.com",
        "/\t/evil.example",
        "/\t\\evil.example",
    ] {
        assert!(check("location", v, BIN).is_err(), "{v}");
    }
    assert!(stays_on_origin("/v1/bins/x/in"));
    assert!(!stays_on_origin("https://example.com/") && !stays_on_origin("//example.com/"));
    assert!(!stays_on_origin("/\t/evil.example") && !stays_on_origin("/\n\\evil.example"), "as a browser reads it");
}
