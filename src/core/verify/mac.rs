//! HMAC-SHA256 over a message given in parts, checked in constant time by
//! the `hmac` crate, so a signature is never compared byte by byte.

use hmac::{Hmac, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// HMAC-SHA256 of the concatenation of `parts` under `key`.
fn mac(key: &[u8], parts: &[&[u8]]) -> Option<HmacSha256> {
    // HMAC accepts keys of any length; this only fails on a broken build.
    let mut mac = HmacSha256::new_from_slice(key).ok()?;
    for part in parts {
        mac.update(part);
    }
    Some(mac)
}

/// True if any of `candidates` is the HMAC-SHA256 of `parts` under `key`.
/// Each comparison takes constant time.
pub fn any_matches(key: &[u8], parts: &[&[u8]], candidates: &[Vec<u8>]) -> bool {
    let Some(base) = mac(key, parts) else { return false };
    candidates.iter().any(|c| base.clone().verify_slice(c).is_ok())
}

/// The HMAC-SHA256 of `parts` under `key`, for tests and fingerprints.
pub fn sign(key: &[u8], parts: &[&[u8]]) -> Vec<u8> {
    mac(key, parts).map(|m| m.finalize().into_bytes().to_vec()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::hex::hex;

    #[test]
    fn rfc_4231_case_2() {
        let sig = sign(b"Jefe", &[b"what do ya want ", b"for nothing?"]);
        assert_eq!(hex(&sig), "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
        assert!(any_matches(b"Jefe", &[b"what do ya want for nothing?"], &[vec![1], sig.clone()]));
        assert!(!any_matches(b"jefe", &[b"what do ya want for nothing?"], &[sig]));
        assert!(!any_matches(b"Jefe", &[b"x"], &[]));
    }
}
