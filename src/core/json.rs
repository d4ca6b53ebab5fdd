//! Reading settings bodies the way their JSON Schema describes them. A
//! JSON Schema `integer` is any number with no fraction, so `300.0` is the
//! integer 300 there; serde's `as_u64` would refuse it. And an object may
//! carry no member the schema does not name.

use serde_json::{Map, Value};

/// `v` as a whole number from 0 to 2^53 (the integers every JSON reader
/// keeps exactly), written as `300` or `300.0`.
pub fn whole_number(v: &Value) -> Option<u64> {
    const MAX_SAFE: f64 = 9_007_199_254_740_992.0;
    if let Some(n) = v.as_u64() {
        return (n <= MAX_SAFE as u64).then_some(n);
    }
    v.as_f64().filter(|f| f.fract() == 0.0 && (0.0..=MAX_SAFE).contains(f)).map(|f| f as u64)
}

/// The first member of `obj` not in `known`.
pub fn unknown_member<'a>(obj: &'a Map<String, Value>, known: &[&str]) -> Option<&'a str> {
    obj.keys().map(String::as_str).find(|k| !known.contains(k))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn whole_numbers_with_or_without_a_point() {
        assert_eq!(whole_number(&json!(300)), Some(300));
        assert_eq!(whole_number(&json!(300.0)), Some(300));
        assert_eq!(whole_number(&json!(300.5)), None);
        assert_eq!(whole_number(&json!(-1)), None);
        assert_eq!(whole_number(&json!(-1.0)), None);
        assert_eq!(whole_number(&json!(1e300)), None);
        assert_eq!(whole_number(&json!(9_007_199_254_740_992u64)), Some(9_007_199_254_740_992));
        assert_eq!(whole_number(&json!(9_007_199_254_740_993u64)), None, "past 2^53 a JSON reader may round it");
        assert_eq!(whole_number(&json!("300")), None);
    }

    #[test]
    fn finds_a_member_the_schema_does_not_name() {
        let obj = json!({"rules": [], "extra": 1});
        assert_eq!(unknown_member(obj.as_object().unwrap(), &["rules"]), Some("extra"));
        assert_eq!(unknown_member(obj.as_object().unwrap(), &["rules", "extra"]), None);
    }
}
