//! What the commands print: one line per event, coloured on a terminal,
//! or one JSON object per line with `--json`. Notices go to stderr in text
//! mode so stdout stays one line per capture.

use std::io::{IsTerminal, Write};

use serde_json::{json, Value};

use crate::deliver::{Delivery, Retry};
use crate::escape::for_terminal;
use crate::wire::Capture;

/// Prints for one command run.
pub struct Printer {
    json: bool,
    color: bool,
    progress: bool,
    /// Write what senders chose as received, control characters and all (`--raw`).
    raw: bool,
}

const DIM: &str = "\x1b[2m";
const RED: &str = "\x1b[31m";
const GREEN: &str = "\x1b[32m";
const YELLOW: &str = "\x1b[33m";
const RESET: &str = "\x1b[0m";

impl Printer {
    /// A printer; colour only on a terminal and without `NO_COLOR`.
    pub fn new(json: bool) -> Printer {
        let color = !json && std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
        let progress = !json && std::io::stderr().is_terminal();
        Printer { json, color, progress, raw: false }
    }

    /// The same, writing bodies and header values byte for byte when `raw`.
    pub fn raw(mut self, raw: bool) -> Printer {
        self.raw = raw;
        self
    }

    /// What a sender chose, safe for a terminal unless `--raw` was given.
    fn safe(&self, text: &str) -> String {
        if self.raw {
            text.to_string()
        } else {
            for_terminal(text)
        }
    }

    fn paint(&self, color: &str, text: &str) -> String {
        if self.color {
            format!("{color}{text}{RESET}")
        } else {
            text.to_string()
        }
    }

    fn emit(&self, value: Value) {
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "{value}");
        let _ = out.flush();
    }

    /// A notice for the user (stderr), or a JSON line of type `kind`.
    pub fn notice(&self, kind: &str, text: &str, fields: Value) {
        if self.json {
            let mut v = json!({ "type": kind, "message": text });
            if let (Some(o), Value::Object(f)) = (v.as_object_mut(), fields) {
                o.extend(f);
            }
            self.emit(v);
        } else {
            self.clear_progress();
            eprintln!("{}", self.paint(YELLOW, &for_terminal(text)));
        }
    }

    /// A connection to the bin opened over `transport`.
    pub fn connected(&self, transport: crate::feed::Transport) {
        let text = format!("connected over {}", transport.name());
        self.notice("connected", &text, json!({ "transport": transport.name() }));
    }

    /// One delivery: seq, method, path, status, ms; `replied`: the app's
    /// answer was sent back for the waiting sender (`--reply`; the service
    /// may still have answered otherwise if it came too late).
    pub fn delivered(&self, c: &Capture, d: &Delivery, replied: bool) {
        if self.json {
            self.emit(json!({
                "type": "delivered", "seq": c.seq, "id": c.id, "method": c.method, "path": c.path,
                "status": d.status, "ms": d.ms, "attempts": d.attempts, "error": d.error, "replied": replied,
            }));
            return;
        }
        let back = if replied { " ↩ replied" } else { "" };
        let status = match (d.status, &d.error) {
            (_, Some(e)) => self.paint(RED, &format!("failed: {e}")),
            (Some(s), None) if (200..300).contains(&s) => self.paint(GREEN, &s.to_string()),
            (Some(s), None) => self.paint(YELLOW, &s.to_string()),
            (None, None) => self.paint(RED, "no answer"),
        };
        let tries = if d.attempts > 1 { format!(" ({} attempts)", d.attempts) } else { String::new() };
        self.clear_progress();
        println!(
            "{} {:<7} {} → {status} {}{tries}{back}",
            self.paint(DIM, &format!("#{}", c.seq)),
            for_terminal(&c.method),
            for_terminal(&c.path),
            self.paint(DIM, &format!("{} ms", d.ms))
        );
    }

    /// A failed attempt about to be retried.
    pub fn retrying(&self, c: &Capture, r: &Retry) {
        let text = format!("#{} attempt {} failed ({}); retrying in {} ms", c.seq, r.attempt, r.reason, r.wait_ms);
        self.notice(
            "retry",
            &text,
            json!({ "seq": c.seq, "attempt": r.attempt, "reason": r.reason, "wait_ms": r.wait_ms }),
        );
    }

    /// Backlog progress (terminal only): `done` of `total` delivered.
    pub fn progress(&self, done: u64, total: u64) {
        if self.progress && total > 0 {
            eprint!("\r{}", self.paint(DIM, &format!("catching up: {done}/{total}")));
        }
    }

    fn clear_progress(&self) {
        if self.progress {
            eprint!("\r\x1b[2K");
        }
    }

    /// A capture as `tail` shows it, with its headers and body when asked.
    pub fn capture(&self, c: &Capture, headers: bool, body: Option<&[u8]>) {
        if self.json {
            let mut v = serde_json::to_value(TailLine::from(c)).unwrap_or(Value::Null);
            if let (Some(o), Some(_), Some(b)) = (v.as_object_mut(), body, &c.body_b64) {
                o.insert("body_b64".into(), Value::String(b.clone()));
            }
            self.emit(v);
            return;
        }
        let ct = self.safe(c.content_type.as_deref().unwrap_or("-"));
        let query = if c.query.is_empty() { String::new() } else { format!("?{}", self.safe(&c.query)) };
        println!(
            "{} {} {:<7} {}{query} {} {}",
            self.paint(DIM, &format!("#{}", c.seq)),
            c.received_at,
            self.safe(&c.method),
            self.safe(&c.path),
            ct,
            self.paint(DIM, &format!("{} B", c.body_size))
        );
        if headers {
            for (name, value) in &c.headers {
                println!("  {}: {}", self.safe(name), self.safe(value));
            }
        }
        if let Some(b) = body {
            match std::str::from_utf8(b) {
                Ok(text) if !text.is_empty() => println!("{}", self.safe(text)),
                Ok(_) => {}
                Err(_) => println!(
                    "{}",
                    self.paint(DIM, &format!("({} bytes, not UTF-8; --json has them in base64)", b.len()))
                ),
            }
        }
    }
}

/// The fields of a capture that `tail --json` prints.
#[derive(serde::Serialize)]
struct TailLine<'a> {
    r#type: &'static str,
    id: &'a str,
    seq: u64,
    method: &'a str,
    path: &'a str,
    query: &'a str,
    headers: &'a std::collections::BTreeMap<String, String>,
    body_size: u64,
    received_at: &'a str,
}

impl<'a> From<&'a Capture> for TailLine<'a> {
    fn from(c: &'a Capture) -> Self {
        TailLine {
            r#type: "capture",
            id: &c.id,
            seq: c.seq,
            method: &c.method,
            path: &c.path,
            query: &c.query,
            headers: &c.headers,
            body_size: c.body_size,
            received_at: &c.received_at,
        }
    }
}
