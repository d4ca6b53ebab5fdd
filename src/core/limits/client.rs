//! Who a client is, for limits: an IPv4 address, or an IPv6 client's /64.
//! One IPv6 subscriber usually holds a whole /64, so keying on the full
//! address would hand it 2^64 fresh buckets.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// The key of unknown clients (no `CF-Connecting-IP`), who share one bucket.
pub const UNKNOWN: &str = "unknown";

/// The limit key for a client address: the IPv4 address, the /64 of an
/// IPv6 address (an IPv4-mapped one counts as IPv4), or the raw text
/// (bounded, prefixed so it can never pose as an address or a shared
/// limiter's name) when it is not an address at all.
pub fn client_key(ip: Option<&str>) -> String {
    let Some(raw) = ip.map(str::trim).filter(|s| !s.is_empty()) else { return UNKNOWN.to_string() };
    match raw.parse::<IpAddr>() {
        Ok(IpAddr::V4(v4)) => v4.to_string(),
        Ok(IpAddr::V6(v6)) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => format!("{}/64", prefix_64(v6)),
        },
        Err(_) => format!("raw:{}", raw.chars().take(64).collect::<String>()),
    }
}

fn prefix_64(ip: Ipv6Addr) -> Ipv6Addr {
    let mut s = ip.segments();
    s[4..].fill(0);
    Ipv6Addr::from(s)
}

/// The network a client sits in, for budgets a crowd of neighbours shares:
/// an IPv4 address's /24, an IPv6 address's /48 (a site's usual
/// allocation). `None` for clients that are not an address: they already
/// share one key.
pub fn prefix_key(ip: Option<&str>) -> Option<String> {
    match ip?.trim().parse::<IpAddr>().ok()? {
        IpAddr::V4(v4) => Some(v4_24(v4)),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => Some(v4_24(v4)),
            None => {
                let mut s = v6.segments();
                s[3..].fill(0);
                Some(format!("{}/48", Ipv6Addr::from(s)))
            }
        },
    }
}

fn v4_24(ip: Ipv4Addr) -> String {
    let [a, b, c, _] = ip.octets();
    format!("{a}.{b}.{c}.0/24")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipv4_is_the_address() {
        assert_eq!(client_key(Some("203.0.113.9")), "203.0.113.9");
        assert_eq!(client_key(Some(" 203.0.113.9 ")), "203.0.113.9");
    }

    #[test]
    fn ipv6_is_its_64() {
        let a = client_key(Some("2001:db8:1:2:aaaa::1"));
        let b = client_key(Some("2001:db8:1:2:ffff:ffff:ffff:ffff"));
        assert_eq!(a, "2001:db8:1:2::/64");
        assert_eq!(a, b, "one /64, one key");
        assert_ne!(a, client_key(Some("2001:db8:1:3::1")));
    }

    #[test]
    fn prefixes_are_the_24_and_the_48() {
        assert_eq!(prefix_key(Some("203.0.113.9")).as_deref(), Some("203.0.113.0/24"));
        assert_eq!(prefix_key(Some("::ffff:203.0.113.200")).as_deref(), Some("203.0.113.0/24"));
        assert_eq!(prefix_key(Some("2001:db8:1:2::1")).as_deref(), Some("2001:db8:1::/48"));
        assert_eq!(prefix_key(Some("2001:db8:1:ffff::1")), prefix_key(Some("2001:db8:1::9")));
        assert_ne!(prefix_key(Some("2001:db8:2::1")), prefix_key(Some("2001:db8:1::1")));
        assert_eq!(prefix_key(None), None);
        assert_eq!(prefix_key(Some("global")), None);
        let client = client_key(Some("203.0.113.9"));
        assert_ne!(prefix_key(Some("203.0.113.9")), Some(client), "a prefix never names a client's limiter");
    }

    #[test]
    fn mapped_ipv4_and_junk() {
        assert_eq!(client_key(Some("::ffff:198.51.100.7")), "198.51.100.7");
        assert_eq!(client_key(None), UNKNOWN);
        assert_eq!(client_key(Some("")), UNKNOWN);
        assert_eq!(client_key(Some(&"x".repeat(500))).len(), 68);
        assert_eq!(client_key(Some("global")), "raw:global");
    }
}
