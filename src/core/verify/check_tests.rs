//! Known vectors from the senders' documentation, then each failure reason.

use super::check::{check_all, check_one};
use super::mac::sign;
use super::outcome::Reason;
use super::schemes::Headers;
use super::verifier::{Encoding, Scheme, Verifier};
use crate::core::hex::hex;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;

fn verifier(scheme: Scheme, secret: &str) -> Verifier {
    Verifier { scheme, secret: secret.into(), header: None, encoding: None, prefix: None, tolerance_s: None }
}

fn headers(pairs: &[(&str, &str)]) -> Headers {
    pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

fn reason(v: &Verifier, h: &Headers, body: &[u8], at_ms: i64) -> Option<Reason> {
    check_one(v, h, body, at_ms).reason
}

#[test]
fn github_documented_vector() {
    // docs.github.com, "Validating webhook deliveries": the example secret and payload.
    let v = verifier(Scheme::Github, "It's a Secret to Everybody");
    let sig = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";
    let h = headers(&[("x-hub-signature-256", sig)]);
    let ok = check_one(&v, &h, b"Hello, World!", 0);
    assert!(ok.valid && ok.reason.is_none() && ok.scheme == "github");
    assert_eq!(reason(&v, &h, b"Hello, World?", 0), Some(Reason::Mismatch));
    assert_eq!(reason(&verifier(Scheme::Github, "other"), &h, b"Hello, World!", 0), Some(Reason::Mismatch));
    assert_eq!(reason(&v, &headers(&[]), b"Hello, World!", 0), Some(Reason::MissingHeader));
    let sha1 = headers(&[("x-hub-signature-256", "sha1=00")]);
    assert_eq!(reason(&v, &sha1, b"", 0), Some(Reason::Malformed));
}

#[test]
fn standard_webhooks_documented_vector() {
    // The Standard Webhooks reference libraries' test vector.
    let v = verifier(Scheme::StandardWebhooks, "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
    let body = br#"{"test": 2432232314}"#;
    let h = |sig: &str| {
        headers(&[
            ("webhook-id", "msg_p5jXN8AQM9LWM0D4loKWxJek"),
            ("webhook-timestamp", "1614265330"),
            ("webhook-signature", sig),
        ])
    };
    let good = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
    let at_ms = 1_614_265_330_000;
    assert!(check_one(&v, &h(good), body, at_ms).valid);
    assert!(check_one(&v, &h(&format!("v1,Zm9v v2,abc {good}")), body, at_ms).valid, "any entry may match");
    assert_eq!(reason(&v, &h(good), body, at_ms + 301_000), Some(Reason::Stale));
    assert_eq!(reason(&v, &h(good), body, at_ms - 301_000), Some(Reason::Stale), "too new counts too");
    assert!(check_one(&v, &h(good), body, at_ms + 300_999).valid);
    assert_eq!(reason(&v, &h(good), b"{}", at_ms), Some(Reason::Mismatch));
    assert_eq!(reason(&v, &h("v2,abc"), body, at_ms), Some(Reason::Malformed));
    let svix = headers(&[
        ("svix-id", "msg_p5jXN8AQM9LWM0D4loKWxJek"),
        ("svix-timestamp", "1614265330"),
        ("svix-signature", good),
    ]);
    assert!(check_one(&v, &svix, body, at_ms).valid, "Svix's header names");
    let extreme = headers(&[
        ("webhook-id", "x"),
        ("webhook-timestamp", "-9223372036854775808"),
        ("webhook-signature", &format!("v1,{}", STANDARD.encode(sign(&v.key(), &[b"x.-9223372036854775808.", body])))),
    ]);
    assert_eq!(reason(&v, &extreme, body, at_ms), Some(Reason::Stale), "no overflow");
}

#[test]
fn slack_documented_vector() {
    // api.slack.com, "Verifying requests from Slack": the worked example.
    let v = verifier(Scheme::Slack, "8f742231b10e8888abcd99yyyzzz85a5");
    let body = "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";
    let h = headers(&[
        ("x-slack-request-timestamp", "1531420618"),
        ("x-slack-signature", "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"),
    ]);
    assert!(check_one(&v, &h, body.as_bytes(), 1_531_420_618_000).valid);
    assert_eq!(reason(&v, &h, body.as_bytes(), 1_531_420_618_000 + 86_400_000), Some(Reason::Stale));
    let no_ts = headers(&[("x-slack-signature", "v0=00")]);
    assert_eq!(reason(&v, &no_ts, b"", 0), Some(Reason::MissingHeader));
}

#[test]
fn stripe_checks_signature_then_time() {
    let v = verifier(Scheme::Stripe, "whsec_test_secret");
    let body = br#"{"id":"evt_1","object":"event"}"#;
    let sig = hex(&sign(b"whsec_test_secret", &[b"1700000000.", body]));
    let h = |value: String| headers(&[("stripe-signature", &value)]);
    let at_ms = 1_700_000_100_000;
    assert!(check_one(&v, &h(format!("t=1700000000,v1={sig},v0=ignored")), body, at_ms).valid);
    assert!(check_one(&v, &h(format!("t=1700000000,v1=00ff,v1={sig}")), body, at_ms).valid);
    assert_eq!(reason(&v, &h(format!("t=1700000000,v1={sig}")), body, at_ms + 300_000), Some(Reason::Stale));
    assert_eq!(reason(&v, &h(format!("t=1700000001,v1={sig}")), body, at_ms), Some(Reason::Mismatch));
    assert_eq!(reason(&v, &h("t=1700000000".into()), body, at_ms), Some(Reason::Malformed));
    assert_eq!(reason(&v, &h(format!("v1={sig}")), body, at_ms), Some(Reason::Malformed));
    let long = Verifier { tolerance_s: Some(3600), ..v.clone() };
    assert!(check_one(&long, &h(format!("t=1700000000,v1={sig}")), body, at_ms + 300_000).valid);
}

#[test]
fn shopify_and_generic() {
    let body = b"{\"id\":1}";
    let mac = sign(b"shpss_secret", &[body]);
    let shopify = verifier(Scheme::Shopify, "shpss_secret");
    let h = headers(&[("x-shopify-hmac-sha256", &STANDARD.encode(&mac))]);
    assert!(check_one(&shopify, &h, body, 0).valid);
    assert_eq!(reason(&shopify, &headers(&[("x-shopify-hmac-sha256", "%%")]), body, 0), Some(Reason::Malformed));
    let generic = Verifier {
        header: Some("x-signature".into()),
        encoding: Some(Encoding::Hex),
        prefix: Some("sha256=".into()),
        ..verifier(Scheme::HmacSha256, "shpss_secret")
    };
    let upper = format!("sha256={}", hex(&mac).to_uppercase());
    assert!(check_one(&generic, &headers(&[("x-signature", &upper)]), body, 0).valid);
    assert_eq!(reason(&generic, &headers(&[("x-signature", &hex(&mac))]), body, 0), Some(Reason::Malformed));
    let b64 = Verifier { encoding: Some(Encoding::Base64), prefix: None, ..generic };
    assert!(check_one(&b64, &headers(&[("x-signature", &STANDARD.encode(&mac))]), body, 0).valid);
}

#[test]
fn several_verifiers_first_valid_then_first_present() {
    let gh = verifier(Scheme::Github, "a");
    let shop = verifier(Scheme::Shopify, "b");
    let body = b"x";
    assert_eq!(check_all(&[], &headers(&[]), body, 0), None);
    let good = STANDARD.encode(sign(b"b", &[body]));
    let valid = check_all(&[gh.clone(), shop.clone()], &headers(&[("x-shopify-hmac-sha256", &good)]), body, 0);
    assert_eq!(valid.map(|o| (o.scheme, o.valid)), Some(("shopify".to_string(), true)));
    let wrong = check_all(&[gh.clone(), shop], &headers(&[("x-shopify-hmac-sha256", "AAAA")]), body, 0);
    assert_eq!(wrong.map(|o| (o.scheme, o.reason)), Some(("shopify".to_string(), Some(Reason::Mismatch))));
    let none = check_all(&[gh], &headers(&[]), body, 0);
    assert_eq!(none.and_then(|o| o.reason), Some(Reason::MissingHeader));
}
