//! A rate kept in one number, for state that must stay small (a socket's
//! attachment): the generic cell rate algorithm. `tat_ms` is when the
//! stream of allowed events would be back to its steady pace; an event is
//! allowed while that lies at most `burst - 1` intervals ahead of now.

/// Admits an event at `now_ms` for a pace of `per_s` events a second with
/// bursts of `burst`: the new `tat_ms` if allowed, `None` if over the pace.
pub fn admit(tat_ms: i64, now_ms: i64, per_s: u64, burst: u64) -> Option<i64> {
    let interval = 1000 / i64::try_from(per_s.max(1)).unwrap_or(i64::MAX).min(1000);
    let start = tat_ms.max(now_ms);
    let ahead = start.saturating_sub(now_ms);
    // The burst's first event needs no allowance, each further one an interval.
    let allowance = interval.saturating_mul(i64::try_from(burst.max(1) - 1).unwrap_or(i64::MAX));
    (ahead <= allowance).then(|| start.saturating_add(interval))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_then_the_pace() {
        // 5 a second (200 ms apart), bursts of 3.
        let mut tat = 0;
        for _ in 0..3 {
            tat = admit(tat, 1000, 5, 3).unwrap();
        }
        assert_eq!(admit(tat, 1000, 5, 3), None, "the fourth at once is over");
        assert!(admit(tat, 1199, 5, 3).is_none());
        assert!(admit(tat, 1200, 5, 3).is_some(), "one interval later one more fits");
    }

    #[test]
    fn idle_time_refills_only_up_to_the_burst() {
        let tat = admit(0, 0, 5, 3).unwrap();
        let mut t = tat;
        let mut allowed = 0;
        while let Some(next) = admit(t, 60_000, 5, 3) {
            t = next;
            allowed += 1;
        }
        assert_eq!(allowed, 3);
    }

    #[test]
    fn extreme_rates_stay_sane() {
        assert!(admit(0, 0, 0, 0).is_some(), "a zero pace still lets one through");
        assert!(admit(0, 0, u64::MAX, u64::MAX).is_some());
        assert!(admit(i64::MAX, i64::MIN, 5, 3).is_none());
    }
}
