//! When each step of a sequence is due, from its captures' receive times.

/// How a sequence spaces its steps.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Timing {
    /// The original gaps divided by this factor (0.1 to 100).
    Speed(f64),
    /// A fixed gap, in ms.
    Interval(u64),
}

/// Each capture `(seq, received_at_ms)` (in seq order) with its offset from
/// the first step, in ms.
pub fn offsets(captures: &[(u64, i64)], timing: Timing) -> Vec<(u64, u64)> {
    let first = captures.first().map_or(0, |c| c.1);
    captures
        .iter()
        .enumerate()
        .map(|(i, &(seq, at))| {
            let offset = match timing {
                Timing::Speed(speed) => ((at.saturating_sub(first)).max(0) as f64 / speed).round() as u64,
                Timing::Interval(ms) => ms.saturating_mul(i as u64),
            };
            (seq, offset)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gaps_scale_by_speed_or_are_fixed() {
        let caps = [(3, 10_000), (5, 10_400), (9, 13_400)];
        assert_eq!(offsets(&caps, Timing::Speed(2.0)), [(3, 0), (5, 200), (9, 1700)]);
        assert_eq!(offsets(&caps, Timing::Speed(0.5)), [(3, 0), (5, 800), (9, 6800)]);
        assert_eq!(offsets(&caps, Timing::Interval(250)), [(3, 0), (5, 250), (9, 500)]);
        assert!(offsets(&[], Timing::Speed(1.0)).is_empty());
    }
}
