//! The bytes a bin's catching-up streams may hold between them. A stream
//! that resumes from an old id is fed from storage a batch at a time; each
//! batch sits in the stream's queue until its client reads it, and objects
//! of one isolate share its memory. Every catching-up stream reserves what
//! it can hold at most before it starts, and gives it back when it goes
//! live or ends, so the sum never passes the bin's allowance
//! (`SSE_CATCHUP_BYTES`); past it, new catch-ups are told to come back.

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

/// The reserved bytes of one bin's catching-up streams.
#[derive(Debug, Default)]
pub struct CatchupPool {
    held_bytes: u64,
}

impl CatchupPool {
    /// Reserves `bytes` if the pool's total stays within `limit_bytes`;
    /// else the reason to give the client.
    pub fn reserve(&mut self, bytes: u64, limit_bytes: u64) -> Result<(), String> {
        let total = self.held_bytes.saturating_add(bytes);
        if total > limit_bytes {
            return Err(format!(
                "busy: catching-up streams of this bin hold {} of {limit_bytes} bytes",
                self.held_bytes
            ));
        }
        self.held_bytes = total;
        Ok(())
    }

    /// Gives back `bytes` reserved earlier.
    pub fn release(&mut self, bytes: u64) {
        self.held_bytes = self.held_bytes.saturating_sub(bytes);
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
        assert!(pool.reserve(40, 100).is_ok());
        assert!(pool.reserve(40, 100).is_ok());
        let refused = pool.reserve(40, 100).unwrap_err();
        assert_eq!(refused, "busy: catching-up streams of this bin hold 80 of 100 bytes");
        assert_eq!(pool.held_bytes(), 80, "a refusal reserves nothing");
        pool.release(40);
        assert!(pool.reserve(40, 100).is_ok());
        pool.release(1000);
        assert_eq!(pool.held_bytes(), 0, "never below zero");
    }

    #[test]
    fn a_reservation_covers_two_queues_and_one_whole_body() {
        assert_eq!(reservation_bytes(4 * 1024 * 1024, 1024 * 1024), 8 * 1024 * 1024 + 1_398_101 + 1024 * 1024);
        assert_eq!(reservation_bytes(u64::MAX, u64::MAX), u64::MAX);
    }
}
