//! One module per command, plus what they share: finding the bin.

pub mod listen;
pub mod new;
pub mod replay;
pub mod tail;

use crate::api::Api;
use crate::args::{Service, Start};
use crate::bin_ref::{self, choose_base};
use crate::error::CliError;
use crate::{home, saved};

/// The bin a command works on, and a client for its service.
pub struct Target {
    pub id: String,
    pub api: Api,
}

/// Resolves the bin argument, the service base and the read token.
pub fn resolve(bin: &str, service: &Service) -> Result<Target, CliError> {
    let arg = bin_ref::parse(bin)?;
    let saved = saved::load(&home::bins_dir()?, &arg.id)?;
    let base = choose_base(service.base.as_deref(), arg.base.as_deref(), saved.as_ref().map(|s| s.base.as_str()));
    let token = service.token.clone().or_else(|| saved.and_then(|s| s.read_token));
    Ok(Target { api: Api::new(&base, token)?, id: arg.id })
}

/// The capture to start after: `--since`, 0 for `--from-start`, or `None`.
pub fn explicit_start(start: &Start) -> Option<u64> {
    if start.from_start {
        Some(0)
    } else {
        start.since
    }
}
