//! A platform-neutral HTTP reply: what the core decides, before the edge
//! turns it into a runtime `Response`.

use crate::core::http::error::ApiError;

/// Status, headers and a fixed body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    /// HTTP status code.
    pub status: u16,
    /// Header names (lowercase) and values, in order.
    pub headers: Vec<(String, String)>,
    /// The body bytes; empty for 204 and 304.
    pub body: Vec<u8>,
}

impl Reply {
    /// A reply with a status and no body.
    pub fn empty(status: u16) -> Self {
        Reply { status, headers: Vec::new(), body: Vec::new() }
    }

    /// A reply with `body` and no headers yet (add its content type).
    pub fn bytes(status: u16, body: Vec<u8>) -> Self {
        Reply { status, headers: Vec::new(), body }
    }

    /// A JSON reply from already-serialised bytes.
    pub fn json_bytes(status: u16, body: Vec<u8>) -> Self {
        Reply { status, headers: vec![("content-type".into(), "application/json".into())], body }
    }

    /// A JSON reply serialising `value`; a value that cannot serialise is an internal error.
    pub fn json<T: serde::Serialize>(status: u16, value: &T) -> Result<Self, ApiError> {
        serde_json::to_vec(value)
            .map(|body| Reply::json_bytes(status, body))
            .map_err(|e| ApiError::internal(format!("serialise reply: {e}")))
    }

    /// The one mapping of an error to HTTP: its status, the contract's
    /// `Error` JSON and the error's own headers.
    pub fn error(err: &ApiError) -> Self {
        let reply = Reply::json_bytes(err.status(), err.body_json());
        err.headers.iter().fold(reply, |reply, (name, value)| reply.header(name, value))
    }

    /// True if the reply must go out with a null body: it has none, or its
    /// status (204, 205, 304) forbids one (an empty body there makes the
    /// runtime's Response constructor throw).
    pub fn is_bodiless(&self) -> bool {
        self.body.is_empty() || matches!(self.status, 204 | 205 | 304)
    }

    /// Adds a header (name lowercased).
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_ascii_lowercase(), value.to_string()));
        self
    }

    /// Adds every header of `headers`.
    pub fn headers<'a>(self, headers: impl IntoIterator<Item = (&'a str, String)>) -> Self {
        headers.into_iter().fold(self, |reply, (name, value)| reply.header(name, &value))
    }

    /// The first value of header `name` (case-insensitive).
    pub fn header_value(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_reply_sets_content_type() {
        let r = Reply::json(201, &serde_json::json!({"a": 1})).unwrap();
        assert_eq!(r.status, 201);
        assert_eq!(r.header_value("Content-Type"), Some("application/json"));
        assert_eq!(r.body, br#"{"a":1}"#);
    }

    #[test]
    fn errors_map_to_their_status_and_headers() {
        let r = Reply::error(&ApiError::method_not_allowed("GET, HEAD"));
        assert_eq!(r.status, 405);
        assert_eq!(r.header_value("allow"), Some("GET, HEAD"));
        assert_eq!(r.header_value("content-type"), Some("application/json"));
    }
}
