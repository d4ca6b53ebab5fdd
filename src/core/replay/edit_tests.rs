use super::*;

fn overrides(json: &str) -> Result<Overrides, ApiError> {
    let v: Value = serde_json::from_str(json).unwrap();
    parse(v.as_object().unwrap(), 16)
}

#[test]
fn every_override_is_read_and_summarised() {
    let o = overrides(r#"{"method":"put","path":"/x?y=1","headers":{"X-A":"1","X-Hub-Signature-256":null},"body":"{\"a\":2}","resign":"github"}"#).unwrap();
    assert_eq!(o.edit.method.as_deref(), Some("PUT"));
    assert_eq!(o.edit.path.as_deref(), Some("/x?y=1"));
    assert_eq!(o.edit.set, [("x-a".to_string(), "1".to_string())]);
    assert_eq!(o.edit.remove, ["x-hub-signature-256"]);
    assert_eq!(o.body.as_deref(), Some(&b"{\"a\":2}"[..]));
    assert_eq!(o.edit.body.as_ref().map(|(h, n)| (h.len(), *n)), Some((64, 7)));
    assert_eq!(o.resign, Some(Resign::Scheme("github".into())));
    assert_eq!(overrides(r#"{"resign":true}"#).unwrap().resign, Some(Resign::Decided));
    assert_eq!(overrides("{}").unwrap(), Overrides::default());
    assert_eq!(
        overrides(r#"{"body_b64":"GwLqbjt="}"#).unwrap().body.map(|b| b.len()),
        Some(5),
        "unused bits need not be zero"
    );
}

#[test]
fn what_an_edit_may_not_do_is_a_400_naming_the_field() {
    for (json, field) in [
        (r#"{"method":"TRACE"}"#, ""),
        (r#"{"method":"a b"}"#, "method"),
        (r#"{"path":"x"}"#, "path"),
        (r#"{"headers":{"Host":"evil"}}"#, "headers.Host"),
        (r#"{"headers":{"x-polyhook-replay-of":null}}"#, "headers.x-polyhook-replay-of"),
        (r#"{"headers":{"x-a":5}}"#, "headers.x-a"),
        (r#"{"body":"a","body_b64":"YQ=="}"#, "body_b64"),
        (r#"{"body":"seventeen bytes!!"}"#, "body"),
        (r#"{"resign":5}"#, "resign"),
        (r#"{"resign":null}"#, "resign"),
        (r#"{"method":null}"#, "method"),
        (r#"{"headers":null}"#, "headers"),
    ] {
        let err = overrides(json).unwrap_err();
        assert_eq!(err.status(), 400, "{json}");
        assert!(err.details.as_deref().unwrap_or_default().starts_with(field), "{json}: {:?}", err.details);
    }
}

#[test]
fn headers_and_url_are_applied_in_place() {
    let o = overrides(r#"{"path":"/sub?q=1","headers":{"content-type":"text/plain","x-drop":null}}"#).unwrap();
    let mut h: Vec<(String, String)> =
        [("content-type", "application/json"), ("x-drop", "1"), ("x-keep", "2"), (REPLAY_OF, "b-1")]
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .to_vec();
    o.edit.apply_headers(&mut h);
    let names: Vec<&str> = h.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["x-keep", "content-type", REPLAY_OF]);
    assert_eq!(o.edit.url("http://t.example/hook/"), "http://t.example/hook/sub?q=1");
    assert_eq!(Edit::default().url("http://t.example/hook"), "http://t.example/hook");
}
