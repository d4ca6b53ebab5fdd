//! Query-string parsing (application/x-www-form-urlencoded).

/// Decodes `%XX` escapes and `+` as space; invalid escapes stay literal and
/// invalid UTF-8 is replaced, so decoding never fails.
pub fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() && hex_pair(bytes[i + 1], bytes[i + 2]).is_some() => {
                out.extend(hex_pair(bytes[i + 1], bytes[i + 2]));
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex_pair(hi: u8, lo: u8) -> Option<u8> {
    let val = |c: u8| char::from(c).to_digit(16);
    Some((val(hi)? * 16 + val(lo)?) as u8)
}

/// The first value of parameter `name` in a raw query string (without `?`).
pub fn param(query: &str, name: &str) -> Option<String> {
    query.split('&').filter(|p| !p.is_empty()).find_map(|pair| {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        (percent_decode(k) == name).then(|| percent_decode(v))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_escapes_and_plus() {
        assert_eq!(percent_decode("a%20b+c"), "a b c");
        assert_eq!(percent_decode("%2Fgithub"), "/github");
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("%zz"), "%zz");
        assert_eq!(percent_decode("%e2%9c%93"), "✓");
    }

    #[test]
    fn finds_params() {
        let q = "limit=5&cursor=abc&flag&x=%2F";
        assert_eq!(param(q, "limit").as_deref(), Some("5"));
        assert_eq!(param(q, "cursor").as_deref(), Some("abc"));
        assert_eq!(param(q, "flag").as_deref(), Some(""));
        assert_eq!(param(q, "x").as_deref(), Some("/"));
        assert_eq!(param(q, "missing"), None);
        assert_eq!(param("", "limit"), None);
    }
}
