use super::*;
use std::cell::Cell;

/// Captures 1..=n of `body` bytes each; even ones are PUTs, bodies of
/// multiples of 10 hold the needle; `reads` counts rows handed out and
/// `searched` the bodies searched.
struct Fake {
    n: u64,
    body: u64,
    reads: Cell<usize>,
    searched: Cell<usize>,
}

impl ScanSource for Fake {
    fn scan(&self, w: Window, order: Order, ns: &Namespace, limit: usize) -> Result<Vec<Capture>, ApiError> {
        let mut seqs: Vec<u64> = (1..=self.n).filter(|s| *s > w.after && *s < w.before).collect();
        if order == Order::NewestFirst {
            seqs.reverse();
        }
        let rows: Vec<Capture> = seqs
            .into_iter()
            .map(|s| {
                let mut c = Capture::sample(s, self.body);
                c.method = if s % 2 == 0 { "PUT".into() } else { "POST".into() };
                c
            })
            .filter(|c| ns.contains(&c.ns_path()))
            .take(limit)
            .collect();
        self.reads.set(self.reads.get() + rows.len());
        Ok(rows)
    }

    fn body_hits(&self, seqs: &[u64], _q: &str) -> Result<Vec<u64>, ApiError> {
        self.searched.set(self.searched.get() + seqs.len());
        Ok(seqs.iter().copied().filter(|s| s % 10 == 0).collect())
    }
}

fn fake(n: u64) -> Fake {
    Fake { n, body: 0, reads: Cell::new(0), searched: Cell::new(0) }
}

fn rows(n: usize) -> Budget {
    Budget { rows: n, body_bytes: u64::MAX }
}

fn seqs(found: &Found) -> Vec<u64> {
    found.items.iter().map(|c| c.seq).collect()
}

const ALL: Window = Window { after: 0, before: u64::MAX };

#[test]
fn pages_through_matches_newest_first() {
    let src = fake(10);
    let f = Filter::parse("method=PUT").unwrap();
    let first = find(&src, &f, ALL, Order::NewestFirst, 2, rows(1000)).unwrap();
    assert_eq!((seqs(&first), first.next), (vec![10, 8], Some(8)));
    let w = Window { after: 0, before: 8 };
    let rest = find(&src, &f, w, Order::NewestFirst, 5, rows(1000)).unwrap();
    assert_eq!((seqs(&rest), rest.next), (vec![6, 4, 2], None));
}

#[test]
fn exact_fit_ends_without_a_cursor() {
    let found = find(&fake(4), &Filter::parse("method=PUT").unwrap(), ALL, Order::NewestFirst, 2, rows(1000)).unwrap();
    assert_eq!((seqs(&found), found.next), (vec![4, 2], None));
}

#[test]
fn budget_bounds_the_rows_read_and_the_cursor_goes_on() {
    let src = fake(1000);
    let f = Filter::parse("q=needle").unwrap();
    let first = find(&src, &f, ALL, Order::NewestFirst, 20, rows(250)).unwrap();
    assert_eq!(src.reads.get(), 250);
    assert_eq!(first.scanned, 250);
    assert_eq!(first.items.len(), 20);
    assert_eq!(first.next, Some(810), "stopped at the 21st match, cursor at the 20th");
    let sparse = Filter::parse("q=needle&method=PUT&until=1970-01-01T00:00:00Z").unwrap();
    let empty = find(&src, &sparse, ALL, Order::NewestFirst, 20, rows(250)).unwrap();
    assert!(empty.items.is_empty());
    assert_eq!(empty.next, Some(751), "an empty page still continues the scan");
}

#[test]
fn oldest_first_for_exports() {
    let src = fake(7);
    let f = Filter::parse("method=POST").unwrap();
    let a = find(&src, &f, ALL, Order::OldestFirst, 2, rows(1000)).unwrap();
    assert_eq!((seqs(&a), a.next), (vec![1, 3], Some(3)));
    let b = find(&src, &f, Window { after: 3, before: u64::MAX }, Order::OldestFirst, 2, rows(1000)).unwrap();
    assert_eq!((seqs(&b), b.next), (vec![5, 7], None));
}

#[test]
fn a_budget_that_ends_at_the_oldest_capture_ends_the_search() {
    let src = fake(50);
    let f = Filter::parse("q=needle").unwrap();
    let last = find(&src, &f, Window { after: 0, before: 26 }, Order::NewestFirst, 20, rows(25)).unwrap();
    assert_eq!((seqs(&last), last.next), (vec![20, 10], None));
}

#[test]
fn q_searches_at_most_the_byte_budget_of_bodies_but_always_one() {
    let src = Fake { body: 1000, ..fake(100) };
    let f = Filter::parse("q=needle").unwrap();
    let budget = Budget { rows: 1000, body_bytes: 4500 };
    let first = find(&src, &f, ALL, Order::NewestFirst, 20, budget).unwrap();
    assert_eq!(src.searched.get(), 4, "four bodies of 1000 bytes fit 4500");
    assert_eq!((seqs(&first), first.next), (vec![100], Some(97)));
    let huge = Fake { body: 10_000, ..fake(100) };
    let one = find(&huge, &f, ALL, Order::NewestFirst, 20, budget).unwrap();
    assert_eq!((huge.searched.get(), one.next), (1, Some(100)), "one body over budget is still searched");
    let plain = find(&huge, &Filter::parse("method=PUT").unwrap(), ALL, Order::NewestFirst, 5, budget).unwrap();
    assert_eq!(huge.searched.get(), 1, "no q, no body read");
    assert_eq!(seqs(&plain).len(), 5);
}
