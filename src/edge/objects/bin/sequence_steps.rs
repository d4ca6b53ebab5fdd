//! Sending sequences' steps from the bin's alarm. A due step becomes a
//! replay, stored with the sequence's progress in one synchronous step, so
//! after a restart it is neither lost nor sent twice (the replay engine
//! retries an attempt whose outcome is unknown). Each step first takes a
//! token of its starter's replay budget and waits for a pending slot, as
//! a replay started by hand would.

use super::{now_ms, BinObject};
use crate::core::config::Config;
use crate::core::http::error::ApiError;
use crate::core::limits::budget::Budget;
use crate::core::replay::edit::Edit;
use crate::core::replay::model::{Replay, Status as ReplayStatus};
use crate::core::replay::runner::ReplayRepo;
use crate::core::sequence::model::Sequence;
use crate::edge::io::limits;
use worker::console_error;

/// Wait before a step tries again for a pending slot, ms.
const PENDING_WAIT_MS: i64 = 1_000;

impl BinObject {
    /// Counts the steps whose replay ended, then sends those now due.
    pub(super) async fn run_sequences(&self, bin: &str) -> Result<(), ApiError> {
        self.settle_steps()?;
        let config = self.config()?;
        for sequence in self.sequences().all()?.into_iter().filter(Sequence::active) {
            if self.next_step_at(&sequence)?.is_some_and(|at| at <= now_ms()) {
                self.send_step(bin, sequence, &config).await?;
            }
        }
        Ok(())
    }

    /// Every active sequence whose step in flight has ended counts it.
    pub(super) fn settle_steps(&self) -> Result<(), ApiError> {
        for mut sequence in self.sequences().all()?.into_iter().filter(|s| s.current.is_some()) {
            let ended = match sequence.current.map(|r| self.replays().get(r)).transpose()?.flatten() {
                Some(r) if r.status == ReplayStatus::Succeeded => Some(true),
                Some(r) if r.status == ReplayStatus::Failed => Some(false),
                Some(_) => None,
                // Evicted with its capture: it cannot have succeeded.
                None => Some(false),
            };
            if let Some(succeeded) = ended {
                sequence.step_ended(succeeded, now_ms());
                self.sequences().save(&sequence)?;
            }
        }
        Ok(())
    }

    /// Sends the next step of `sequence` as a replay, or holds it for the
    /// budget or a pending slot.
    async fn send_step(&self, bin: &str, mut sequence: Sequence, config: &Config) -> Result<(), ApiError> {
        let now = now_ms();
        if self.replays().pending_count()? >= config.replay_max_pending {
            sequence.hold(now + PENDING_WAIT_MS, now);
            return self.sequences().save(&sequence);
        }
        let decision = limits::take(&self.env, &sequence.client, Budget::Replay).await?;
        // The owner may have paused or cancelled it meanwhile; read it again.
        let Some(mut sequence) = self.sequences().get(sequence.n)? else { return Ok(()) };
        let now = now_ms();
        if !decision.allowed {
            let wait_ms = i64::try_from(decision.retry_after_s.saturating_mul(1000)).unwrap_or(i64::MAX);
            sequence.hold(now.saturating_add(wait_ms), now);
            return self.sequences().save(&sequence);
        }
        if self.next_step_at(&sequence)?.is_none_or(|at| at > now) {
            return Ok(());
        }
        let Some((seq, _)) = self.sequences().step(sequence.n, sequence.next)? else {
            console_error!("sequence {}: step {} missing", sequence.n, sequence.next);
            return Ok(());
        };
        let mut replay =
            Replay::new(self.replays().next_n()?, seq, sequence.target_url.clone(), sequence.max_retries, now);
        replay.edit = sequence.resign.clone().map(|scheme| Edit { resign: Some(scheme), ..Edit::default() });
        self.replays().save(&replay)?;
        sequence.sent_step(replay.n, now);
        self.sequences().save(&sequence)?;
        self.account()?;
        self.publish_replay(bin, &replay)
    }

    /// When the earliest waiting step of any sequence is due.
    pub(super) fn next_sequence_step(&self) -> Result<Option<i64>, ApiError> {
        let mut earliest = None::<i64>;
        for sequence in self.sequences().all()?.into_iter().filter(Sequence::active) {
            if let Some(at) = self.next_step_at(&sequence)? {
                earliest = Some(earliest.map_or(at, |e| e.min(at)));
            }
        }
        Ok(earliest)
    }
}
