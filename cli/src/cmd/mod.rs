//! One module per command, plus what they share: finding the bin.

pub mod listen;
pub mod mcp;
pub mod new;
pub mod replay;
pub mod tail;
pub mod wait;

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
    // A saved token goes only to the service it was saved with, never to a base given later.
    let token =
        service.token.clone().or_else(|| saved.filter(|s| same_base(&s.base, &base)).and_then(|s| s.read_token));
    Ok(Target { api: Api::new(&base, token)?, id: arg.id })
}

/// True when two base URLs name the same service: same scheme, host, port
/// and path (a trailing slash aside).
pub fn same_base(a: &str, b: &str) -> bool {
    let parse = |s: &str| url::Url::parse(s.trim_end_matches('/')).ok();
    match (parse(a), parse(b)) {
        (Some(a), Some(b)) => {
            a.origin() == b.origin() && a.path().trim_end_matches('/') == b.path().trim_end_matches('/')
        }
        _ => false,
    }
}

/// The capture to start after: `--since`, 0 for `--from-start`, or `None`.
pub fn explicit_start(start: &Start) -> Option<u64> {
    if start.from_start {
        Some(0)
    } else {
        start.since
    }
}

#[cfg(test)]
mod tests {
    use super::same_base;

    #[test]
    fn a_saved_token_matches_only_its_own_service() {
        assert!(same_base("http://127.0.0.1:8787", "http://127.0.0.1:8787/"));
        assert!(same_base("https://Hooks.Example.dev", "https://hooks.example.dev:443"));
        assert!(!same_base("http://127.0.0.1:8787", "http://127.0.0.1:8788"));
        assert!(!same_base("https://hooks.example.dev", "http://hooks.example.dev"));
        assert!(!same_base("https://hooks.example.dev", "https://hooks.example.dev.evil.test"));
        assert!(!same_base("https://hooks.example.dev", "https://hooks.example.dev/other"));
        assert!(!same_base("not a url", "not a url"));
    }
}
