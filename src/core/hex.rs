//! Lowercase hexadecimal, for digests, cursor checksums, epochs and keys.

/// Lowercase hex of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        s.push(char::from(DIGITS[usize::from(b >> 4)]));
        s.push(char::from(DIGITS[usize::from(b & 15)]));
    }
    s
}

/// The bytes of lowercase or uppercase hex `s`; `None` unless every
/// character is a hex digit and there is an even number of them.
pub fn decode(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) || !s.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_what_it_encodes_and_nothing_else() {
        assert_eq!(decode(&hex(&[0, 15, 255])), Some(vec![0, 15, 255]));
        assert_eq!(decode("FF"), Some(vec![255]));
        for bad in ["f", "+f", "zz", "0g"] {
            assert_eq!(decode(bad), None, "{bad}");
        }
    }

    #[test]
    fn hex_encodes() {
        assert_eq!(hex(&[0, 15, 255]), "000fff");
        assert_eq!(hex(&[]), "");
    }
}
