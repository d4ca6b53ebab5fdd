//! `polyhook`: the command-line companion of polyhook-rs. Run
//! `polyhook --help` for the commands.

mod api;
mod args;
mod atomic;
mod bin_ref;
mod checkpoint;
mod cmd;
mod dead;
mod deliver;
mod error;
mod escape;
mod feed;
mod forward;
mod home;
mod output;
mod saved;
mod wire;

use clap::Parser;

use crate::args::{Cli, Command};
use crate::error::{CliError, EXIT_INTERRUPTED};

fn main() {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(r) => r,
        Err(e) => exit(CliError::fail(format!("cannot start: {e}"))),
    };
    let result = runtime.block_on(async {
        match cli.command {
            Command::New(a) => cmd::new::run(a).await,
            Command::Listen(a) => cmd::listen::run(a).await,
            Command::Tail(a) => cmd::tail::run(a).await,
            Command::Replay(a) => cmd::replay::run(a).await,
            Command::Wait(a) => cmd::wait::run(a).await,
            Command::Mcp(a) => cmd::mcp::run(a).await,
        }
    });
    if let Err(e) = result {
        exit(e);
    }
}

fn exit(e: CliError) -> ! {
    if e.code == EXIT_INTERRUPTED {
        eprintln!("{}", e.message);
    } else {
        eprintln!("polyhook: {}", e.message);
    }
    std::process::exit(e.code)
}
