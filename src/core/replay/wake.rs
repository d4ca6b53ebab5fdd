//! The one alarm of a bin's object multiplexes the bin's expiry and every
//! replay attempt: it is always set to the earliest of them.

use crate::core::replay::model::{Replay, Status};

/// When the alarm should next fire: the earliest of `expires_at_ms`, every
/// queued replay's next attempt and every running attempt's lease end.
pub fn next_wake_ms<'a>(expires_at_ms: i64, replays: impl IntoIterator<Item = &'a Replay>) -> i64 {
    replays
        .into_iter()
        .filter_map(|r| match r.status {
            Status::Queued => r.next_at_ms,
            Status::InProgress => r.lease_until_ms,
            Status::Succeeded | Status::Failed => None,
        })
        .fold(expires_at_ms, i64::min)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expiry_when_nothing_is_pending() {
        assert_eq!(next_wake_ms(1_000, []), 1_000);
        let mut done = Replay::new(1, 1, "http://t".into(), 0, 5);
        done.status = Status::Succeeded;
        assert_eq!(next_wake_ms(1_000, [&done]), 1_000);
    }

    #[test]
    fn earliest_replay_or_lease_wins() {
        let queued = Replay::new(1, 1, "http://t".into(), 0, 300);
        let mut running = Replay::new(2, 1, "http://t".into(), 0, 0);
        running.claim(0, 200);
        assert_eq!(next_wake_ms(1_000, [&queued, &running]), 200);
        assert_eq!(next_wake_ms(100, [&queued, &running]), 100);
    }
}
