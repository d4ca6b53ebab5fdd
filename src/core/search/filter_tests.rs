use super::*;
use crate::core::verify::outcome::{Reason, Verification};

fn capture() -> Capture {
    let mut c = Capture::sample(3, 2);
    c.method = "POST".into();
    c.path = "/github/push".into();
    c.received_at_ms = 1_000;
    c.headers.insert("x-github-event".into(), "push".into());
    c.headers.insert("user-agent".into(), "GitHub-Hookshot/abc".into());
    c
}

fn keeps(query: &str, c: &Capture) -> bool {
    Filter::parse(query).unwrap().matches_record(c)
}

#[test]
fn each_filter_keeps_and_drops() {
    let c = capture();
    assert!(keeps("", &c));
    assert!(Filter::parse("").unwrap().only_namespace());
    assert!(Filter::parse("path_prefix=/github&limit=5").unwrap().only_namespace());
    assert!(keeps("method=post", &c) && !keeps("method=GET", &c));
    assert!(keeps("path_prefix=/github", &c) && !keeps("path_prefix=/git", &c));
    assert!(keeps("path=/github", &c), "the older name still works");
    assert!(!keeps("path_prefix=/stripe&path=/github", &c), "path_prefix wins");
    assert!(keeps("header=X-GitHub-Event:push", &c) && keeps("header=x-github-event: push", &c));
    assert!(!keeps("header=x-github-event:pull_request", &c) && !keeps("header=x-missing", &c));
    assert!(keeps("header=x-github-event", &c));
    assert!(keeps("since=1970-01-01T00:00:01Z", &c) && !keeps("since=1970-01-01T00:00:01.001Z", &c));
    assert!(keeps("until=1970-01-01T00:00:01.001Z", &c) && !keeps("until=1970-01-01T00:00:01Z", &c));
}

#[test]
fn verified_needs_a_check() {
    let mut c = capture();
    assert!(!keeps("verified=true", &c) && !keeps("verified=false", &c));
    c.verification = Some(Verification { scheme: "github".into(), valid: false, reason: Some(Reason::Mismatch) });
    assert!(keeps("verified=false", &c) && !keeps("verified=true", &c));
}

#[test]
fn q_looks_in_header_values_and_the_body_hit() {
    let c = capture();
    let f = Filter::parse("q=Hookshot").unwrap();
    assert!(!f.only_namespace());
    assert!(f.matches_text(&c, false));
    assert!(!Filter::parse("q=user-agent").unwrap().matches_text(&c, false), "names are not values");
    assert!(Filter::parse("q=zzz").unwrap().matches_text(&c, true));
    assert!(!Filter::parse("q=hookshot").unwrap().matches_text(&c, false), "case-sensitive");
    assert!(Filter::everything().matches_text(&c, false));
}

#[test]
fn bad_values_are_400_naming_the_parameter() {
    for (query, name) in [
        ("method=", "method"),
        ("method=P%20OST", "method"),
        ("since=yesterday", "since"),
        ("until=2026-11-22", "until"),
        ("verified=yes", "verified"),
        ("q=", "q"),
        ("header=", "header"),
        ("header=:x", "header"),
    ] {
        let err = Filter::parse(query).unwrap_err();
        assert_eq!(err.status(), 400, "{query}");
        assert!(err.details.unwrap_or_default().starts_with(name), "{query}");
    }
    let long_q = format!("q={}", "a".repeat(MAX_Q_CHARS + 1));
    assert_eq!(Filter::parse(&long_q).unwrap_err().status(), 400);
    assert!(Filter::parse(&format!("q={}", "é".repeat(MAX_Q_CHARS))).is_ok(), "characters, not bytes");
    let long_header = format!("header=a:{}", "b".repeat(MAX_HEADER_FILTER_CHARS));
    assert_eq!(Filter::parse(&long_header).unwrap_err().status(), 400);
    let many = ["header=a"; MAX_HEADER_FILTERS + 1].join("&");
    assert_eq!(Filter::parse(&many).unwrap_err().status(), 400);
}
