//! `polyhook wait`: one capture that matches, then exit; for CI steps.
//! The service holds each wait open for at most its `WAIT_MAX_SECONDS`,
//! so a longer `--timeout` is several waits in a row, each going on from
//! where the last one stopped, so nothing that arrives between them is
//! missed.

use std::time::{Duration, Instant};

use base64::Engine;

use super::{resolve, Target};
use crate::api::Waited;
use crate::args::WaitArgs;
use crate::error::CliError;
use crate::output::Printer;
use crate::wire::Capture;

/// Waits until a matching capture comes (printed, exit 0), the time runs
/// out (exit 124) or the bin is gone (exit 3).
pub async fn run(args: WaitArgs) -> Result<(), CliError> {
    let target = resolve(&args.bin, &args.service)?;
    match first_match(&target, filters(&args), args.after.clone(), args.timeout).await? {
        Some(json) => print(&args, &json),
        None => Err(CliError::timed_out(format!("no matching capture in {} s", args.timeout.as_secs()))),
    }
}

/// The first capture of `target` that `query` matches after `after`
/// (default: the last minute counts too), as the service's JSON; `None`
/// when `timeout` runs out first. Waits longer than the service holds one
/// are several in a row, the later ones going on from the newest capture
/// before the first, so nothing that arrives in between is missed.
pub async fn first_match(
    target: &Target,
    mut query: Vec<(String, String)>,
    mut after: Option<String>,
    timeout: Duration,
) -> Result<Option<String>, CliError> {
    let deadline = Instant::now() + timeout;
    let newest = target.api.newest_seq(&target.id).await?;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        query.retain(|(k, _)| k != "after" && k != "timeout_s");
        // Whole seconds, rounded up: the service's clock decides the end within that.
        query.push(("timeout_s".into(), left.as_millis().div_ceil(1000).to_string()));
        if let Some(a) = &after {
            query.push(("after".into(), a.clone()));
        }
        match target.api.wait(&target.id, &query).await? {
            Waited::Capture(json) => return Ok(Some(json)),
            Waited::Nothing { continue_after: Some(seq) } => after = Some(seq),
            Waited::Nothing { continue_after: None } if Instant::now() >= deadline || left.is_zero() => {
                return Ok(None)
            }
            Waited::Nothing { continue_after: None } => {
                after.get_or_insert_with(|| newest.to_string());
            }
        }
    }
}

fn filters(args: &WaitArgs) -> Vec<(String, String)> {
    let mut q = query_of(args.method.as_deref(), args.path.as_deref(), &args.header, args.verified.then_some(true));
    q.push(("body".to_string(), if args.body { "1" } else { "0" }.to_string()));
    q
}

/// The list's filters as query pairs; headers as `name` or `name=value`.
pub fn query_of(
    method: Option<&str>,
    path: Option<&str>,
    headers: &[String],
    verified: Option<bool>,
) -> Vec<(String, String)> {
    let mut q = Vec::new();
    if let Some(m) = method {
        q.push(("method".into(), m.to_string()));
    }
    if let Some(p) = path {
        q.push(("path_prefix".into(), p.to_string()));
    }
    for h in headers {
        // The service's header filter is `name` or `name:value`.
        q.push(("header".into(), h.replacen('=', ":", 1)));
    }
    if let Some(v) = verified {
        q.push(("verified".into(), v.to_string()));
    }
    q
}

fn print(args: &WaitArgs, json: &str) -> Result<(), CliError> {
    if args.json {
        println!("{}", json.trim());
        return Ok(());
    }
    let capture: Capture = serde_json::from_str(json)
        .map_err(|e| CliError::fail(format!("the service sent a capture this command cannot read: {e}")))?;
    let body = capture.body_b64.as_deref().and_then(|b| base64::engine::general_purpose::STANDARD.decode(b).ok());
    Printer::new(false).capture(&capture, true, body.as_deref().or(args.body.then_some(&[][..])));
    Ok(())
}

/// `30s`, `2m`, `1h` or plain seconds.
pub fn parse_duration(raw: &str) -> Result<Duration, String> {
    let raw = raw.trim();
    let (digits, unit) = raw.split_at(raw.find(|c: char| !c.is_ascii_digit()).unwrap_or(raw.len()));
    let n: u64 = digits.parse().map_err(|_| format!("{raw:?}: a duration such as 30s, 2m or 90"))?;
    let secs = match unit {
        "" | "s" => n,
        "m" => n.saturating_mul(60),
        "h" => n.saturating_mul(3600),
        _ => return Err(format!("{raw:?}: the unit is s, m or h")),
    };
    Ok(Duration::from_secs(secs))
}

#[cfg(test)]
mod tests {
    use super::parse_duration;
    use std::time::Duration;

    #[test]
    fn durations_read_as_people_write_them() {
        assert_eq!(parse_duration("30s"), Ok(Duration::from_secs(30)));
        assert_eq!(parse_duration("2m"), Ok(Duration::from_secs(120)));
        assert_eq!(parse_duration("90"), Ok(Duration::from_secs(90)));
        assert!(parse_duration("soon").is_err());
        assert!(parse_duration("5d").is_err());
    }
}
