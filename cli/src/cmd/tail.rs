//! `polyhook tail`: print captures as they arrive.

use base64::Engine;

use super::{explicit_start, resolve};
use crate::args::TailArgs;
use crate::error::CliError;
use crate::feed::{Feed, FeedEvent};
use crate::output::Printer;

/// Prints every capture after the start point until the bin ends or Ctrl-C.
pub async fn run(args: TailArgs) -> Result<(), CliError> {
    let target = resolve(&args.bin, &args.service)?;
    let printer = Printer::new(args.json).raw(args.raw);
    let mut after = match explicit_start(&args.start) {
        Some(s) => s,
        None => target.api.newest_seq(&target.id).await?,
    };
    let mut feed = Feed::new(target.api.clone(), &target.id, args.transport);
    let stop = tokio::signal::ctrl_c();
    tokio::pin!(stop);
    loop {
        let event = tokio::select! {
            _ = &mut stop => return Ok(()),
            e = feed.next(after) => e?,
        };
        match event {
            FeedEvent::Connected(t) => printer.connected(t),
            FeedEvent::Capture(c, _) if c.seq <= after => {}
            FeedEvent::Capture(c, _) => {
                let body = if args.body { decode(c.body_b64.as_deref()) } else { None };
                printer.capture(&c, args.headers, body.as_deref().or(args.body.then_some(&[][..])));
                after = c.seq;
            }
            FeedEvent::Lost(l) => {
                let text = format!("captures {}..={} were evicted before they could be shown", l.first_seq, l.last_seq);
                printer.notice("lost", &text, serde_json::json!({ "first_seq": l.first_seq, "last_seq": l.last_seq }));
                after = after.max(l.resumes_after);
            }
            FeedEvent::Reset(r) => after = r.resumes_after,
            // Only `listen --reply` connects as the responder.
            FeedEvent::Responder(_) => {}
            FeedEvent::Ended(e) => return Err(CliError::gone(format!("bin {} was {}", target.id, e.reason))),
        }
    }
}

fn decode(b64: Option<&str>) -> Option<Vec<u8>> {
    b64.and_then(|b| base64::engine::general_purpose::STANDARD.decode(b).ok())
}
