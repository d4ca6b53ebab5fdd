//! Each scheme's rule for finding the signature, the signed message and
//! the timestamp in a captured request. Header names are lowercase, as
//! captures store them.

use super::mac::any_matches;
use super::outcome::Reason;
use super::verifier::{Encoding, Verifier};
use crate::core::hex;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use std::collections::BTreeMap;

/// The captured headers, lowercase names.
pub type Headers = BTreeMap<String, String>;

fn header<'h>(headers: &'h Headers, name: &str) -> Result<&'h str, Reason> {
    headers.get(name).map(|v| v.trim()).ok_or(Reason::MissingHeader)
}

/// The first of `names` that was sent: Svix, the most common Standard
/// Webhooks sender, sends its headers as `svix-*` unless told otherwise.
fn header_of<'h>(headers: &'h Headers, names: [&str; 2]) -> Result<&'h str, Reason> {
    header(headers, names[0]).or_else(|_| header(headers, names[1]))
}

/// Checks a signed Unix timestamp (seconds) against the receive time, in
/// both directions: a timestamp from the future is as suspect as an old one.
fn in_tolerance(timestamp: &str, received_at_ms: i64, tolerance_s: u64) -> Result<(), Reason> {
    let signed_s: i64 = timestamp.trim().parse().map_err(|_| Reason::Malformed)?;
    let distance_s = received_at_ms.div_euclid(1000).checked_sub(signed_s).map(i64::unsigned_abs);
    distance_s.filter(|d| *d <= tolerance_s).map(|_| ()).ok_or(Reason::Stale)
}

fn verdict(key: &[u8], parts: &[&[u8]], candidates: &[Vec<u8>]) -> Result<(), Reason> {
    any_matches(key, parts, candidates).then_some(()).ok_or(Reason::Mismatch)
}

/// GitHub: `x-hub-signature-256: sha256=<hex>` over the body.
pub fn github(v: &Verifier, headers: &Headers, body: &[u8]) -> Result<(), Reason> {
    let value = header(headers, "x-hub-signature-256")?;
    let sig = value.strip_prefix("sha256=").and_then(hex::decode).ok_or(Reason::Malformed)?;
    verdict(&v.key(), &[body], &[sig])
}

/// Shopify: `x-shopify-hmac-sha256: <base64>` over the body.
pub fn shopify(v: &Verifier, headers: &Headers, body: &[u8]) -> Result<(), Reason> {
    let sig = STANDARD.decode(header(headers, "x-shopify-hmac-sha256")?).map_err(|_| Reason::Malformed)?;
    verdict(&v.key(), &[body], &[sig])
}

/// Stripe: `stripe-signature: t=<s>,v1=<hex>[,v1=<hex>...]` over
/// `{t}.{body}`; other schemes in the header (`v0`) are ignored. As in
/// Stripe's libraries, the signature is checked before the timestamp.
pub fn stripe(v: &Verifier, headers: &Headers, body: &[u8], received_at_ms: i64) -> Result<(), Reason> {
    let value = header(headers, "stripe-signature")?;
    let pairs = value.split(',').filter_map(|kv| kv.trim().split_once('='));
    let (mut t, mut sigs) = (None, Vec::new());
    for (k, val) in pairs {
        match k {
            "t" if t.is_none() => t = Some(val),
            "v1" => sigs.extend(hex::decode(val)),
            _ => {}
        }
    }
    let t = t.filter(|_| !sigs.is_empty()).ok_or(Reason::Malformed)?;
    verdict(&v.key(), &[t.as_bytes(), b".", body], &sigs)?;
    in_tolerance(t, received_at_ms, v.tolerance_s())
}

/// Slack: `x-slack-signature: v0=<hex>` over `v0:{ts}:{body}`, with the
/// timestamp in `x-slack-request-timestamp`.
pub fn slack(v: &Verifier, headers: &Headers, body: &[u8], received_at_ms: i64) -> Result<(), Reason> {
    let value = header(headers, "x-slack-signature")?;
    let ts = header(headers, "x-slack-request-timestamp")?;
    let sig = value.strip_prefix("v0=").and_then(hex::decode).ok_or(Reason::Malformed)?;
    verdict(&v.key(), &[b"v0:", ts.as_bytes(), b":", body], &[sig])?;
    in_tolerance(ts, received_at_ms, v.tolerance_s())
}

/// Standard Webhooks: `webhook-signature` holds space-separated
/// `v1,<base64>` entries over `{webhook-id}.{webhook-timestamp}.{body}`;
/// entries of other versions are ignored. The `svix-*` names are accepted too.
pub fn standard(v: &Verifier, headers: &Headers, body: &[u8], received_at_ms: i64) -> Result<(), Reason> {
    let id = header_of(headers, ["webhook-id", "svix-id"])?;
    let ts = header_of(headers, ["webhook-timestamp", "svix-timestamp"])?;
    let value = header_of(headers, ["webhook-signature", "svix-signature"])?;
    let sigs: Vec<Vec<u8>> = value
        .split_whitespace()
        .filter_map(|entry| entry.strip_prefix("v1,"))
        .filter_map(|b64| STANDARD.decode(b64).ok())
        .collect();
    if sigs.is_empty() {
        return Err(Reason::Malformed);
    }
    verdict(&v.key(), &[id.as_bytes(), b".", ts.as_bytes(), b".", body], &sigs)?;
    in_tolerance(ts, received_at_ms, v.tolerance_s())
}

/// Generic: the configured header holds `<prefix><signature>` over the body.
pub fn generic(v: &Verifier, headers: &Headers, body: &[u8]) -> Result<(), Reason> {
    let value = header(headers, v.header.as_deref().unwrap_or_default())?;
    let sig = value.strip_prefix(v.prefix.as_deref().unwrap_or_default()).ok_or(Reason::Malformed)?;
    let decoded = match v.encoding.unwrap_or_default() {
        Encoding::Hex => hex::decode(sig),
        Encoding::Base64 => STANDARD.decode(sig).ok(),
    };
    verdict(&v.key(), &[body], &[decoded.ok_or(Reason::Malformed)?])
}
