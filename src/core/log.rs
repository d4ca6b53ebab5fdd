//! Structured log lines: one JSON object per request and per replay
//! attempt, for Workers Logs and Logpush. Only route labels, ids, statuses
//! and timings are logged, never URLs (which may carry `?token=`), headers
//! or bodies.

use serde::Serialize;

/// Which requests get a log line (`LOG_REQUESTS`). Replay attempts and
/// server errors are always logged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestLogging {
    /// Every request.
    All,
    /// Requests answered 4xx or 5xx (the default).
    Errors,
    /// None but server errors.
    Off,
}

impl RequestLogging {
    /// Parses the var's value.
    pub fn parse(raw: &str) -> Option<RequestLogging> {
        match raw {
            "all" => Some(RequestLogging::All),
            "errors" => Some(RequestLogging::Errors),
            "off" => Some(RequestLogging::Off),
            _ => None,
        }
    }

    /// True if a request answered `status` gets a line.
    pub fn logs(self, status: u16) -> bool {
        match self {
            RequestLogging::All => true,
            RequestLogging::Errors => status >= 400,
            RequestLogging::Off => status >= 500,
        }
    }
}

/// One handled request.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct RequestLog<'a> {
    /// Always `request`.
    pub msg: &'static str,
    /// The route label, e.g. `ingest` (`unmatched` for unknown paths).
    pub route: &'a str,
    /// The HTTP method.
    pub method: &'a str,
    /// The bin id, if the route names one.
    pub bin: Option<&'a str>,
    /// The answer's status code.
    pub status: u16,
    /// Handling time in the Worker, milliseconds.
    pub duration_ms: u64,
    /// The error summary, for 4xx and 5xx answers.
    pub error: Option<&'a str>,
}

/// One replay attempt.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct AttemptLog<'a> {
    /// Always `replay_attempt`.
    pub msg: &'static str,
    /// The bin id.
    pub bin: &'a str,
    /// The replay id.
    pub replay: &'a str,
    /// Attempt number.
    pub attempt: u32,
    /// The target's status code, if it answered.
    pub status: Option<u16>,
    /// Attempt time, milliseconds.
    pub duration_ms: u64,
    /// What went wrong, if anything.
    pub error: Option<&'a str>,
}

/// Serialises a log record as one line.
pub fn line<T: Serialize>(record: &T) -> String {
    serde_json::to_string(record).unwrap_or_else(|_| r#"{"msg":"log_encode_failed"}"#.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logging_levels() {
        assert_eq!(RequestLogging::parse("errors"), Some(RequestLogging::Errors));
        assert_eq!(RequestLogging::parse("verbose"), None);
        assert!(RequestLogging::All.logs(202) && RequestLogging::Errors.logs(404) && !RequestLogging::Errors.logs(304));
        assert!(RequestLogging::Off.logs(500) && !RequestLogging::Off.logs(429));
    }

    #[test]
    fn request_lines_are_one_json_object() {
        let l = line(&RequestLog {
            msg: "request",
            route: "ingest",
            method: "POST",
            bin: Some("k3p9q2x7m1nb"),
            status: 202,
            duration_ms: 3,
            error: None,
        });
        assert!(!l.contains('\n'));
        let v: serde_json::Value = serde_json::from_str(&l).unwrap();
        assert_eq!(v["route"], "ingest");
        assert_eq!(v["status"], 202);
        assert!(v["error"].is_null());
    }

    #[test]
    fn attempt_lines() {
        let l = line(&AttemptLog {
            msg: "replay_attempt",
            bin: "b",
            replay: "b-r1",
            attempt: 2,
            status: None,
            duration_ms: 10,
            error: Some("timed out"),
        });
        assert!(l.contains(r#""error":"timed out""#));
    }
}
