use super::*;

fn parse(json: &str) -> Result<Vec<Verifier>, ApiError> {
    parse_verifiers(json.as_bytes(), 3)
}

fn details(json: &str) -> String {
    parse(json).unwrap_err().details.unwrap_or_default()
}

#[test]
fn parses_each_scheme() {
    let vs = parse(
        r#"{"verifiers":[{"scheme":"github","secret":"s"},
        {"scheme":"standard-webhooks","secret":"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw","tolerance_s":60},
        {"scheme":"hmac-sha256","secret":"k","header":"X-Sig","encoding":"base64","prefix":"v1="}]}"#,
    )
    .unwrap();
    assert_eq!(vs[0].scheme, Scheme::Github);
    assert_eq!(vs[1].tolerance_s(), 60);
    assert_eq!(vs[2].header.as_deref(), Some("x-sig"));
    assert_eq!(vs[2].encoding, Some(Encoding::Base64));
    assert!(parse(r#"{"verifiers":[]}"#).unwrap().is_empty());
}

#[test]
fn refusals_name_the_field() {
    assert!(details(r#"{"verifiers":[{"scheme":"gitlab","secret":"s"}]}"#).starts_with("verifiers[0].scheme"));
    assert!(details(r#"{"verifiers":[{"scheme":"github"}]}"#).starts_with("verifiers[0].secret"));
    assert!(details(r#"{"verifiers":[{"scheme":"github","secret":""}]}"#).starts_with("verifiers[0].secret"));
    assert!(details(r#"{"verifiers":[{"scheme":"github","secret":"s","x":1}]}"#).starts_with("verifiers[0].x"));
    assert!(details(r#"{"verifiers":[{"scheme":"github","secret":"s","header":"h"}]}"#).contains("hmac-sha256"));
    assert!(details(r#"{"verifiers":[{"scheme":"github","secret":"s","tolerance_s":5}]}"#).contains("timestamp"));
    assert!(details(r#"{"verifiers":[{"scheme":"hmac-sha256","secret":"s"}]}"#).starts_with("verifiers[0].header"));
    assert!(details(r#"{"verifiers":[{"scheme":"hmac-sha256","secret":"s","header":"a b"}]}"#).contains("header"));
    assert!(details(r#"{"verifiers":[{"scheme":"standard-webhooks","secret":"whsec_!!"}]}"#).contains("base64"));
    assert!(details(r#"{"verifiers":[{"scheme":"slack","secret":"s","tolerance_s":999999999}]}"#).contains("at most"));
    let four = r#"{"verifiers":[{"scheme":"github","secret":"s"},{"scheme":"github","secret":"s"},{"scheme":"github","secret":"s"},{"scheme":"github","secret":"s"}]}"#;
    assert!(details(four).contains("at most 3"));
    assert_eq!(parse("nope").unwrap_err().status(), 400);
    assert_eq!(
        parse(&format!(r#"{{"verifiers":[{{"scheme":"github","secret":"{}"}}]}}"#, "a".repeat(513)))
            .unwrap_err()
            .status(),
        400
    );
}

#[test]
fn shown_form_never_holds_the_secret() {
    let v = &parse(r#"{"verifiers":[{"scheme":"stripe","secret":"whsec_abcdef"}]}"#).unwrap()[0];
    let shown = serde_json::to_string(&v.shown("k3p9q2x7m1nb")).unwrap();
    assert!(!shown.contains("whsec_abcdef") && !shown.contains("secret"), "{shown}");
    assert!(shown.contains(r#""tolerance_s":300"#));
    let a = v.shown("k3p9q2x7m1nb").fingerprint;
    assert!(a.starts_with("sha256:") && a.len() == 7 + 16);
    assert_eq!(a, v.shown("k3p9q2x7m1nb").fingerprint);
    assert_ne!(a, v.shown("aaaaaaaaaaaa").fingerprint, "other bins, other fingerprints");
}
