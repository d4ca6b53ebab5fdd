//! The `GET /healthz` answer, shaped like the twins' so one probe fits all.

use serde::Serialize;

/// `GET /healthz` answer.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Health {
    /// Always `ok` when the Worker answers.
    pub status: &'static str,
    /// Which implementation this is: `rust`.
    #[serde(rename = "impl")]
    pub implementation: &'static str,
    /// Seconds since this isolate started.
    pub uptime_seconds: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn health_uses_impl_key() {
        let v = serde_json::to_value(Health { status: "ok", implementation: "rust", uptime_seconds: 3 }).unwrap();
        assert_eq!(v, serde_json::json!({"status": "ok", "impl": "rust", "uptime_seconds": 3}));
    }
}
