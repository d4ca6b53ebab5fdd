//! The command line.

use clap::{Args, Parser, Subcommand};

use crate::feed::Transport;

/// Make webhook bins, forward them to localhost byte for byte, watch them,
/// and replay their captures.
#[derive(Debug, Parser)]
#[command(name = "polyhook", version)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a bin, print its ingest URL, and save its tokens.
    New(NewArgs),
    /// Forward every capture of a bin to a URL, in order, at least once.
    Listen(ListenArgs),
    /// Print captures as they arrive.
    Tail(TailArgs),
    /// Wait for one capture that matches, print it, and exit: 0 when it
    /// came, 124 when the time ran out, 3 when the bin is gone.
    Wait(WaitArgs),
    /// Serve the Model Context Protocol on stdin/stdout, for coding agents.
    Mcp(McpArgs),
    /// Have the service re-send one capture, and follow its attempts.
    Replay(ReplayArgs),
}

/// Where the service is and how to read the bin.
#[derive(Debug, Args)]
pub struct Service {
    /// The service's base URL [default: the bin URL's, the saved bin's, or http://127.0.0.1:8787].
    #[arg(long, env = "POLYHOOK_BASE")]
    pub base: Option<String>,
    /// A private bin's read token [default: the saved bin's].
    #[arg(long, env = "POLYHOOK_READ_TOKEN", hide_env_values = true)]
    pub token: Option<String>,
}

#[derive(Debug, Args)]
pub struct NewArgs {
    /// Make the bin private: reading it takes the read token.
    #[arg(long)]
    pub private: bool,
    /// The service's base URL [default: http://127.0.0.1:8787].
    #[arg(long, env = "POLYHOOK_BASE")]
    pub base: Option<String>,
    /// Print the answer as JSON.
    #[arg(long)]
    pub json: bool,
}

/// Where a stream starts.
#[derive(Debug, Args)]
pub struct Start {
    /// Start with the oldest capture the bin still holds.
    #[arg(long, conflicts_with = "since")]
    pub from_start: bool,
    /// Start after this sequence number.
    #[arg(long, value_name = "SEQ")]
    pub since: Option<u64>,
}

#[derive(Debug, Args)]
pub struct ListenArgs {
    /// The bin: its id or any of its URLs.
    pub bin: String,
    /// Where to send each capture, e.g. http://localhost:3000/webhooks.
    #[arg(long, value_name = "URL")]
    pub to: String,
    #[command(flatten)]
    pub start: Start,
    /// Append each capture's sub-path (below /in) to the target's path.
    #[arg(long)]
    pub keep_path: bool,
    /// Retries of a capture the app keeps failing (network errors, timeouts,
    /// 408, 429, 5xx) before it goes to the dead-letter file and the next
    /// capture goes on.
    #[arg(long, value_name = "N", default_value_t = 8)]
    pub max_retries: u32,
    /// First re-send the captures in this bin's and target's dead-letter
    /// file, in order; those the app then answers leave the file.
    #[arg(long)]
    pub retry_dead: bool,
    /// Pass X-Forwarded-*, Forwarded, X-Real-IP and X-Original-URL on to the
    /// app. Off by default: an app that trusts proxies on loopback would
    /// believe a sender's claims about who it is.
    #[arg(long)]
    pub keep_proxy_headers: bool,
    /// One JSON object per line.
    #[arg(long)]
    pub json: bool,
    /// How to follow the bin: the WebSocket, which lets a watched bin sleep
    /// (falling back to SSE on a service without one), or one of them only.
    #[arg(long, value_enum, default_value_t = Transport::Auto, env = "POLYHOOK_TRANSPORT")]
    pub transport: Transport,
    /// Be the bin's responder: while caught up, each sender waits (up to the
    /// service's REPLY_TIMEOUT_MS) and gets your app's own status, headers
    /// and body. Takes the bin's delete token; a newer responder replaces this one.
    #[arg(long)]
    pub reply: bool,
    /// The bin's delete token, for --reply [default: the saved bin's].
    #[arg(long, env = "POLYHOOK_DELETE_TOKEN", hide_env_values = true)]
    pub delete_token: Option<String>,
    #[command(flatten)]
    pub service: Service,
}

#[derive(Debug, Args)]
pub struct TailArgs {
    /// The bin: its id or any of its URLs.
    pub bin: String,
    #[command(flatten)]
    pub start: Start,
    /// Print each body too (`--json` adds `body_b64`).
    #[arg(long)]
    pub body: bool,
    /// Print each capture's headers too.
    #[arg(long)]
    pub headers: bool,
    /// Write bodies and header values exactly as received. By default text
    /// output shows control characters (ESC, carriage returns, ...) as
    /// escapes such as `\x1b`, so a sender cannot drive your terminal.
    #[arg(long)]
    pub raw: bool,
    /// One JSON object per line.
    #[arg(long)]
    pub json: bool,
    /// How to follow the bin: the WebSocket, which lets a watched bin sleep
    /// (falling back to SSE on a service without one), or one of them only.
    #[arg(long, value_enum, default_value_t = Transport::Auto, env = "POLYHOOK_TRANSPORT")]
    pub transport: Transport,
    #[command(flatten)]
    pub service: Service,
}

#[derive(Debug, Args)]
pub struct WaitArgs {
    /// The bin: its id or any of its URLs.
    pub bin: String,
    /// Only this method.
    #[arg(long, value_name = "M")]
    pub method: Option<String>,
    /// Only captures sent to this sub-path below /in, or below it.
    #[arg(long, value_name = "P")]
    pub path: Option<String>,
    /// Only captures with this header (`name` or `name=value`); repeatable.
    #[arg(long, value_name = "K=V")]
    pub header: Vec<String>,
    /// Only captures whose signature verified.
    #[arg(long)]
    pub verified: bool,
    /// Only captures after this one (a seq or a request id) [default: the
    /// last minute's count too, so one sent just before is not missed].
    #[arg(long, value_name = "SEQ|RID")]
    pub after: Option<String>,
    /// How long to wait: `30s`, `2m`, or seconds.
    #[arg(long, default_value = "30s", value_parser = crate::cmd::wait::parse_duration)]
    pub timeout: std::time::Duration,
    /// Print the body too.
    #[arg(long)]
    pub body: bool,
    /// The capture as the service's JSON, on one line.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub service: Service,
}

#[derive(Debug, Args)]
pub struct McpArgs {
    /// The service's base URL [default: a saved bin's, or http://127.0.0.1:8787].
    #[arg(long, env = "POLYHOOK_BASE")]
    pub base: Option<String>,
}

#[derive(Debug, Args)]
pub struct ReplayArgs {
    /// The bin: its id or any of its URLs.
    pub bin: String,
    /// The capture: its sequence number or its id (`<bin>-<seq>`).
    pub request: String,
    /// Where the service sends it (a public URL: the service makes the call).
    #[arg(long, value_name = "URL")]
    pub to: String,
    /// Retries after a failed attempt (0 to 5) [default: the service's, 5].
    #[arg(long, value_name = "N")]
    pub max_retries: Option<u32>,
    /// One JSON object per line.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub service: Service,
}
