//! The command line.

use clap::{Args, Parser, Subcommand};

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
    /// Give up on a capture after this many retries [default: never].
    #[arg(long, value_name = "N")]
    pub max_retries: Option<u32>,
    /// One JSON object per line.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub service: Service,
}

#[derive(Debug, Args)]
pub struct TailArgs {
    /// The bin: its id or any of its URLs.
    pub bin: String,
    #[command(flatten)]
    pub start: Start,
    /// Print each body too (text as is; `--json` adds `body_b64`).
    #[arg(long)]
    pub body: bool,
    /// One JSON object per line.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub service: Service,
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
