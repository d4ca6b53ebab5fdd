use super::*;

const LIMITS: RuleLimits = RuleLimits { max_rules: 3, max_delay_ms: 10_000 };

fn parse(json: &str) -> Result<Vec<Rule>, ApiError> {
    parse_rules(json.as_bytes(), "k3p9q2x7m1nb", LIMITS)
}

#[test]
fn a_full_rule_parses() {
    let rules = parse(
        r#"{"rules":[{"match":{"method":"post","path_prefix":"/github"},"status":429,
            "headers":{"Retry-After":"3","X-Id":"{{request_id}}"},"body":"slow down","delay_ms":250,"times":2}]}"#,
    )
    .unwrap();
    let r = &rules[0];
    assert_eq!(r.matcher.method.as_deref(), Some("POST"));
    assert_eq!(r.headers["retry-after"], "3");
    assert_eq!((r.status, r.delay_ms, r.times), (429, 250, Some(2)));
    assert_eq!(r.body_bytes(), b"slow down");
    assert!(parse(r#"{"rules":[]}"#).unwrap().is_empty());
    assert_eq!(parse(r#"{"rules":[{"status":200,"body_b64":"AP8="}]}"#).unwrap()[0].body_bytes(), [0, 255]);
}

#[test]
fn bad_rules_name_the_field() {
    for (json, field) in [
        ("nope", "body"),
        (r#"{"rules":{}}"#, "rules"),
        (r#"{"rules":[1]}"#, "rules[0]"),
        (r#"{"rules":[{}]}"#, "rules[0].status"),
        (r#"{"rules":[{"status":199}]}"#, "rules[0].status"),
        (r#"{"rules":[{"status":600}]}"#, "rules[0].status"),
        (r#"{"rules":[{"status":200,"delay_ms":10001}]}"#, "rules[0].delay_ms"),
        (r#"{"rules":[{"status":200,"times":0}]}"#, "rules[0].times"),
        (r#"{"rules":[{"status":200,"headers":{"Content-Length":"3"}}]}"#, "rules[0].headers.Content-Length"),
        (r#"{"rules":[{"status":200,"headers":{"connection":"close"}}]}"#, "rules[0].headers.connection"),
        (
            r#"{"rules":[{"status":200,"headers":{"access-control-allow-origin":"x"}}]}"#,
            "rules[0].headers.access-control-allow-origin",
        ),
        (r#"{"rules":[{"status":200,"headers":{"x-a":"1\r\nx-b: 2"}}]}"#, "rules[0].headers.x-a"),
        (r#"{"rules":[{"status":200,"headers":{"bad name":"1"}}]}"#, "rules[0].headers.bad name"),
        (r#"{"rules":[{"status":200,"headers":{"x-a":"caf\u00e9"}}]}"#, "rules[0].headers.x-a"),
        (r#"{"rules":[{"status":200,"headers":{"x-a":"a\u0007b"}}]}"#, "rules[0].headers.x-a"),
        (r#"{"rules":[{"status":204,"body":"x"}]}"#, "rules[0].body"),
        (r#"{"rules":[{"status":304,"body_b64":"eA=="}]}"#, "rules[0].body"),
        (r#"{"rules":[{"status":200,"body":"a","body_b64":"YQ=="}]}"#, "rules[0].body_b64"),
        (r#"{"rules":[{"status":200,"body_b64":"***"}]}"#, "rules[0].body_b64"),
        (r#"{"rules":[{"status":200,"match":{"path_prefix":"github"}}]}"#, "rules[0].match.path_prefix"),
        (r#"{"rules":[{"status":200,"match":{"method":"PO ST"}}]}"#, "rules[0].match.method"),
        (r#"{"rules":[{"status":200,"color":"red"}]}"#, "rules[0].color"),
        (r#"{"rules":[{"status":200},{"status":200},{"status":200},{"status":200}]}"#, "rules"),
        (r#"{"rules":[],"extra":1}"#, "extra"),
        (r#"{"rules":[{"status":200.5}]}"#, "rules[0].status"),
    ] {
        let err = parse(json).unwrap_err();
        assert_eq!(err.status(), 400, "{json}");
        assert!(err.details.as_deref().unwrap_or("").starts_with(&format!("{field}:")), "{json}: {:?}", err.details);
    }
    let big = format!(r#"{{"rules":[{{"status":200,"body":"{}"}}]}}"#, "é".repeat(MAX_BODY_CHARS + 1));
    assert!(parse(&big).is_err());
    let most = format!(r#"{{"rules":[{{"status":200,"body":"{}"}}]}}"#, "é".repeat(MAX_BODY_CHARS));
    assert!(parse(&most).is_ok(), "the limit counts characters, as JSON Schema's maxLength does");
    assert_eq!(parse(r#"{"rules":[{"status":426.0,"delay_ms":5.0}]}"#).unwrap()[0].status, 426);
}

#[test]
fn headers_that_reach_past_the_response_are_refused_by_name() {
    let cases = [
        ("Clear-Site-Data", "\"storage\""),
        ("Set-Cookie", "sid=1; Path=/"),
        ("Refresh", "0; url=https://example.com/"),
        ("Strict-Transport-Security", "max-age=31536000"),
        ("Location", "javascript:alert(1)"),
    ];
    for (name, value) in cases {
        let json = format!(r#"{{"rules":[{{"status":200,"headers":{{"{name}":"{}"}}}}]}}"#, value.replace('"', "\\\""));
        let err = parse(&json).unwrap_err();
        let details = err.details.unwrap_or_default();
        assert!(details.starts_with(&format!("rules[0].headers.{name}: ")), "{name}: {details}");
    }
    assert!(
        parse(r#"{"rules":[{"status":200,"headers":{"Set-Cookie":"sid=1; Path=/v1/bins/k3p9q2x7m1nb/in"}}]}"#).is_ok()
    );
}
