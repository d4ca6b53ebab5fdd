//! `polyhook listen`: forward every capture to a local URL, in order, at
//! least once. The checkpoint advances only after the target answered, so
//! a crash or Ctrl-C at any point resends at most the capture in flight.
//! A capture the target keeps failing through `--max-retries` retries is
//! written to the dead-letter file and printed, and the next one goes on:
//! one bad capture never blocks the rest silently.

mod dead;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use reqwest::Client;
use serde_json::json;
use url::Url;

use super::{explicit_start, resolve, Target};
use crate::args::ListenArgs;
use crate::checkpoint::{self, Checkpoint};
use crate::deliver::deliver;
use crate::error::CliError;
use crate::feed::{Feed, FeedEvent};
use crate::forward::{self, parse_target, Options};
use crate::home;
use crate::output::Printer;
use crate::wire::Capture;

/// Longest one attempt may take, in seconds.
const ATTEMPT_TIMEOUT_S: u64 = 30;

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
}

/// Runs until the bin ends (exit 3) or Ctrl-C (exit 130).
pub async fn run(args: ListenArgs) -> Result<(), CliError> {
    let target = resolve(&args.bin, &args.service)?;
    let to = parse_target(&args.to).map_err(CliError::fail)?;
    let dir = home::checkpoints_dir()?;
    let path = checkpoint::path_for(&dir, &target.id, &args.to);
    let dead = crate::dead::path_for(&dir, &target.id, &args.to);
    let saved = checkpoint::read(&path, &target.id, &args.to).map_err(|e| CliError::fail(e.to_string()));
    let newest = target.api.newest_seq(&target.id).await?;
    let after = match explicit_start(&args.start) {
        Some(s) => s,
        None => saved?.unwrap_or(newest),
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
    };
    s.announce();
    if s.args.retry_dead {
        s.retry_dead().await?;
    }
    let stop = tokio::signal::ctrl_c();
    tokio::pin!(stop);
    let mut feed = Feed::new(s.target.api.clone(), &s.target.id, s.args.transport);
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
            FeedEvent::Capture(c) if c.seq <= self.after => Ok(()),
            FeedEvent::Capture(c) => self.forward(&c).await,
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
        Options { keep_path: self.args.keep_path, keep_proxy_headers: self.args.keep_proxy_headers }
    }

    /// Sends `c` until the target answers or the retry budget is spent.
    async fn send(&self, c: &Capture) -> crate::deliver::Delivery {
        match forward::build(c, &self.to, self.options()) {
            Ok(out) => deliver(&self.client, &out, Some(self.args.max_retries), |r| self.printer.retrying(c, r)).await,
            Err(e) => crate::deliver::Delivery { status: None, attempts: 0, ms: 0, error: Some(e) },
        }
    }

    async fn forward(&mut self, c: &Capture) -> Result<(), CliError> {
        let delivery = self.send(c).await;
        if delivery.error.is_some() {
            self.bury(c, &delivery)?;
        }
        // Saved before it is reported: a printed delivery is a checkpointed one.
        let saved = Checkpoint { bin: self.target.id.clone(), target: self.args.to.clone(), seq: c.seq };
        checkpoint::write(&self.checkpoint, &saved)
            .map_err(|e| CliError::fail(format!("cannot save checkpoint {}: {e}", self.checkpoint.display())))?;
        self.printer.delivered(c, &delivery);
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
