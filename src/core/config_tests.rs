use super::*;
use crate::core::weburl::native;
use std::collections::HashMap;

fn parse(pairs: &[(&str, &str)]) -> Result<Config, ApiError> {
    let map: HashMap<String, String> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    Config::from_lookup(|k| map.get(k).cloned(), native)
}

#[test]
fn empty_vars_give_defaults() {
    assert_eq!(parse(&[]).unwrap(), Config::default());
    assert_eq!(parse(&[("PUBLIC_URL", ""), ("MAX_BODY_BYTES", " ")]).unwrap(), Config::default());
}

#[test]
fn overrides_apply() {
    let c = parse(&[
        ("MAX_BODY_BYTES", "10"),
        ("BIN_TTL_SECONDS", "3"),
        ("MAX_CAPTURES_PER_BIN", "5"),
        ("MAX_STORED_BYTES_PER_BIN", "100"),
    ])
    .unwrap();
    assert_eq!((c.max_body_bytes, c.bin_ttl_s, c.max_captures, c.max_stored_bytes), (10, 3, 5, 100));
}

#[test]
fn public_url_is_normalised() {
    let c = parse(&[("PUBLIC_URL", "https://hooks.example.com/")]).unwrap();
    assert_eq!(c.base_url(), Some("https://hooks.example.com"));
    let c = parse(&[("PUBLIC_URL", "https://hooks.example.com/polyhook/")]).unwrap();
    assert_eq!(c.base_url(), Some("https://hooks.example.com/polyhook"));
}

#[test]
fn bad_values_name_the_var() {
    for (k, v) in [
        ("MAX_BODY_BYTES", "lots"),
        ("MAX_BODY_BYTES", "3000000"),
        ("BIN_TTL_SECONDS", "0"),
        ("PUBLIC_URL", "ftp://x"),
        ("PUBLIC_URL", "https://"),
        ("PUBLIC_URL", "https://h.example/?x=1"),
        ("PUBLIC_URL", "hooks.example.com"),
    ] {
        let err = parse(&[(k, v)]).unwrap_err();
        assert_eq!(err.status(), 500);
        assert!(err.details.unwrap().contains(k), "{k}={v}");
    }
}

#[test]
fn store_cap_must_hold_one_body() {
    assert!(parse(&[("MAX_BODY_BYTES", "100"), ("MAX_STORED_BYTES_PER_BIN", "99")]).is_err());
}

#[test]
fn stream_settings() {
    let c =
        parse(&[("SSE_KEEPALIVE_SECONDS", "1"), ("SSE_QUEUE_BYTES", "2048"), ("SSE_MAX_SUBSCRIBERS", "3")]).unwrap();
    assert_eq!((c.sse_keepalive_s, c.sse_queue_bytes, c.sse_max_subscribers), (1, 2048, 3));
    assert!(parse(&[("SSE_KEEPALIVE_SECONDS", "0")]).is_err());
}

#[test]
fn replay_settings() {
    let c = parse(&[
        ("REPLAY_BACKOFF_BASE_MS", "50"),
        ("REPLAY_TIMEOUT_MS", "300"),
        ("REPLAY_RETRY_AFTER_CAP_SECONDS", "2"),
    ])
    .unwrap();
    assert_eq!((c.replay_backoff_base_ms, c.replay_timeout_ms, c.replay_retry_after_cap_s), (50, 300, 2));
    assert!(parse(&[("REPLAY_TIMEOUT_MS", "0")]).is_err());
}

#[test]
fn the_catch_up_pool_must_hold_one_catch_up() {
    let err =
        parse(&[("SSE_QUEUE_BYTES", "1000"), ("MAX_BODY_BYTES", "300"), ("SSE_CATCHUP_BYTES", "1000")]).unwrap_err();
    assert!(err.details.unwrap_or_default().contains("SSE_CATCHUP_BYTES must hold one catch-up"));
    let one = 2000 + 400 + 1024 * 1024;
    let ok = parse(&[("SSE_QUEUE_BYTES", "1000"), ("MAX_BODY_BYTES", "300"), ("SSE_CATCHUP_BYTES", &one.to_string())]);
    assert_eq!(ok.unwrap().sse_catchup_bytes, one);
}

#[test]
fn metrics_flush_delay() {
    assert_eq!(Config::default().metrics_flush_ms, 1000);
    assert_eq!(parse(&[("METRICS_FLUSH_MS", "200")]).unwrap().metrics_flush_ms, 200);
    for bad in ["0", "9", "60001", "soon"] {
        let err = parse(&[("METRICS_FLUSH_MS", bad)]).unwrap_err();
        assert!(err.details.unwrap().contains("METRICS_FLUSH_MS"), "{bad}");
    }
}

#[test]
fn base_and_own_origins_for_a_request() {
    let request = native("http://127.0.0.1:8787/v1/bins").unwrap();
    let plain = Config::default();
    assert_eq!(plain.base_url_for(&request), "http://127.0.0.1:8787");
    assert_eq!(plain.own_origins(&request), vec![request.clone()]);
    let public = parse(&[("PUBLIC_URL", "https://hooks.example.com/")]).unwrap();
    assert_eq!(public.base_url_for(&request), "https://hooks.example.com");
    let own = public.own_origins(&request);
    assert_eq!(own.iter().map(|u| u.host.as_str()).collect::<Vec<_>>(), ["127.0.0.1", "hooks.example.com"]);
}
