use super::*;
use std::cell::RefCell;
use std::collections::BTreeMap;

/// Captures by seq with bodies; `evict` plays retention.
#[derive(Default)]
struct Fake(RefCell<BTreeMap<u64, (Capture, Vec<u8>)>>);

impl Fake {
    fn with(seqs: impl IntoIterator<Item = u64>, body: &[u8], path: &str) -> Fake {
        let fake = Fake::default();
        for seq in seqs {
            let mut c = Capture::sample(seq, body.len() as u64);
            c.path = path.into();
            fake.0.borrow_mut().insert(seq, (c, body.to_vec()));
        }
        fake
    }
    fn evict_through(&self, seq: u64) {
        self.0.borrow_mut().retain(|s, _| *s > seq);
    }
}

impl CaptureSource for Fake {
    fn oldest_seq(&self) -> Result<Option<u64>, ApiError> {
        Ok(self.0.borrow().keys().next().copied())
    }
    fn range(&self, after: u64, until: u64, ns: &Namespace, limit: usize) -> Result<Vec<Capture>, ApiError> {
        let map = self.0.borrow();
        let hits = map.range(after + 1..until).map(|(_, (c, _))| c.clone()).filter(|c| ns.contains(&c.path));
        Ok(hits.take(limit).collect())
    }
    fn body(&self, seq: u64) -> Result<Vec<u8>, ApiError> {
        Ok(self.0.borrow().get(&seq).map(|(_, b)| b.clone()).unwrap_or_default())
    }
}

fn ids(frames: &[Frame]) -> Vec<String> {
    frames.iter().map(|f| f.lines().next().unwrap_or("").to_string()).collect()
}

#[test]
fn sends_everything_in_order_in_batches() {
    let fake = Fake::with(1..=40, b"x", "/");
    let mut b = Backlog::new("k3p9q2x7m1nb".into(), Filter::everything(), 0, 41, usize::MAX);
    let mut sent = vec![];
    while !b.is_done() {
        let frames = b.next_frames(&fake).unwrap();
        assert!(frames.len() <= BATCH_CAPTURES);
        sent.extend(ids(&frames));
    }
    let want: Vec<String> = (1..=40).map(|s| format!("id: k3p9q2x7m1nb-{s}")).collect();
    assert_eq!(sent, want);
    assert!(b.next_frames(&fake).unwrap().is_empty());
}

#[test]
fn a_batch_stops_at_its_byte_budget_but_sends_at_least_one() {
    let fake = Fake::with(1..=5, &[7u8; 1000], "/");
    let mut b = Backlog::new("k3p9q2x7m1nb".into(), Filter::everything(), 0, 6, 10);
    assert_eq!(ids(&b.next_frames(&fake).unwrap()), ["id: k3p9q2x7m1nb-1"]);
    assert_eq!(b.position(), 1);
    let mut big = Backlog::new("k3p9q2x7m1nb".into(), Filter::everything(), 0, 6, 4000);
    assert_eq!(big.next_frames(&fake).unwrap().len(), 3, "1,2 fit; the third crosses the budget and closes the batch");
}

#[test]
fn eviction_during_catch_up_is_announced_once() {
    let fake = Fake::with(1..=40, b"x", "/");
    let mut b = Backlog::new("k3p9q2x7m1nb".into(), Filter::everything(), 0, 41, usize::MAX);
    b.next_frames(&fake).unwrap();
    fake.evict_through(30);
    let frames = b.next_frames(&fake).unwrap();
    assert!(frames[0].starts_with("event: lost\n"));
    assert!(frames[0].contains("\"first_seq\":17,\"last_seq\":30,\"resumes_after\":30"));
    assert_eq!(ids(&frames[1..2]), ["id: k3p9q2x7m1nb-31"]);
    let next = b.next_frames(&fake).unwrap();
    assert!(!next.iter().any(|f| f.starts_with("event: lost")));
}

#[test]
fn namespace_filters_and_an_empty_range_finishes() {
    let fake = Fake::with(1..=3, b"x", "/other");
    let mut b = Backlog::new("k3p9q2x7m1nb".into(), Filter::parse("path_prefix=/github").unwrap(), 0, 4, usize::MAX);
    assert!(b.next_frames(&fake).unwrap().is_empty());
    assert!(b.is_done());
}

#[test]
fn everything_evicted_is_one_lost_range() {
    let fake = Fake::default();
    let mut b = Backlog::new("k3p9q2x7m1nb".into(), Filter::everything(), 2, 11, usize::MAX);
    let frames = b.next_frames(&fake).unwrap();
    assert_eq!(frames.len(), 1);
    assert!(frames[0].contains("\"first_seq\":3,\"last_seq\":10"));
    assert!(b.is_done());
}

#[test]
fn the_gap_rule() {
    assert_eq!(gap(4, 5), None);
    assert_eq!(gap(4, 3), None);
    assert_eq!(gap(2, 6), Some(Lost { first_seq: 3, last_seq: 5, resumes_after: 5 }));
}

#[test]
fn filters_skip_quietly_and_a_call_reads_a_bounded_number() {
    let fake = Fake::with(1..=1000, b"x", "/");
    let mut b = Backlog::new("k3p9q2x7m1nb".into(), Filter::parse("method=PUT").unwrap(), 0, 1001, usize::MAX);
    assert!(b.next_frames(&fake).unwrap().is_empty());
    assert!(!b.is_done(), "a call stops after MAX_ROWS_PER_CALL rows");
    assert_eq!(b.position(), MAX_ROWS_PER_CALL as u64);
    fake.0.borrow_mut().get_mut(&900).unwrap().0.method = "PUT".into();
    let mut calls = 1;
    let frames = loop {
        calls += 1;
        let frames = b.next_frames(&fake).unwrap();
        if !frames.is_empty() {
            break frames;
        }
    };
    assert_eq!(ids(&frames), ["id: k3p9q2x7m1nb-900"]);
    assert_eq!(calls, 4);
    while !b.next_frames(&fake).unwrap().is_empty() || !b.is_done() {}
    assert!(b.is_done());
}

#[test]
fn a_filter_turns_down_at_most_its_allowance_then_says_where_it_got_to() {
    let fake = Fake::with(1..=600, b"x", "/");
    let filter = Filter::parse("method=NOPE").unwrap();
    let mut b = Backlog::new("k3p9q2x7m1nb".into(), filter, 0, 601, usize::MAX).with_skip_limit(300);
    let mut calls = 0;
    while !b.out_of_skips() && !b.is_done() {
        assert!(b.next_frames(&fake).unwrap().is_empty());
        calls += 1;
    }
    assert!(b.out_of_skips() && calls <= 2, "300 rows, at most 256 a call");
    assert_eq!(b.position(), 300, "no row past the allowance was read");
    assert_eq!(
        &*b.skipped(),
        "id: k3p9q2x7m1nb-300\nevent: skipped\ndata: {\"reason\":\"scan_limit\",\"resumes_after\":300}\n\n"
    );
    assert!(b.next_frames(&fake).unwrap().is_empty(), "nothing more is read once out of skips");
    assert_eq!(b.position(), 300);
}

#[test]
fn matching_captures_do_not_use_the_allowance() {
    let fake = Fake::with(1..=50, b"x", "/");
    let mut b = Backlog::new("k3p9q2x7m1nb".into(), Filter::everything(), 0, 51, usize::MAX).with_skip_limit(1);
    let mut sent = 0;
    while !b.is_done() {
        sent += b.next_frames(&fake).unwrap().len();
    }
    assert_eq!(sent, 50);
    assert!(!b.out_of_skips());
}
