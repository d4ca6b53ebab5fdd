//! The body of `POST /v1/bins/{id}/sequences`, validated: which captures
//! (a list of request ids, or the list's filters), where, how fast, and
//! what a failed step does. The target and retries follow a replay order's rules.

use crate::core::bin::ids::parse_request_id;
use crate::core::http::error::ApiError;
use crate::core::replay::edit::{self, Resign};
use crate::core::replay::order::ReplayOrder;
use crate::core::search::filter::Filter;
use crate::core::sequence::model::OnFailure;
use crate::core::sequence::plan::Timing;
use serde_json::{Map, Value};

/// Slowest and fastest `speed`.
const SPEED: (f64, f64) = (0.1, 100.0);
/// Longest `interval_ms`.
const MAX_INTERVAL_MS: u64 = 600_000;

/// Which captures a sequence replays.
#[derive(Debug, Clone)]
pub enum Selection {
    /// These, by sequence number (sorted, each once).
    Seqs(Vec<u64>),
    /// Those the list's filters match (`q` aside), in seq order.
    Matching(Filter),
}

/// A validated sequence order.
#[derive(Debug, Clone)]
pub struct SequenceOrder {
    pub replay: ReplayOrder,
    pub selection: Selection,
    pub timing: Timing,
    pub on_failure: OnFailure,
    pub resign: Option<Resign>,
}

fn bad(field: &str, why: impl std::fmt::Display) -> ApiError {
    ApiError::bad_request("invalid sequence").with_details(format!("{field}: {why}"))
}

/// Reads `order` (the body's object; its target and retries are `replay`)
/// for bin `bin`, with at most `max_steps` request ids.
pub fn parse(
    order: &Map<String, Value>,
    replay: ReplayOrder,
    bin: &str,
    max_steps: u64,
) -> Result<SequenceOrder, ApiError> {
    let selection = match (order.get("request_ids"), order.get("query")) {
        (Some(_), Some(_)) => return Err(bad("query", "give request_ids or query, not both")),
        (Some(ids), None) => Selection::Seqs(seqs(ids, bin, max_steps)?),
        (None, Some(Value::String(q))) => Selection::Matching(filter(q)?),
        (None, Some(_)) => {
            return Err(bad("query", "must be the list's query string, such as method=POST&path_prefix=/stripe"))
        }
        (None, None) => Selection::Matching(Filter::everything()),
    };
    let timing = match (order.get("speed"), order.get("interval_ms")) {
        (Some(_), Some(_)) => return Err(bad("interval_ms", "give speed or interval_ms, not both")),
        (Some(v), None) => Timing::Speed(
            v.as_f64()
                .filter(|s| (SPEED.0..=SPEED.1).contains(s))
                .ok_or_else(|| bad("speed", format!("must be a number from {} to {}", SPEED.0, SPEED.1)))?,
        ),
        (None, Some(v)) => Timing::Interval(
            v.as_u64()
                .filter(|ms| *ms <= MAX_INTERVAL_MS)
                .ok_or_else(|| bad("interval_ms", format!("must be an integer from 0 to {MAX_INTERVAL_MS}")))?,
        ),
        (None, None) => Timing::Speed(1.0),
    };
    let on_failure = match order.get("on_failure").and_then(Value::as_str) {
        None if order.get("on_failure").is_none() => OnFailure::Continue,
        Some("continue") => OnFailure::Continue,
        Some("stop") => OnFailure::Stop,
        _ => return Err(bad("on_failure", "must be continue or stop")),
    };
    let resign = edit::resign(order.get("resign"))?;
    Ok(SequenceOrder { replay, selection, timing, on_failure, resign })
}

fn seqs(ids: &Value, bin: &str, max_steps: u64) -> Result<Vec<u64>, ApiError> {
    let list = ids
        .as_array()
        .filter(|l| !l.is_empty())
        .ok_or_else(|| bad("request_ids", "must be a non-empty array of request ids"))?;
    if list.len() as u64 > max_steps {
        return Err(bad("request_ids", format!("at most SEQUENCE_MAX_STEPS ({max_steps})")));
    }
    let mut seqs = list
        .iter()
        .map(|id| {
            let id = id.as_str().ok_or_else(|| bad("request_ids", "must be strings"))?;
            parse_request_id(bin, id)
        })
        .collect::<Result<Vec<u64>, ApiError>>()?;
    seqs.sort_unstable();
    seqs.dedup();
    Ok(seqs)
}

fn filter(query: &str) -> Result<Filter, ApiError> {
    let filter = Filter::parse(query)?;
    if filter.q.is_some() {
        return Err(bad("query", "takes every filter of the list but q"));
    }
    Ok(filter)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_json(json: &str) -> Result<SequenceOrder, ApiError> {
        let v: Value = serde_json::from_str(json).unwrap();
        let replay = ReplayOrder { target_url: "http://t.example/".into(), max_retries: 0 };
        parse(v.as_object().unwrap(), replay, "k3p9q2x7m1nb", 3)
    }

    #[test]
    fn reads_a_selection_a_timing_and_a_failure_rule() {
        let o = parse_json(r#"{"request_ids":["k3p9q2x7m1nb-9","k3p9q2x7m1nb-3","k3p9q2x7m1nb-3"],"speed":2,"on_failure":"stop","resign":true}"#).unwrap();
        assert!(matches!(o.selection, Selection::Seqs(ref s) if s == &[3, 9]));
        assert_eq!((o.timing, o.on_failure, o.resign), (Timing::Speed(2.0), OnFailure::Stop, Some(Resign::Decided)));
        let o = parse_json(r#"{"query":"method=POST","interval_ms":250}"#).unwrap();
        assert!(matches!(o.selection, Selection::Matching(ref f) if f.method.as_deref() == Some("POST")));
        assert_eq!((o.timing, o.on_failure), (Timing::Interval(250), OnFailure::Continue));
        assert!(matches!(parse_json("{}").unwrap().selection, Selection::Matching(_)));
    }

    #[test]
    fn refuses_what_it_cannot_do() {
        for json in [
            r#"{"speed":0.01}"#,
            r#"{"speed":2,"interval_ms":5}"#,
            r#"{"interval_ms":-1}"#,
            r#"{"request_ids":[]}"#,
            r#"{"request_ids":["a","b","c","d"]}"#,
            r#"{"query":"q=secret"}"#,
            r#"{"on_failure":"retry"}"#,
            r#"{"resign":1}"#,
        ] {
            assert_eq!(parse_json(json).map(|_| ()).unwrap_err().status(), 400, "{json}");
        }
        let other_bin = parse_json(r#"{"request_ids":["zzzzzzzzzzzz-1"]}"#).map(|_| ()).unwrap_err();
        assert_eq!(other_bin.status(), 404, "as the replay route answers an unknown capture");
    }
}
