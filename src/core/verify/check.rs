//! Checking a capture against its bin's verifiers.

use super::outcome::{Reason, Verification};
use super::schemes::{self, Headers};
use super::verifier::{Scheme, Verifier};

/// Checks `body` and `headers`, received at `received_at_ms`, under one verifier.
pub fn check_one(v: &Verifier, headers: &Headers, body: &[u8], received_at_ms: i64) -> Verification {
    let result = match v.scheme {
        Scheme::Github => schemes::github(v, headers, body),
        Scheme::Shopify => schemes::shopify(v, headers, body),
        Scheme::Stripe => schemes::stripe(v, headers, body, received_at_ms),
        Scheme::Slack => schemes::slack(v, headers, body, received_at_ms),
        Scheme::StandardWebhooks => schemes::standard(v, headers, body, received_at_ms),
        Scheme::HmacSha256 => schemes::generic(v, headers, body),
    };
    Verification::of(v.scheme.name(), result)
}

/// The verification of a capture under every verifier of its bin; `None`
/// when the bin has none. A bin may take webhooks from several senders, so
/// the first verifier that accepts decides; failing that, the first whose
/// header was present (its reason says most); failing that, the first.
pub fn check_all(verifiers: &[Verifier], headers: &Headers, body: &[u8], received_at_ms: i64) -> Option<Verification> {
    let mut first = None;
    let mut first_present = None;
    for v in verifiers {
        let outcome = check_one(v, headers, body, received_at_ms);
        if outcome.valid {
            return Some(outcome);
        }
        if first_present.is_none() && outcome.reason != Some(Reason::MissingHeader) {
            first_present = Some(outcome.clone());
        }
        first.get_or_insert(outcome);
    }
    first_present.or(first)
}
