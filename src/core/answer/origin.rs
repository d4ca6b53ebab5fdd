//! What a response rule may not do to the service's origin. Bins are
//! answered on the same origin as the playground and the API, so a header
//! that a browser keeps for the origin, or that sends the browser or its
//! reports elsewhere, would reach past the bin's one response: wiping the
//! playground's saved tokens, pinning the origin to HTTPS or to another
//! host, collecting its reports, or setting cookies for every page.

/// Headers a rule may never set, each with why.
const ORIGIN_WIDE: [(&str, &str); 15] = [
    ("clear-site-data", "it would clear what browsers keep for the whole service (the playground's tokens)"),
    ("refresh", "it would send the browser elsewhere; use a 3xx with Location"),
    ("service-worker-allowed", "it would widen a service worker's reach over the service's origin"),
    ("strict-transport-security", "browsers keep it for the whole service's origin"),
    ("alt-svc", "browsers keep it for the whole service's origin and would connect elsewhere"),
    ("content-security-policy-report-only", "it sends browser reports elsewhere"),
    ("report-to", "it sends browser reports elsewhere"),
    ("reporting-endpoints", "it sends browser reports elsewhere"),
    ("nel", "browsers keep it for the whole service's origin and report to elsewhere"),
    ("accept-ch", "browsers keep client-hint choices for the whole service's origin"),
    ("accept-ch-lifetime", "browsers keep client-hint choices for the whole service's origin"),
    ("critical-ch", "browsers keep client-hint choices for the whole service's origin"),
    ("use-as-dictionary", "browsers keep the answer as a dictionary for other requests to the service"),
    ("origin-agent-cluster", "it changes how browsers group every page of the service's origin"),
    ("set-login", "browsers keep a login status for the whole service's origin"),
];

/// Checks header `name` (lowercase) with `value` on a rule of bin `bin`;
/// the refusal says why.
pub fn check(name: &str, value: &str, bin: &str) -> Result<(), String> {
    if let Some((_, why)) = ORIGIN_WIDE.iter().find(|(n, _)| *n == name) {
        return Err(format!("not allowed: {why}"));
    }
    match name {
        "set-cookie" => cookie(value, bin),
        "location" => location(value),
        _ => Ok(()),
    }
}

/// The path every cookie of bin `bin` must lie under.
pub fn cookie_path(bin: &str) -> String {
    format!("/v1/bins/{bin}/in")
}

/// A cookie must be host-only (no `Domain`) and scoped by `Path` to the
/// bin's own ingest URLs, so no other page of the service ever sees it.
fn cookie(value: &str, bin: &str) -> Result<(), String> {
    let mut parts = value.split(';').map(str::trim);
    let pair = parts.next().unwrap_or("");
    let Some((name, _)) = pair.split_once('=').filter(|(n, _)| !n.trim().is_empty()) else {
        return Err("not a cookie: give name=value".into());
    };
    let scope = cookie_path(bin);
    let mut path = None;
    for attr in parts {
        let (key, val) = attr.split_once('=').map_or((attr, ""), |(k, v)| (k.trim(), v.trim()));
        match key.to_ascii_lowercase().as_str() {
            "domain" => return Err("a cookie here must be host-only: remove Domain".into()),
            "path" => path = Some(val),
            _ => {}
        }
    }
    if name.trim().starts_with("__Host-") {
        return Err("a __Host- cookie needs Path=/, which reaches every page of the service".into());
    }
    match path {
        Some(p) if p == scope || p.starts_with(&format!("{scope}/")) => Ok(()),
        _ => Err(format!("a cookie here needs Path={scope} (or below it), so only this bin's URLs get it")),
    }
}

/// `Location` must be an absolute http(s) URL or a path on this origin,
/// with no tab or other control character: browsers drop those before
/// they resolve a URL, so `/\t/evil.example` would lead to `//evil.example`.
fn location(value: &str) -> Result<(), String> {
    if value.chars().any(|c| c.is_control()) {
        return Err("must not hold tabs or other control characters".into());
    }
    let path = value.starts_with('/') && !value.starts_with("//") && !value.starts_with("/\\");
    if path || absolute_http(value) {
        Ok(())
    } else {
        Err("must be an absolute http(s) URL or a path starting with /".into())
    }
}

/// `http://` or `https://` (any case) and a host: a name (in any script:
/// the browser maps it), an IPv4 address or a bracketed IPv6 one, with an
/// optional user and port. The browser resolves the rest; this rejects what
/// it could not take as a URL at all.
fn absolute_http(value: &str) -> bool {
    let lower = value.get(..8).unwrap_or(value).to_ascii_lowercase();
    let Some(rest) = ["https://", "http://"].iter().find(|p| lower.starts_with(**p)).map(|p| &value[p.len()..]) else {
        return false;
    };
    let authority = rest.split(['/', '\\', '?', '#']).next().unwrap_or("");
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = match host_port.strip_prefix('[') {
        Some(v6) => v6.split_once(']').map_or("", |(h, _)| h),
        None => host_port.split(':').next().unwrap_or(""),
    };
    !host.is_empty() && !host.contains([' ', '<', '>', '^', '|', '"'].as_slice())
}

/// True if a browser following `location` stays on the service's origin.
/// Tabs and newlines are dropped first, as browsers drop them.
pub fn stays_on_origin(location: &str) -> bool {
    let seen: String = location.chars().filter(|c| !matches!(c, '\t' | '\n' | '\r')).collect();
    seen.starts_with('/') && !seen.starts_with("//") && !seen.starts_with("/\\")
}

#[cfg(test)]
#[path = "origin_tests.rs"]
mod tests;
