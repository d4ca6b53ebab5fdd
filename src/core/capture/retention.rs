//! Per-bin retention: when a bin holds too many captures or too many
//! stored bytes, the oldest captures are evicted first, with their replays.
//! Stored bytes count everything a capture keeps (headers, path, query,
//! cookies, body) and every row of its replays, not only bodies.

use crate::core::capture::model::Capture;

/// Bytes counted per stored row beyond its text: keys, numbers, indexes.
pub const ROW_OVERHEAD_BYTES: u64 = 64;

impl Capture {
    /// The bytes this capture takes in storage. `Set-Cookie` values count
    /// twice: they are kept joined in the header map and apart.
    pub fn stored_bytes(&self) -> u64 {
        let texts = [&self.method, &self.path, &self.query].iter().map(|s| s.len()).sum::<usize>();
        let headers = self.headers.iter().map(|(k, v)| k.len() + v.len() + 6).sum::<usize>();
        let cookies = self.set_cookies.iter().map(|c| c.len() + 3).sum::<usize>();
        let extra = self.content_type.as_ref().map_or(0, String::len) + self.client_ip.as_ref().map_or(0, String::len);
        // The namespace key is a second copy of the path.
        (texts + self.path.len() + headers + cookies + extra) as u64 + self.body_size + 2 * ROW_OVERHEAD_BYTES
    }
}

/// How much a bin holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Usage {
    /// Number of captures.
    pub count: u64,
    /// Stored bytes (see [`Capture::stored_bytes`]), replays included.
    pub bytes: u64,
}

/// What a bin may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Most captures kept.
    pub max_count: u64,
    /// Most stored bytes kept.
    pub max_bytes: u64,
}

impl Usage {
    /// True if this usage breaks either limit.
    pub fn over(self, limits: Limits) -> bool {
        self.count > limits.max_count || self.bytes > limits.max_bytes
    }
}

/// Oldest captures to read for one eviction round, at most `max`. A bin
/// over on bytes may need many; one over on count alone needs exactly its
/// excess, which for a full bin taking one capture is a single row.
pub fn batch(usage: Usage, limits: Limits, max: u64) -> u64 {
    if usage.bytes > limits.max_bytes {
        return max.max(1);
    }
    usage.count.saturating_sub(limits.max_count).clamp(1, max.max(1))
}

/// Plans an eviction from the oldest captures, given as `(seq, stored bytes)`
/// in ascending `seq` order. Returns how many of them to drop and the usage
/// after dropping them. If the usage is still over and every row given was
/// dropped, the caller fetches the next-oldest batch and plans again.
pub fn plan(mut usage: Usage, limits: Limits, oldest: &[(u64, u64)]) -> (usize, Usage) {
    let mut drop = 0;
    for &(_, size) in oldest {
        if !usage.over(limits) {
            break;
        }
        usage.count = usage.count.saturating_sub(1);
        usage.bytes = usage.bytes.saturating_sub(size);
        drop += 1;
    }
    (drop, usage)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_bytes_count_more_than_the_body() {
        let mut c = Capture::sample(1, 10);
        let bare = c.stored_bytes();
        assert!(bare > 10);
        c.headers.insert("x-big".into(), "v".repeat(30_000));
        c.set_cookies = vec!["a".repeat(100)];
        assert!(c.stored_bytes() >= bare + 30_000 + 100);
    }

    const LIMITS: Limits = Limits { max_count: 3, max_bytes: 100 };

    #[test]
    fn nothing_to_do_within_limits() {
        assert_eq!(plan(Usage { count: 3, bytes: 100 }, LIMITS, &[(1, 10)]), (0, Usage { count: 3, bytes: 100 }));
    }

    #[test]
    fn count_limit_drops_the_oldest() {
        let (n, after) = plan(Usage { count: 4, bytes: 40 }, LIMITS, &[(1, 10), (2, 10), (3, 10)]);
        assert_eq!(n, 1);
        assert_eq!(after, Usage { count: 3, bytes: 30 });
    }

    #[test]
    fn byte_limit_can_drop_several() {
        let (n, after) = plan(Usage { count: 3, bytes: 150 }, LIMITS, &[(1, 30), (2, 30), (3, 90)]);
        assert_eq!(n, 2);
        assert_eq!(after, Usage { count: 1, bytes: 90 });
    }

    #[test]
    fn batch_reads_the_count_excess_or_a_full_batch_for_bytes() {
        assert_eq!(batch(Usage { count: 4, bytes: 0 }, LIMITS, 64), 1);
        assert_eq!(batch(Usage { count: 9, bytes: 0 }, LIMITS, 64), 6);
        assert_eq!(batch(Usage { count: 500, bytes: 0 }, LIMITS, 64), 64);
        assert_eq!(batch(Usage { count: 1, bytes: 101 }, LIMITS, 64), 64);
        // Never zero: the caller only asks when usage is over.
        assert_eq!(batch(Usage { count: 3, bytes: 100 }, LIMITS, 64), 1);
        assert_eq!(batch(Usage { count: 9, bytes: 0 }, LIMITS, 0), 1);
    }

    #[test]
    fn reports_when_a_batch_is_not_enough() {
        let (n, after) = plan(Usage { count: 10, bytes: 0 }, LIMITS, &[(1, 0), (2, 0)]);
        assert_eq!(n, 2);
        assert!(after.over(LIMITS));
    }
}
