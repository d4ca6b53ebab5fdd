//! The bytes a bin's catching-up streams may hold between them. A stream
//! that resumes from an old id is fed from storage a batch at a time; each
//! batch sits in the stream's queue until its client reads it, and objects
//! of one isolate share its memory. Every catching-up stream reserves what
//! it can hold at most before it starts, and gives it back when it goes
//! live or ends, so the sum never passes the bin's allowance
//! (`SSE_CATCHUP_BYTES`); past it, new catch-ups are told to come back.
//! One client (a limit key) may hold at most a third of the allowance, so
//! a reader that never reads cannot keep every other client's resume out.

use std::collections::BTreeMap;

/// Room a frame may take on top of a full queue, in bytes: a whole body in
/// base64 (4/3 of it) and a generous allowance for its headers and fields.
pub fn largest_frame_bytes(max_body_bytes: u64) -> u64 {
    max_body_bytes.saturating_mul(4) / 3 + 1024 * 1024
}

/// What one catching-up stream reserves, in bytes. A batch of about
/// `queue_bytes` (and one frame more) is written only once fewer than
/// `queue_bytes` wait unread, so at most twice the queue and one frame are
/// held at once.
pub fn reservation_bytes(queue_bytes: u64, max_body_bytes: u64) -> u64 {
    queue_bytes.saturating_mul(2).saturating_add(largest_frame_bytes(max_body_bytes))
}

/// A client's share of a pool of `limit_bytes`: a third, but always room
/// for one reservation of `one_bytes` when the pool has it.
fn share(limit_bytes: u64, one_bytes: u64) -> u64 {
    (limit_bytes / 3).max(one_bytes)
}

/// The reserved bytes of one bin's catching-up streams.
#[derive(Debug, Default)]
pub struct CatchupPool {
    held_bytes: u64,
    by_client: BTreeMap<String, u64>,
}

impl CatchupPool {
    /// Reserves `bytes` for `client` if the pool's total stays within
    /// `limit_bytes` and the client's within its share; else the reason to
    /// give the client.
    pub fn reserve(&mut self, client: &str, bytes: u64, limit_bytes: u64) -> Result<(), String> {
        let total = self.held_bytes.saturating_add(bytes);
        if total > limit_bytes {
            return Err(format!(
                "busy: catching-up streams of this bin hold {} of {limit_bytes} bytes",
                self.held_bytes
            ));
        }
        let mine = self.by_client.get(client).copied().unwrap_or(0).saturating_add(bytes);
        if mine > share(limit_bytes, bytes) {
            return Err("busy: your catching-up streams of this bin hold their share; let them finish".into());
        }
        self.held_bytes = total;
        self.by_client.insert(client.to_string(), mine);
        Ok(())
    }

    /// Gives back `bytes` that `client` reserved earlier.
    pub fn release(&mut self, client: &str, bytes: u64) {
        let Some(mine) = self.by_client.get_mut(client) else { return };
        let freed = bytes.min(*mine);
        *mine -= freed;
        self.held_bytes = self.held_bytes.saturating_sub(freed);
        if *mine == 0 {
            self.by_client.remove(client);
        }
    }

    /// Bytes reserved now.
    pub fn held_bytes(&self) -> u64 {
        self.held_bytes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reserves_up_to_the_limit_and_gives_back() {
        let mut pool = CatchupPool::default();
        assert!(pool.reserve("a", 40, 120).is_ok());
        assert!(pool.reserve("b", 40, 120).is_ok());
        assert!(pool.reserve("c", 40, 120).is_ok());
        let refused = pool.reserve("d", 40, 120).unwrap_err();
        assert_eq!(refused, "busy: catching-up streams of this bin hold 120 of 120 bytes");
        assert_eq!(pool.held_bytes(), 120, "a refusal reserves nothing");
        pool.release("a", 40);
        assert!(pool.reserve("d", 40, 120).is_ok());
        pool.release("nobody", 1000);
        assert_eq!(pool.held_bytes(), 120, "what a client never reserved frees nothing");
    }

    #[test]
    fn one_client_holds_at_most_a_third() {
        let mut pool = CatchupPool::default();
        assert!(pool.reserve("a", 10, 90).is_ok());
        assert!(pool.reserve("a", 10, 90).is_ok());
        assert!(pool.reserve("a", 10, 90).is_ok());
        assert!(pool.reserve("a", 10, 90).unwrap_err().contains("your catching-up streams"));
        assert!(pool.reserve("b", 10, 90).is_ok(), "others still get in");
        pool.release("a", 10);
        assert!(pool.reserve("a", 10, 90).is_ok());
        let mut small = CatchupPool::default();
        assert!(small.reserve("a", 50, 100).is_ok(), "a share always fits one reservation");
    }

    #[test]
    fn a_reservation_covers_two_queues_and_one_whole_body() {
        assert_eq!(reservation_bytes(4 * 1024 * 1024, 1024 * 1024), 8 * 1024 * 1024 + 1_398_101 + 1024 * 1024);
        assert_eq!(reservation_bytes(u64::MAX, u64::MAX), u64::MAX);
    }
}
