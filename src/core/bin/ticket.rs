//! Stream tickets: short-lived, signed permissions to open one bin's stream,
//! so a private bin's read token never has to travel in a URL (where the
//! platform's invocation logs would record it). A ticket is
//! `<expiry ms>.<HMAC-SHA256(key, "stream:<bin>:<expiry ms>") hex>`, keyed
//! by a random secret that only the bin's object holds.

use crate::core::hex::{self, hex};
use crate::core::http::error::{ApiError, ErrorKind};
use hmac::{Hmac, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// Random bytes in a bin's ticket key.
pub const KEY_BYTES: usize = 32;

fn mac(key: &[u8], bin: &str, expires_at_ms: i64) -> Result<HmacSha256, ApiError> {
    let mut mac = HmacSha256::new_from_slice(key).map_err(|e| ApiError::internal(format!("ticket key: {e}")))?;
    mac.update(format!("stream:{bin}:{expires_at_ms}").as_bytes());
    Ok(mac)
}

/// A ticket for bin `bin`'s stream, valid until `expires_at_ms`.
pub fn issue(key: &[u8], bin: &str, expires_at_ms: i64) -> Result<String, ApiError> {
    Ok(format!("{expires_at_ms}.{}", hex(&mac(key, bin, expires_at_ms)?.finalize().into_bytes())))
}

/// Checks a presented ticket for bin `bin` at `now_ms`: 403 when it is
/// malformed, forged, for another bin, or expired.
pub fn verify(key: &[u8], bin: &str, ticket: &str, now_ms: i64) -> Result<(), ApiError> {
    let refused =
        |why: &str| ApiError::new(ErrorKind::Forbidden, "invalid stream ticket").with_details(why.to_string());
    let (expiry, sig) = ticket.split_once('.').ok_or_else(|| refused("not a ticket this service issued"))?;
    let expires_at_ms: i64 = expiry.parse().map_err(|_| refused("not a ticket this service issued"))?;
    let sig = hex::decode(sig).filter(|s| s.len() == 32).ok_or_else(|| refused("not a ticket this service issued"))?;
    // `verify_slice` compares in constant time.
    mac(key, bin, expires_at_ms)?.verify_slice(&sig).map_err(|_| refused("not a ticket for this bin"))?;
    if now_ms >= expires_at_ms {
        return Err(refused("the ticket has expired; ask for a new one"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &[u8] = &[7; KEY_BYTES];

    #[test]
    fn a_ticket_opens_its_bin_until_it_expires() {
        let t = issue(KEY, "k3p9q2x7m1nb", 60_000).unwrap();
        assert!(verify(KEY, "k3p9q2x7m1nb", &t, 59_999).is_ok());
        assert_eq!(verify(KEY, "k3p9q2x7m1nb", &t, 60_000).unwrap_err().status(), 403);
    }

    #[test]
    fn forged_moved_and_foreign_tickets_fail() {
        let t = issue(KEY, "k3p9q2x7m1nb", 60_000).unwrap();
        assert!(verify(KEY, "aaaaaaaaaaaa", &t, 0).is_err(), "another bin");
        assert!(verify(&[8; KEY_BYTES], "k3p9q2x7m1nb", &t, 0).is_err(), "another key");
        let later = t.replacen("60000", "99999", 1);
        assert!(verify(KEY, "k3p9q2x7m1nb", &later, 0).is_err(), "a moved expiry");
        for junk in ["", "x", "1.", "1.zz", &format!("1.{}", "0".repeat(64))] {
            assert!(verify(KEY, "k3p9q2x7m1nb", junk, 0).is_err(), "{junk}");
        }
    }
}
