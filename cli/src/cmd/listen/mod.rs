//! `polyhook listen`: forward every capture to a local URL, in order, at
//! least once. The checkpoint advances only after the target answered, so
//! a crash or Ctrl-C at any point resends at most the capture in flight.
//! A capture the target keeps failing through `--max-retries` retries is
//! written to the dead-letter file and printed, and the next one goes on:
//! one bad capture never blocks the rest silently.

mod dead;
mod reply;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use reqwest::Client;
use serde_json::json;
use url::Url;

use super::{explicit_start, resolve, Target};
use crate::args::ListenArgs;
use crate::checkpoint::{self, Checkpoint};
use crate::deliver::{deliver, Delivery, Policy};
use crate::error::CliError;
use crate::feed::{Feed, FeedEvent, Terms};
use crate::forward::{self, parse_target, Options};
use crate::home;
use crate::output::Printer;
use crate::wire::Capture;

/// Longest one attempt may take, in seconds.
const ATTEMPT_TIMEOUT_S: u64 = 30;
/// Of a waiting sender's `reply_ms`, what the trip to and from the service may take.
const REPLY_MARGIN_MS: u64 = 100;

/// One forwarding session's state.
struct Session {
    target: Target,
    to: Url,
    args: ListenArgs,
    client: Client,
    printer: Printer,
    checkpoint: PathBuf,
    /// The dead-letter file of this bin and target.
    dead: PathBuf,
    /// The last capture the target answered for.
    after: u64,
    /// Newest capture when the session started: the backlog ends there.
    backlog_end: u64,
    backlog_start: u64,
    started: Instant,
    delivered: u64,
    lost: u64,
    /// The responder's terms, once the service seated it (`--reply`).
    terms: Option<Terms>,
}

/// Runs until the bin ends (exit 3) or Ctrl-C (exit 130).
pub async fn run(args: ListenArgs) -> Result<(), CliError> {
    let target = resolve(&args.bin, &args.service)?;
    let to = parse_target(&args.to).map_err(CliError::fail)?;
    let owner = if args.reply { Some(reply::owner_token(&args, &target.id)?) } else { None };
    let dir = home::checkpoints_dir()?;
    let path = checkpoint::path_for(&dir, &target.id, &args.to);
    let dead = crate::dead::path_for(&dir, &target.id, &args.to);
    let saved = checkpoint::read(&path, &target.id, &args.to).map_err(|e| CliError::fail(e.to_string()));
    let newest = target.api.newest_seq(&target.id).await?;
    let (after, from_checkpoint) = match explicit_start(&args.start) {
        Some(s) => (s, false),
        None => saved?.map_or((newest, false), |seq| (seq, true)),
    };
    let client = Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(ATTEMPT_TIMEOUT_S))
        .build()
        .map_err(|e| CliError::fail(format!("http client: {e}")))?;
    let printer = Printer::new(args.json);
    let mut s = Session {
        target,
        to,
        args,
        client,
        printer,
        checkpoint: path,
        dead,
        after,
        backlog_end: newest,
        backlog_start: after,
        started: Instant::now(),
        delivered: 0,
        lost: 0,
        terms: None,
    };
    // The start point is saved at once: a crash before the first delivery
    // resumes from it rather than from whatever is newest by then.
    if !from_checkpoint {
        s.save_checkpoint(after)?;
    }
    s.announce();
    if s.args.retry_dead {
        s.retry_dead().await?;
    }
    let stop = tokio::signal::ctrl_c();
    tokio::pin!(stop);
    let mut feed = Feed::new(s.target.api.clone(), &s.target.id, s.args.transport);
    if let Some(owner) = owner {
        feed = feed.responder(owner);
    }
    loop {
        tokio::select! {
            _ = &mut stop => return Err(s.stopped()),
            step = s.step(&mut feed) => step?,
        }
    }
}

impl Session {
    fn announce(&self) {
        let backlog = self.backlog_end.saturating_sub(self.after);
        let text = format!(
            "forwarding bin {} → {} after seq {} ({backlog} waiting); checkpoint {}",
            self.target.id,
            self.args.to,
            self.after,
            self.checkpoint.display()
        );
        self.printer.notice(
            "listening",
            &text,
            json!({ "bin": self.target.id, "after": self.after, "backlog": backlog }),
        );
        if backlog == 0 {
            self.caught_up();
        }
    }

    /// Takes one stream event and acts on it.
    async fn step(&mut self, feed: &mut Feed) -> Result<(), CliError> {
        match feed.next(self.after).await? {
            FeedEvent::Connected(t) => {
                self.printer.connected(t);
                Ok(())
            }
            FeedEvent::Capture(c, _) if c.seq <= self.after => Ok(()),
            FeedEvent::Capture(c, reply_ms) => self.forward(&c, reply_ms, feed).await,
            FeedEvent::Responder(terms) => {
                self.seated(terms);
                Ok(())
            }
            FeedEvent::Lost(l) => {
                let n = l.last_seq.saturating_sub(l.first_seq) + 1;
                self.lost += n;
                let text = format!(
                    "{n} captures (seq {}..={}) were lost: retention dropped them before they could be forwarded",
                    l.first_seq, l.last_seq
                );
                self.printer.notice(
                    "lost",
                    &text,
                    json!({ "count": n, "first_seq": l.first_seq, "last_seq": l.last_seq }),
                );
                self.after = self.after.max(l.resumes_after);
                Ok(())
            }
            FeedEvent::Reset(r) => {
                let text = format!(
                    "the bin has no capture after seq {} ({}); going live after seq {}",
                    self.after, r.reason, r.resumes_after
                );
                self.printer.notice("reset", &text, json!({ "reason": r.reason, "resumes_after": r.resumes_after }));
                self.after = r.resumes_after;
                Ok(())
            }
            FeedEvent::Ended(e) => Err(CliError::gone(format!(
                "bin {} was {}; forwarded {} captures, last seq {}",
                self.target.id, e.reason, self.delivered, self.after
            ))),
        }
    }

    fn options(&self) -> Options {
        let (keep_path, keep_proxy_headers) = (self.args.keep_path, self.args.keep_proxy_headers);
        Options { keep_path, keep_proxy_headers, plain_answer: self.args.reply }
    }

    /// Sends `c` until the target answers or the retry budget is spent.
    /// With `reply_ms` its sender waits: the app's first answer, 5xx too,
    /// is final (the sender retries on its own), and is kept whole.
    async fn send(&self, c: &Capture, reply_ms: Option<u64>) -> Delivery {
        let keep = match (self.terms, reply_ms) {
            (Some(terms), Some(_)) => Some(terms.max_body_bytes),
            // The service records a late answer's status and size, not its body.
            (Some(_), None) => Some(0),
            (None, _) => None,
        };
        // The sender's wait began a little before the capture came: a margin for the trip.
        let final_until = reply_ms.map(|ms| Instant::now() + Duration::from_millis(ms.saturating_sub(REPLY_MARGIN_MS)));
        let policy = Policy { max_retries: Some(self.args.max_retries), final_until, answer_bytes: keep };
        match forward::build(c, &self.to, self.options()) {
            Ok(out) => deliver(&self.client, &out, policy, |r| self.printer.retrying(c, r)).await,
            Err(e) => Delivery { error: Some(e), ..Delivery::default() },
        }
    }

    async fn forward(&mut self, c: &Capture, reply_ms: Option<u64>, feed: &mut Feed) -> Result<(), CliError> {
        let delivery = self.send(c, reply_ms).await;
        if delivery.error.is_some() {
            self.bury(c, &delivery)?;
        }
        // Saved before it is reported: a printed delivery is a checkpointed one.
        self.save_checkpoint(c.seq)?;
        if let Some(answer) = &delivery.answer {
            feed.answer(c.seq, reply::message(c.seq, answer)).await;
        }
        self.printer.delivered(c, &delivery, reply_ms.is_some() && delivery.answer.is_some());
        self.after = c.seq;
        self.delivered += 1;
        if self.after <= self.backlog_end {
            let total = self.backlog_end - self.backlog_start;
            self.printer.progress(self.after - self.backlog_start, total);
            if self.after == self.backlog_end {
                self.caught_up();
            }
        }
        Ok(())
    }

    fn save_checkpoint(&self, seq: u64) -> Result<(), CliError> {
        let saved = Checkpoint { bin: self.target.id.clone(), target: self.args.to.clone(), seq };
        checkpoint::write(&self.checkpoint, &saved)
            .map_err(|e| CliError::fail(format!("cannot save checkpoint {}: {e}", self.checkpoint.display())))
    }

    fn caught_up(&self) {
        let secs = self.started.elapsed().as_secs_f64();
        let text = format!("caught up: {} delivered in {secs:.2} s; now live", self.delivered);
        self.printer.notice(
            "caught_up",
            &text,
            json!({ "delivered": self.delivered, "seconds": secs, "lost": self.lost }),
        );
    }

    fn stopped(&self) -> CliError {
        CliError::interrupted(format!(
            "stopped: forwarded {} captures; checkpoint at seq {} ({})",
            self.delivered,
            self.after,
            self.checkpoint.display()
        ))
    }
}
