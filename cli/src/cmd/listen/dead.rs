//! Captures `listen` gave up on: written to the dead-letter file (before
//! the checkpoint moves past them) and printed; `--retry-dead` re-sends
//! them in order before going live, keeping those that fail again.

use serde_json::json;

use super::Session;
use crate::dead::{self, DeadLetter};
use crate::deliver::Delivery;
use crate::error::CliError;
use crate::wire::Capture;

impl Session {
    /// Writes `c` to the dead-letter file and says so.
    pub(super) fn bury(&self, c: &Capture, d: &Delivery) -> Result<(), CliError> {
        let reason = d.error.clone().unwrap_or_default();
        let letter = DeadLetter { capture: c.clone(), reason: reason.clone(), attempts: d.attempts };
        dead::append(&self.dead, &letter)
            .map_err(|e| CliError::fail(format!("cannot write dead letter {}: {e}", self.dead.display())))?;
        let text = format!(
            "#{} gave up after {} attempts ({reason}); saved to {}; `listen --retry-dead` re-sends it",
            c.seq,
            d.attempts,
            self.dead.display()
        );
        self.printer.notice(
            "dead_letter",
            &text,
            json!({ "seq": c.seq, "id": c.id, "attempts": d.attempts, "reason": reason, "file": self.dead }),
        );
        Ok(())
    }

    /// Re-sends every dead letter in order; keeps those that fail again.
    pub(super) async fn retry_dead(&mut self) -> Result<(), CliError> {
        let failed = |e: std::io::Error| CliError::fail(format!("dead letters {}: {e}", self.dead.display()));
        let letters = dead::read_all(&self.dead).map_err(failed)?;
        let mut kept = Vec::new();
        let total = letters.len();
        for letter in letters {
            let d = self.send(&letter.capture, None).await;
            self.printer.delivered(&letter.capture, &d, false);
            if let Some(reason) = d.error {
                kept.push(DeadLetter { reason, attempts: letter.attempts + d.attempts, ..letter });
            }
        }
        let still = kept.len();
        dead::rewrite(&self.dead, &kept)
            .map_err(|e| CliError::fail(format!("dead letters {}: {e}", self.dead.display())))?;
        let text = format!("re-sent {total} dead letters: {} delivered, {still} still failing", total - still);
        self.printer.notice("dead_letters_retried", &text, json!({ "total": total, "still_failing": still }));
        Ok(())
    }
}
