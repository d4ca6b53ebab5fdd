//! The caps on a bin's live channels, SSE streams and WebSockets counted
//! together: one bin holds at most `SSE_MAX_SUBSCRIBERS`, one client (an
//! IPv4 address or an IPv6 /64) at most `SSE_MAX_PER_CLIENT`, so one client
//! cannot take every slot, and a channel of either kind takes the same share.

/// Live channels open now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Channels {
    /// Of the bin.
    pub all: u64,
    /// Of the client asking for one more.
    pub mine: u64,
}

/// Which cap a new channel would pass.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Full {
    /// The bin's, with this many.
    Bin(u64),
    /// The client's, with this many.
    Client(u64),
}

/// The cap one more channel would pass, if any, with `max_all` for the bin
/// and `max_per_client` for each client.
pub fn full(open: Channels, max_all: u64, max_per_client: u64) -> Option<Full> {
    if open.all >= max_all {
        Some(Full::Bin(max_all))
    } else if open.mine >= max_per_client {
        Some(Full::Client(max_per_client))
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bin_cap_first_then_the_clients() {
        assert_eq!(full(Channels { all: 9, mine: 2 }, 10, 3), None);
        assert_eq!(full(Channels { all: 10, mine: 0 }, 10, 3), Some(Full::Bin(10)));
        assert_eq!(full(Channels { all: 5, mine: 3 }, 10, 3), Some(Full::Client(3)));
    }
}
