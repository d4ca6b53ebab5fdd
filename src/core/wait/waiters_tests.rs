use super::*;
use crate::core::capture::model::Capture;

fn posted(seq: u64, path: &str) -> Capture {
    let mut c = Capture::sample(seq, 0);
    c.method = "POST".into();
    c.path = path.into();
    c
}

fn filter(q: &str) -> Filter {
    Filter::parse(q).unwrap()
}

#[test]
fn caps_per_bin_and_per_client() {
    let mut w = Waiters::default();
    assert!(w.admit("a", filter(""), 0, (), (3, 2)).is_ok());
    assert!(w.admit("a", filter(""), 0, (), (3, 2)).is_ok());
    assert_eq!(w.admit("a", filter(""), 0, (), (3, 2)), Err(Full::Client));
    assert_eq!(Full::Client.error().status(), 429);
    assert!(w.admit("b", filter(""), 0, (), (3, 2)).is_ok());
    assert_eq!(w.admit("c", filter(""), 0, (), (3, 2)), Err(Full::Bin));
}

#[test]
fn a_capture_wakes_every_waiter_it_matches_once() {
    let mut w = Waiters::default();
    let github = w.admit("a", filter("path_prefix=/github"), 0, "github", (10, 10)).unwrap();
    w.admit("b", filter("path_prefix=/github"), 0, "github too", (10, 10)).unwrap();
    w.admit("c", filter("method=GET"), 0, "gets", (10, 10)).unwrap();
    w.admit("d", filter(""), 9, "later ones", (10, 10)).unwrap();
    let woken: Vec<&str> = w.woken_by(&posted(5, "/github/push"), None).into_iter().map(|x| x.reply).collect();
    assert_eq!(woken, ["github", "github too"], "concurrent waiters on one capture each get it");
    assert!(w.woken_by(&posted(6, "/github/push"), None).is_empty(), "taken out once woken");
    assert!(w.remove(github).is_none());
    let later: Vec<&str> = w.woken_by(&posted(10, "/x"), None).into_iter().map(|x| x.reply).collect();
    assert_eq!(later, ["later ones"], "after is exclusive");
    assert_eq!(w.drain().len(), 1, "the GET waiter is left for the end");
    assert!(w.is_empty());
}

#[test]
fn q_looks_in_the_body_through_the_caller() {
    let mut w = Waiters::default();
    w.admit("a", filter("q=challenge"), 0, (), (10, 10)).unwrap();
    assert!(w.searches_bodies());
    assert!(w.woken_by(&posted(1, "/"), Some(b"nothing here")).is_empty());
    assert!(w.woken_by(&posted(2, "/"), None).is_empty(), "no body, no match for q");
    assert_eq!(w.woken_by(&posted(3, "/"), Some(b"{\"challenge\":1}")).len(), 1);
    assert!(!w.searches_bodies());
}

#[test]
fn a_waiter_whose_client_left_is_taken_out_by_its_key() {
    let mut w = Waiters::default();
    w.admit("a", filter(""), 0, "k1", (10, 10)).unwrap();
    w.admit("a", filter(""), 0, "k2", (10, 10)).unwrap();
    assert_eq!(w.remove_if(|x| x.reply == "k1"), 1);
    assert_eq!(w.remove_if(|x| x.reply == "k1"), 0);
    assert_eq!(w.drain().len(), 1);
}
