//! A wait's parameters: the list's filters, where to start, how long to
//! wait and whether to include the body.

use crate::core::bin::ids::{parse_request_id, parse_seq};
use crate::core::http::error::ApiError;
use crate::core::http::query::param;
use crate::core::search::filter::Filter;
use crate::core::time::parse_rfc3339_ms;

/// Without `after`, captures received this long before the wait began
/// count too, so a delivery that lands just before the wait is not missed.
pub const LOOK_BACK_MS: i64 = 60_000;

/// Where a wait starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Start {
    /// After this sequence number.
    AfterSeq(u64),
    /// Captures received at or after this time, epoch ms.
    Since(i64),
}

/// One wait, parsed.
#[derive(Debug, Clone, PartialEq)]
pub struct WaitPlan {
    /// The list's filters.
    pub filter: Filter,
    /// Where it starts.
    pub start: Start,
    /// How long to wait, ms (0: only look at what is stored).
    pub timeout_ms: i64,
    /// Include the body in the answer.
    pub body: bool,
}

impl WaitPlan {
    /// Parses `query` for bin `bin` at `now_ms`; `timeout_s` is capped at `max_s`.
    pub fn parse(bin: &str, query: &str, now_ms: i64, max_s: u64) -> Result<WaitPlan, ApiError> {
        let filter = Filter::parse(query)?;
        let start = match param(query, "after") {
            None => Start::Since(now_ms.saturating_sub(LOOK_BACK_MS)),
            Some(raw) => start(bin, &raw)?,
        };
        let timeout_s = match param(query, "timeout_s") {
            None => max_s,
            Some(raw) => raw.parse::<u64>().map_err(|_| bad("timeout_s", "seconds, a whole number"))?.min(max_s),
        };
        let body = match param(query, "body").as_deref() {
            None | Some("0" | "false") => false,
            Some("1" | "true") => true,
            Some(_) => return Err(bad("body", "1 or 0")),
        };
        let timeout_ms = i64::try_from(timeout_s.saturating_mul(1000)).unwrap_or(i64::MAX);
        Ok(WaitPlan { filter, start, timeout_ms, body })
    }
}

/// `after`: a sequence number, a request id of this bin, or an RFC 3339 time.
fn start(bin: &str, raw: &str) -> Result<Start, ApiError> {
    if raw == "0" {
        return Ok(Start::AfterSeq(0));
    }
    if let Some(seq) = parse_seq(raw) {
        return Ok(Start::AfterSeq(seq));
    }
    if let Ok(seq) = parse_request_id(bin, raw) {
        return Ok(Start::AfterSeq(seq));
    }
    parse_rfc3339_ms(raw)
        .map(Start::Since)
        .ok_or_else(|| bad("after", "a sequence number, a request id of this bin, or an RFC 3339 time"))
}

fn bad(name: &str, what: &str) -> ApiError {
    ApiError::bad_request(format!("invalid {name}")).with_details(format!("{name}: {what}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const BIN: &str = "k3p9q2x7m1nb";

    #[test]
    fn without_after_the_last_minute_counts() {
        let p = WaitPlan::parse(BIN, "", 100_000, 30).unwrap();
        assert_eq!(p.start, Start::Since(40_000));
        assert_eq!((p.timeout_ms, p.body), (30_000, false));
        assert!(p.filter.only_namespace());
    }

    #[test]
    fn after_takes_a_seq_a_request_id_or_a_time() {
        let at = |q: &str| WaitPlan::parse(BIN, q, 0, 30).map(|p| p.start);
        assert_eq!(at("after=7").unwrap(), Start::AfterSeq(7));
        assert_eq!(at("after=0").unwrap(), Start::AfterSeq(0), "from the oldest capture held");
        assert_eq!(at("after=k3p9q2x7m1nb-12").unwrap(), Start::AfterSeq(12));
        assert_eq!(at("after=1970-01-01T00:00:01Z").unwrap(), Start::Since(1000));
        assert_eq!(at("after=otherbin0000-3").unwrap_err().status(), 400);
        assert_eq!(at("after=soon").unwrap_err().status(), 400);
    }

    #[test]
    fn the_timeout_is_capped_and_the_filters_are_the_lists() {
        let p = WaitPlan::parse(BIN, "timeout_s=600&method=post&body=1&path_prefix=/github", 0, 30).unwrap();
        assert_eq!((p.timeout_ms, p.body), (30_000, true));
        assert_eq!(p.filter.method.as_deref(), Some("POST"));
        assert_eq!(WaitPlan::parse(BIN, "timeout_s=0", 0, 30).unwrap().timeout_ms, 0);
        assert_eq!(WaitPlan::parse(BIN, "timeout_s=-1", 0, 30).unwrap_err().status(), 400);
        assert_eq!(WaitPlan::parse(BIN, "body=yes", 0, 30).unwrap_err().status(), 400);
        assert_eq!(WaitPlan::parse(BIN, "method=GE T", 0, 30).unwrap_err().status(), 400);
    }
}
