use super::*;

fn seq(total: u64, on_failure: OnFailure) -> Sequence {
    Sequence {
        n: 1,
        target_url: "http://t.example/".into(),
        max_retries: 0,
        on_failure,
        resign: None,
        client: "203.0.113.9".into(),
        status: Status::Running,
        total,
        next: 0,
        sent: 0,
        failed: 0,
        current: None,
        anchor_ms: 1_000,
        paused_at_ms: None,
        not_before_ms: None,
        created_at_ms: 1_000,
        updated_at_ms: 1_000,
    }
}

#[test]
fn steps_come_due_at_their_offsets_and_never_overlap() {
    let mut s = seq(2, OnFailure::Continue);
    assert_eq!(s.due_at(Some(0)), Some(1_000));
    s.sent_step(7, 1_000);
    assert_eq!(s.due_at(Some(500)), None, "step 0 is in flight");
    s.step_ended(true, 1_200);
    assert_eq!(s.due_at(Some(500)), Some(1_500));
    s.hold(2_000, 1_500);
    assert_eq!(s.due_at(Some(500)), Some(2_000), "waiting for the budget");
    s.sent_step(8, 2_000);
    s.step_ended(false, 2_100);
    assert_eq!((s.status, s.sent, s.failed), (Status::Done, 1, 1));
    assert_eq!(s.due_at(Some(0)), None);
}

#[test]
fn stop_ends_at_the_first_dead_letter() {
    let mut s = seq(3, OnFailure::Stop);
    s.sent_step(1, 1_000);
    s.step_ended(false, 1_100);
    assert_eq!((s.status, s.next, s.failed), (Status::Stopped, 1, 1));
    assert!(!s.active() && !s.pause(1_200) && !s.cancel(1_200));
}

#[test]
fn a_pause_moves_every_later_step_on() {
    let mut s = seq(2, OnFailure::Continue);
    s.sent_step(1, 1_000);
    s.step_ended(true, 1_050);
    assert!(s.pause(1_100));
    assert_eq!(s.due_at(Some(400)), None);
    assert!(!s.pause(1_200));
    assert!(s.resume(4_100));
    assert_eq!(s.due_at(Some(400)), Some(4_400), "due 300 ms after the resume, as it was 300 ms after the pause");
    assert!(s.cancel(4_200));
    assert_eq!((s.status, s.due_at(Some(400))), (Status::Cancelled, None));
    assert!(!s.resume(4_300));
}
