//! `polyhook replay`: a service-side replay, followed to its end.

use std::time::Duration;

use serde_json::json;

use super::resolve;
use crate::args::ReplayArgs;
use crate::error::CliError;
use crate::output::Printer;

/// How often the replay is read, in milliseconds.
const POLL_MS: u64 = 500;

/// Starts the replay and prints each attempt until it succeeds (exit 0)
/// or fails for good (exit 1).
pub async fn run(args: ReplayArgs) -> Result<(), CliError> {
    let target = resolve(&args.bin, &args.service)?;
    let rid = crate::bin_ref::request_id(&target.id, &args.request);
    let printer = Printer::new(args.json);
    let replay_id = target.api.start_replay(&target.id, &rid, &args.to, args.max_retries).await?;
    printer.notice("queued", &format!("replay {replay_id} of {rid} → {}", args.to), json!({ "replay_id": replay_id }));
    let mut shown = 0usize;
    loop {
        let replay = target.api.replay(&replay_id).await?;
        for a in replay.history.iter().skip(shown) {
            let result = match (a.status_code, &a.error) {
                (Some(s), _) => format!("target answered {s}"),
                (None, Some(e)) => e.clone(),
                (None, None) => "no answer".into(),
            };
            let text = format!("attempt {}: {result} in {} ms", a.attempt, a.duration_ms);
            printer.notice("attempt", &text, json!({ "attempt": a }));
        }
        shown = replay.history.len();
        match replay.status.as_str() {
            "succeeded" => {
                printer.notice("succeeded", &format!("delivered to {}", replay.target_url), json!({}));
                return Ok(());
            }
            "failed" => {
                let why = replay.last_error.unwrap_or_else(|| "failed".into());
                return Err(CliError::fail(format!("replay {replay_id} failed: {why}")));
            }
            _ => tokio::time::sleep(Duration::from_millis(POLL_MS)).await,
        }
    }
}
