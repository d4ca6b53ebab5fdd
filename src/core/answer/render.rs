//! The three placeholders a rule's body and header values may hold:
//! `{{request_id}}`, `{{seq}}` and `{{received_at}}`. Nothing else is
//! interpreted, so a body is sent as written.

use crate::core::answer::origin::stays_on_origin;
use crate::core::answer::rule::Rule;
use crate::core::http::reply::Reply;

/// The reply `rule` gives, with its placeholders filled from `fill`. The
/// owner chooses the body and its type, and this origin also serves the
/// playground: a sandboxing CSP and `nosniff` keep an HTML answer from
/// running script here (a second CSP only narrows what the owner set).
///
/// A browser that navigated to the bin is not sent off the service's
/// origin by a `Location` (that would make the service an open redirect
/// for links to a bin); senders, which do not navigate, get it as written.
pub fn reply(rule: &Rule, fill: &Fill) -> Reply {
    let headers = rule.headers.iter().map(|(name, value)| (name.as_str(), fill.text(value)));
    owner_reply(rule.status, headers, fill.bytes(&rule.body_bytes()), fill.navigation)
}

/// An answer the bin's owner chose (a rule's, or their app's through the
/// responder): `status`, `headers` (already allowed) and `body`, made safe
/// for this origin as [`reply`] says.
pub fn owner_reply<'a>(
    status: u16,
    headers: impl IntoIterator<Item = (&'a str, String)>,
    body: Vec<u8>,
    navigation: bool,
) -> Reply {
    headers
        .into_iter()
        .filter(|(name, value)| !(navigation && *name == "location" && !stays_on_origin(value)))
        .fold(Reply::bytes(status, body), |reply, (name, value)| reply.header(name, &value))
        .header("content-security-policy", SANDBOX)
        .header("x-content-type-options", "nosniff")
}

/// The CSP every owner-chosen answer carries.
const SANDBOX: &str = "sandbox; default-src 'none'";

/// The values the placeholders stand for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fill<'a> {
    /// The capture's request id.
    pub request_id: &'a str,
    /// Its sequence number.
    pub seq: u64,
    /// Its receipt time, RFC 3339.
    pub received_at: &'a str,
    /// Whether a browser navigated here (`Sec-Fetch-Mode: navigate`).
    pub navigation: bool,
}

impl Fill<'_> {
    /// `bytes` with every placeholder replaced.
    pub fn bytes(&self, bytes: &[u8]) -> Vec<u8> {
        let seq = self.seq.to_string();
        let pairs: [(&[u8], &[u8]); 3] = [
            (b"{{request_id}}", self.request_id.as_bytes()),
            (b"{{seq}}", seq.as_bytes()),
            (b"{{received_at}}", self.received_at.as_bytes()),
        ];
        let mut out = Vec::with_capacity(bytes.len());
        let mut i = 0;
        'scan: while i < bytes.len() {
            for (from, to) in pairs {
                if bytes[i..].starts_with(from) {
                    out.extend_from_slice(to);
                    i += from.len();
                    continue 'scan;
                }
            }
            out.push(bytes[i]);
            i += 1;
        }
        out
    }

    /// `text` with every placeholder replaced.
    pub fn text(&self, text: &str) -> String {
        String::from_utf8_lossy(&self.bytes(text.as_bytes())).into_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rule_becomes_its_reply() {
        let rules = crate::core::answer::rule::parse_rules(
            br#"{"rules":[{"status":503,"headers":{"Retry-After":"3","X-Seen":"{{seq}}"},"body":"busy {{request_id}}"}]}"#,
            "k3p9q2x7m1nb",
            crate::core::answer::rule::RuleLimits { max_rules: 1, max_delay_ms: 0 },
        )
        .unwrap();
        let r = reply(&rules[0], &Fill { request_id: "b-2", seq: 2, received_at: "t", navigation: false });
        assert_eq!((r.status, r.body.as_slice()), (503, &b"busy b-2"[..]));
        assert_eq!(r.header_value("x-seen"), Some("2"));
        assert_eq!(r.header_value("retry-after"), Some("3"));
        assert_eq!(r.header_value("content-security-policy"), Some(SANDBOX));
        assert_eq!(r.header_value("x-content-type-options"), Some("nosniff"));
    }

    #[test]
    fn a_browser_navigation_is_not_redirected_off_the_origin() {
        let limits = crate::core::answer::rule::RuleLimits { max_rules: 2, max_delay_ms: 0 };
        let rules = crate::core::answer::rule::parse_rules(
            br#"{"rules":[{"status":302,"headers":{"Location":"https://example.com/next"}},
                          {"status":307,"headers":{"Location":"/v1/bins/k3p9q2x7m1nb/in/next"}}]}"#,
            "k3p9q2x7m1nb",
            limits,
        )
        .unwrap();
        let fill = |navigation| Fill { request_id: "b-1", seq: 1, received_at: "t", navigation };
        assert_eq!(reply(&rules[0], &fill(false)).header_value("location"), Some("https://example.com/next"));
        assert_eq!(reply(&rules[0], &fill(true)).header_value("location"), None, "no open redirect");
        assert_eq!(reply(&rules[1], &fill(true)).header_value("location"), Some("/v1/bins/k3p9q2x7m1nb/in/next"));
    }

    #[test]
    fn fills_the_three_and_nothing_else() {
        let f = Fill { request_id: "b-7", seq: 7, received_at: "2026-11-30T00:00:00.000Z", navigation: false };
        assert_eq!(f.text("{{request_id}}/{{seq}}@{{received_at}}"), "b-7/7@2026-11-30T00:00:00.000Z");
        assert_eq!(f.text("{{other}} {{seq} {seq}} {{{{seq}}}}"), "{{other}} {{seq} {seq}} {{7}}");
        assert_eq!(f.bytes(&[0, 255, b'{']), [0, 255, b'{']);
    }
}
