//! Running a bin's due replay attempts from its alarm. The core's runner
//! decides what is claimed and what each answer means; this file only
//! sends, logs, counts and tells subscribers.

use super::{now_ms, BinObject};
use crate::core::config::Config;
use crate::core::http::error::ApiError;
use crate::core::log::{self, AttemptLog};
use crate::core::metrics::delta::{REPLAYS, REPLAY_ATTEMPTS};
use crate::core::replay::model::{replay_id, Replay};
use crate::core::replay::runner::{Runner, Sent, Settled, NOT_RETAINED};
use crate::edge::io::http_send;
use futures::future::join_all;
use worker::console_log;

impl BinObject {
    /// Claims due attempts (settling stalled ones), sends them at once,
    /// and settles each result.
    pub(super) async fn run_replays(&self, bin: &str) -> Result<(), ApiError> {
        let config = self.config()?;
        let runner = Runner::new(&config);
        let round = runner.claim(&self.replays(), now_ms())?;
        for settled in &round.interrupted {
            self.report(bin, settled)?;
        }
        for replay in &round.claimed {
            self.publish_replay(bin, replay)?;
        }
        let results = join_all(round.claimed.into_iter().map(|r| self.attempt(bin, &config, &runner, r))).await;
        results.into_iter().collect()
    }

    async fn attempt(&self, bin: &str, config: &Config, runner: &Runner, replay: Replay) -> Result<(), ApiError> {
        let started = now_ms();
        let outgoing = match self.captures().capture(replay.request_seq)? {
            Some(capture) => self.outgoing(bin, &replay, capture)?,
            None => Err(NOT_RETAINED.to_string()),
        };
        let (sent, duration_ms) = match outgoing {
            Ok(out) => http_send::send(&out.url, &out.method, &out.headers, out.body, config.replay_timeout_ms).await,
            Err(why) => (Sent::Impossible(why), 0),
        };
        if self.bin().is_none() {
            return Ok(()); // deleted or expired while the attempt ran
        }
        let settled = runner.settle(&self.replays(), replay, started, sent, duration_ms, now_ms())?;
        self.account()?;
        self.report(bin, &settled)
    }

    /// Logs, counts and publishes one settled attempt.
    fn report(&self, bin: &str, settled: &Settled) -> Result<(), ApiError> {
        let id = replay_id(bin, settled.replay.n);
        let attempt = &settled.attempt;
        let record = AttemptLog {
            msg: "replay_attempt",
            bin,
            replay: &id,
            attempt: attempt.attempt,
            status: attempt.status_code,
            duration_ms: attempt.duration_ms,
            error: attempt.error.as_deref(),
        };
        console_log!("{}", log::line(&record));
        let finished = settled.finished.map(|s| s.as_str());
        self.metrics.record(|d| {
            d.inc(REPLAY_ATTEMPTS);
            if let Some(outcome) = finished {
                d.add(REPLAYS, outcome, 1.0);
            }
        });
        self.publish_replay(bin, &settled.replay)
    }
}
