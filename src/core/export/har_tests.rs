use super::*;
use crate::core::capture::model::Answered;

#[test]
fn cookies_query_and_rule_answers() {
    let mut c = Capture::sample(4, 0);
    c.headers.insert("cookie".into(), "a=1; b = two ;junk".into());
    c.answer = Some(Answered { rule: 0, status: 503, delay_ms: 250, delay_skipped: false });
    let v = serde_json::to_value(entry("k3p9q2x7m1nb", "http://h/v1/bins/k3p9q2x7m1nb/in", &c, b"")).unwrap();
    assert_eq!(
        v["request"]["cookies"],
        serde_json::json!([{"name": "a", "value": "1"}, {"name": "b", "value": "two"}])
    );
    assert!(v["request"].get("postData").is_none(), "no body, no postData");
    assert_eq!(v["response"]["status"], 503);
    assert_eq!(v["response"]["statusText"], "Service Unavailable");
    assert_eq!(v["response"]["content"]["size"], -1);
    assert_eq!((v["time"].as_u64(), v["timings"]["wait"].as_i64()), (Some(250), Some(250)));
    assert_eq!(v["startedDateTime"], "1970-01-01T00:00:00.000Z");
    assert!(v["_verification"].is_null());
}

#[test]
fn default_answer_is_rebuilt_exactly() {
    let c = Capture::sample(9, 0);
    let v = serde_json::to_value(entry("k3p9q2x7m1nb", "http://h/v1/bins/k3p9q2x7m1nb/in", &c, b"")).unwrap();
    let text = v["response"]["content"]["text"].as_str().unwrap();
    let answer: serde_json::Value = serde_json::from_str(text).unwrap();
    assert_eq!(answer["request_id"], "k3p9q2x7m1nb-9");
    assert_eq!(v["response"]["content"]["size"], text.len());
}

#[test]
fn a_body_that_escaping_would_blow_up_goes_as_base64() {
    let c = Capture::sample(1, 0);
    let control = vec![0x01u8; 3000];
    let v = serde_json::to_value(entry("k3p9q2x7m1nb", "http://h/in", &c, &control)).unwrap();
    assert_eq!(v["request"]["postData"]["encoding"], "base64");
    let json = serde_json::to_string(&v["request"]["postData"]).unwrap();
    assert!(json.len() < 4100, "base64 takes 4/3, not the 6x of \\u0001 escapes: {}", json.len());
    let quoted = br#"{"a":"b","c":["d","e"]}"#;
    let v = serde_json::to_value(entry("k3p9q2x7m1nb", "http://h/in", &c, quoted)).unwrap();
    assert!(v["request"]["postData"].get("encoding").is_none(), "ordinary JSON stays text");
}
