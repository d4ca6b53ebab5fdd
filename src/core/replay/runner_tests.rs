use super::*;
use std::cell::RefCell;
use std::collections::BTreeMap;

/// Replays and attempts in memory.
#[derive(Default)]
struct Fake {
    replays: RefCell<BTreeMap<u64, Replay>>,
    attempts: RefCell<Vec<(u64, Attempt)>>,
}

impl Fake {
    fn with(replays: impl IntoIterator<Item = Replay>) -> Fake {
        let fake = Fake::default();
        for r in replays {
            fake.replays.borrow_mut().insert(r.n, r);
        }
        fake
    }
    fn get(&self, n: u64) -> Replay {
        self.replays.borrow()[&n].clone()
    }
}

impl ReplayRepo for Fake {
    fn pending(&self) -> Result<Vec<Replay>, ApiError> {
        let all = self.replays.borrow();
        // Reverse order on purpose: the runner must sort by itself.
        Ok(all.values().rev().filter(|r| matches!(r.status, Status::Queued | Status::InProgress)).cloned().collect())
    }
    fn save(&self, replay: &Replay) -> Result<(), ApiError> {
        self.replays.borrow_mut().insert(replay.n, replay.clone());
        Ok(())
    }
    fn add_attempt(&self, n: u64, attempt: &Attempt) -> Result<(), ApiError> {
        self.attempts.borrow_mut().push((n, attempt.clone()));
        Ok(())
    }
}

const RUNNER: Runner =
    Runner { policy: Policy { base_ms: 1000, retry_after_cap_ms: 60_000 }, lease_ms: 15_000, max_running: usize::MAX };

fn replay(n: u64, max_retries: u32, at: i64) -> Replay {
    Replay::new(n, 1, "http://t.example/".into(), max_retries, at)
}

fn answered(status: u16) -> Sent {
    Sent::Answered { status, retry_after: None }
}

#[test]
fn claims_due_replays_oldest_first_and_stores_the_claim() {
    let fake = Fake::with([replay(1, 0, 0), replay(2, 0, 0), replay(3, 0, 500)]);
    let round = RUNNER.claim(&fake, 100).unwrap();
    assert_eq!(round.claimed.iter().map(|r| r.n).collect::<Vec<_>>(), [1, 2]);
    assert_eq!(fake.get(1).status, Status::InProgress);
    assert_eq!(fake.get(1).lease_until_ms, Some(15_100));
    assert!(RUNNER.claim(&fake, 200).unwrap().claimed.is_empty(), "a repeated alarm claims nothing twice");
}

#[test]
fn at_most_max_running_attempts_at_once() {
    let runner = Runner { max_running: 2, ..RUNNER };
    let fake = Fake::with((1..=5).map(|n| replay(n, 0, 0)));
    assert_eq!(runner.claim(&fake, 0).unwrap().claimed.len(), 2);
    assert!(runner.claim(&fake, 1).unwrap().claimed.is_empty(), "two still hold their leases");
    let first = fake.get(1);
    runner.settle(&fake, first, 0, answered(200), 5, 10).unwrap();
    assert_eq!(runner.claim(&fake, 11).unwrap().claimed.iter().map(|r| r.n).collect::<Vec<_>>(), [3]);
}

#[test]
fn a_stalled_attempt_fails_and_is_retried_after_backoff() {
    let fake = Fake::with([replay(1, 2, 0)]);
    RUNNER.claim(&fake, 0).unwrap();
    let round = RUNNER.claim(&fake, 15_000).unwrap();
    assert_eq!(round.interrupted.len(), 1);
    assert!(round.claimed.is_empty(), "the retry waits for its backoff");
    let r = fake.get(1);
    assert_eq!((r.status, r.next_at_ms), (Status::Queued, Some(16_000)));
    assert_eq!(r.last_error.as_deref(), Some(INTERRUPTED));
    assert_eq!(fake.attempts.borrow()[0].1.error.as_deref(), Some(INTERRUPTED));
    assert_eq!(RUNNER.claim(&fake, 16_000).unwrap().claimed.len(), 1);
}

#[test]
fn outcome_classes_and_last_error_text() {
    let cases = [
        (answered(204), Status::Succeeded, None),
        (answered(404), Status::Failed, Some("target answered 404")),
        (answered(503), Status::Queued, Some("target answered 503")),
        (Sent::NoAnswer("timed out after 10 ms".into()), Status::Queued, Some("timed out after 10 ms")),
        (Sent::Impossible(NOT_RETAINED.into()), Status::Failed, Some(NOT_RETAINED)),
    ];
    for (sent, status, error) in cases {
        let fake = Fake::with([replay(1, 3, 0)]);
        let claimed = RUNNER.claim(&fake, 0).unwrap().claimed.remove(0);
        let settled = RUNNER.settle(&fake, claimed, 0, sent.clone(), 7, 10).unwrap();
        assert_eq!(settled.replay.status, status, "{sent:?}");
        assert_eq!(settled.replay.last_error.as_deref(), error, "{sent:?}");
        assert_eq!(settled.attempt.duration_ms, 7);
        let done = matches!(status, Status::Succeeded | Status::Failed);
        assert_eq!(settled.finished.is_some(), done, "{sent:?}");
    }
}

#[test]
fn retries_run_out_and_retry_after_is_honoured() {
    let fake = Fake::with([replay(1, 1, 0)]);
    let first = RUNNER.claim(&fake, 0).unwrap().claimed.remove(0);
    let slow = Sent::Answered { status: 429, retry_after: Some("7".into()) };
    let s = RUNNER.settle(&fake, first, 0, slow, 1, 100).unwrap();
    assert_eq!(s.replay.next_at_ms, Some(7_100));
    let second = RUNNER.claim(&fake, 7_100).unwrap().claimed.remove(0);
    let s = RUNNER.settle(&fake, second, 7_100, answered(500), 1, 7_200).unwrap();
    assert_eq!(s.finished, Some(Status::Failed));
    assert!(s.replay.last_error.unwrap().contains("gave up after 2 attempts"));
    assert_eq!(fake.attempts.borrow().iter().map(|(_, a)| a.attempt).collect::<Vec<_>>(), [1, 2]);
}
