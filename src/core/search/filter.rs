//! The capture filters of `GET /v1/bins/{id}/requests`, the stream and the
//! exports. Every filter is optional; given together they all must hold.

use crate::core::capture::build::is_token;
use crate::core::capture::model::Capture;
use crate::core::capture::namespace::Namespace;
use crate::core::http::error::ApiError;
use crate::core::time::parse_rfc3339_ms;

/// Longest `q`, in characters.
pub const MAX_Q_CHARS: usize = 256;
/// Longest `header` filter (`name:value`), in characters.
pub const MAX_HEADER_FILTER_CHARS: usize = 256;
/// Most `header` filters in one query.
pub const MAX_HEADER_FILTERS: usize = 8;

/// One `header=name[:value]` filter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeaderFilter {
    /// Lowercase header name.
    pub name: String,
    /// The exact value wanted; `None` asks only that the header be present.
    pub value: Option<String>,
}

/// Validated filters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filter {
    /// `path_prefix` (or the older `path`): the capture's namespace.
    pub namespace: Namespace,
    /// `method`, uppercase; compared without case.
    pub method: Option<String>,
    /// `header` filters.
    pub headers: Vec<HeaderFilter>,
    /// `since`: received at or after, epoch ms.
    pub since_ms: Option<i64>,
    /// `until`: received strictly before, epoch ms.
    pub until_ms: Option<i64>,
    /// `verified`: `true` for valid signatures, `false` for checked and invalid.
    pub verified: Option<bool>,
    /// `q`: bytes to find in the body or in any header value (case-sensitive).
    pub q: Option<String>,
}

fn bad(param: &str, why: impl std::fmt::Display) -> ApiError {
    ApiError::bad_request(format!("invalid {param}")).with_details(format!("{param}: {why}"))
}

impl Filter {
    /// No filter at all.
    pub fn everything() -> Filter {
        Filter {
            namespace: Namespace::root(),
            method: None,
            headers: Vec::new(),
            since_ms: None,
            until_ms: None,
            verified: None,
            q: None,
        }
    }

    /// Parses the filters of a raw query string; other parameters are ignored.
    pub fn parse(query: &str) -> Result<Filter, ApiError> {
        let mut f = Filter::everything();
        let mut path = None;
        for (key, value) in form_urlencoded::parse(query.as_bytes()) {
            let value = value.into_owned();
            match key.as_ref() {
                "path_prefix" => path = Some(value),
                "path" => _ = path.get_or_insert(value),
                "method" => f.method = Some(method(&value)?),
                "header" => f.headers.push(header(&value)?),
                "since" => f.since_ms = Some(instant("since", &value)?),
                "until" => f.until_ms = Some(instant("until", &value)?),
                "verified" => f.verified = Some(verified(&value)?),
                "q" => f.q = Some(q(value)?),
                _ => {}
            }
        }
        if f.headers.len() > MAX_HEADER_FILTERS {
            return Err(bad("header", format!("at most {MAX_HEADER_FILTERS} header filters")));
        }
        f.namespace = path.map_or_else(Namespace::root, |p| Namespace::new(&p));
        Ok(f)
    }

    /// True when nothing is filtered but the namespace, which storage
    /// applies itself.
    pub fn only_namespace(&self) -> bool {
        let Filter { namespace: _, method, headers, since_ms, until_ms, verified, q } = self;
        method.is_none()
            && headers.is_empty()
            && since_ms.is_none()
            && until_ms.is_none()
            && verified.is_none()
            && q.is_none()
    }

    /// Every filter but `q`: they need only the capture's record.
    pub fn matches_record(&self, c: &Capture) -> bool {
        self.matches_record_at(c, &c.ns_path())
    }

    /// [`Filter::matches_record`] with the capture's namespace key (see
    /// [`crate::core::capture::namespace::path_key`]) worked out once by
    /// the caller, as a fan-out to many subscribers does.
    pub fn matches_record_at(&self, c: &Capture, ns_key: &str) -> bool {
        let method = self.method.as_ref().is_none_or(|m| c.method.eq_ignore_ascii_case(m));
        let since = self.since_ms.is_none_or(|t| c.received_at_ms >= t);
        let until = self.until_ms.is_none_or(|t| c.received_at_ms < t);
        let verified = self.verified.is_none_or(|want| c.verification.as_ref().is_some_and(|v| v.valid == want));
        let headers = self.headers.iter().all(|h| match (c.headers.get(&h.name), &h.value) {
            (Some(_), None) => true,
            (Some(have), Some(want)) => have == want,
            (None, _) => false,
        });
        method && since && until && verified && headers && self.namespace.contains(ns_key)
    }

    /// The `q` filter on everything but the body: true if `q` is absent
    /// or in a header value. `body_hit` says whether storage found it in the body.
    pub fn matches_text(&self, c: &Capture, body_hit: bool) -> bool {
        let Some(q) = self.q.as_deref() else { return true };
        body_hit || c.headers.values().any(|v| v.contains(q))
    }
}

fn method(raw: &str) -> Result<String, ApiError> {
    if !is_token(raw) {
        return Err(bad("method", "must be an HTTP method such as POST"));
    }
    Ok(raw.to_ascii_uppercase())
}

fn header(raw: &str) -> Result<HeaderFilter, ApiError> {
    let (name, value) = match raw.split_once(':') {
        Some((n, v)) => (n, Some(v.trim_start().to_string())),
        None => (raw, None),
    };
    let name = name.trim().to_ascii_lowercase();
    if name.is_empty() || raw.chars().count() > MAX_HEADER_FILTER_CHARS {
        return Err(bad("header", "must be name:value (or name alone for presence)"));
    }
    Ok(HeaderFilter { name, value })
}

fn instant(param: &str, raw: &str) -> Result<i64, ApiError> {
    parse_rfc3339_ms(raw).ok_or_else(|| bad(param, format!("must be an RFC 3339 date-time, got {raw:?}")))
}

fn verified(raw: &str) -> Result<bool, ApiError> {
    match raw {
        "true" => Ok(true),
        "false" => Ok(false),
        _ => Err(bad("verified", "must be true or false")),
    }
}

fn q(raw: String) -> Result<String, ApiError> {
    if raw.is_empty() || raw.chars().count() > MAX_Q_CHARS {
        return Err(bad("q", format!("must be 1 to {MAX_Q_CHARS} characters")));
    }
    Ok(raw)
}

#[cfg(test)]
#[path = "filter_tests.rs"]
mod tests;
