//! Whether the responder may answer a new capture now. It answers only
//! while caught up: nothing fed from storage, and every capture it was
//! sent and has not answered yet is one whose sender waits for it (its
//! slot is open). Anything else means it is forwarding a backlog or
//! retrying, and answering out of turn would break forwarding's order.

use crate::core::reply::outcome::Fallback;
use crate::core::stream::socket::Seat;

/// May the responder in `seat` answer the next capture, with `waiting`
/// senders already waiting of at most `max_waiting`? `open(seq)` tells
/// whether capture `seq`'s sender still waits for it.
pub fn may_answer(seat: &Seat, waiting: usize, max_waiting: u64, open: impl Fn(u64) -> bool) -> Result<(), Fallback> {
    if waiting as u64 >= max_waiting {
        return Err(Fallback::Busy);
    }
    if seat.behind {
        return Err(Fallback::Behind);
    }
    if seat.unacked == 0 {
        return Ok(());
    }
    let in_flight = seat.delivered.saturating_sub(seat.acked);
    if in_flight > max_waiting || !(seat.acked + 1..=seat.delivered).all(open) {
        return Err(Fallback::Behind);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seat(acked: u64, delivered: u64) -> Seat {
        let mut s = Seat::new("c".into(), "", acked, acked + 1, true, 0);
        for seq in acked + 1..=delivered {
            s.delivered(seq, 10);
        }
        s.responder = true;
        s
    }

    #[test]
    fn a_caught_up_responder_answers() {
        assert_eq!(may_answer(&seat(4, 4), 0, 20, |_| false), Ok(()));
        // Two senders already wait for 5 and 6: the responder is still caught up.
        assert_eq!(may_answer(&seat(4, 6), 2, 20, |s| s == 5 || s == 6), Ok(()));
    }

    #[test]
    fn a_backlog_a_retry_or_a_full_bin_falls_back() {
        assert_eq!(may_answer(&seat(4, 6), 1, 20, |s| s == 6), Err(Fallback::Behind), "5 is still being retried");
        let mut fed = seat(4, 4);
        fed.behind = true;
        assert_eq!(may_answer(&fed, 0, 20, |_| true), Err(Fallback::Behind));
        assert_eq!(may_answer(&seat(4, 4), 20, 20, |_| true), Err(Fallback::Busy));
        assert_eq!(may_answer(&seat(0, 30), 0, 20, |_| true), Err(Fallback::Behind), "more in flight than may wait");
    }

    #[test]
    fn an_answer_acknowledges_in_order() {
        let mut s = seat(4, 6);
        assert!(s.advanced_by(5) && s.advanced_by(6) && !s.advanced_by(4) && !s.advanced_by(7));
        s.acked(5);
        assert_eq!((s.acked, s.unacked > 0), (5, true));
        s.acked(9);
        assert_eq!((s.acked, s.unacked), (6, 0), "never past what was delivered");
    }
}
